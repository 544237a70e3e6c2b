"""Offsets are truth: every finding of every example points at exactly its text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from presslens.model import SCHEMA_VERSION, Analysis

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.txt"))


def assert_spans_truthful(analysis: Analysis) -> None:
    """Shared by the property tests: spans in bounds, texts match, lists ordered by start."""
    text = analysis.document.text
    n = len(text)
    for layer, (s, e), reported in analysis.findings():
        assert 0 <= s <= e <= n, f"{layer} span {(s, e)} out of bounds (len {n})"
        assert text[s:e] == reported, f"{layer} span {(s, e)} is {text[s:e]!r} but reports {reported!r}"
    for name in ("paragraphs", "sentences"):
        spans = getattr(analysis.document, name)
        for s, e in spans:
            assert 0 <= s < e <= n, f"{name} span {(s, e)} empty or out of bounds (len {n})"
            assert text[s:e].strip(), f"{name} span {(s, e)} is blank"
        starts = [s for s, _ in spans]
        assert starts == sorted(starts), f"{name} not ordered by start"
    for name, spans in (
        ("quotes", [q.span for q in analysis.quotes]),
        ("quantities", [q.span for q in analysis.quantities]),
        ("techniques", [t.span for t in analysis.techniques]),
        ("events", [ev.trigger.span for ev in analysis.events]),
    ):
        starts = [s for s, _ in spans]
        assert starts == sorted(starts), f"{name} not ordered by start: {starts}"
    for ent in analysis.entities:
        starts = [s for s, _ in ent.mentions]
        assert starts == sorted(starts), f"mentions of {ent.name} not ordered by start"
        assert ent.mentions, f"entity {ent.name} has no mention"
    entity_starts = [ent.mentions[0][0] for ent in analysis.entities if ent.mentions]
    assert entity_starts == sorted(entity_starts), "entities not ordered by their first mention"
    ids = {ent.id for ent in analysis.entities}
    assert len(ids) == len(analysis.entities), "entity ids not unique"
    for q in analysis.quotes:
        assert q.speaker.entity is None or q.speaker.entity in ids, f"{q.id} points at unknown entity {q.speaker.entity}"
    assert len({q.id for q in analysis.quotes}) == len(analysis.quotes), "quote ids not unique"


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.name for p in EXAMPLES])
def example_analysis(request, analyze_text) -> Analysis:
    return analyze_text(request.param.read_text(encoding="utf-8"))


def test_spans_every_finding_is_truthful(example_analysis: Analysis) -> None:
    assert_spans_truthful(example_analysis)


def test_spans_examples_have_findings(example_analysis: Analysis) -> None:
    doc = example_analysis.document
    assert len(doc.paragraphs) >= 10, f"only {len(doc.paragraphs)} paragraphs"
    assert len(doc.sentences) >= len(doc.paragraphs)
    # every paragraph is covered by sentences, none crosses a paragraph break
    for s, e in doc.sentences:
        assert "\n\n" not in doc.text[s:e], f"sentence {(s, e)} crosses a paragraph break"


def test_spans_json_round_trip(example_analysis: Analysis) -> None:
    raw = example_analysis.model_dump_json()
    data = json.loads(raw)
    assert data["schema"] == SCHEMA_VERSION == "presslens.analysis/1"
    for key in ("document", "entities", "quotes", "quantities"):
        assert key in data
    assert data["document"]["text"] == example_analysis.document.text
    back = Analysis.model_validate_json(raw)
    assert back == example_analysis
    assert back.model_dump_json() == raw
    # the JSON spans are [s, e] pairs that index the text
    text = data["document"]["text"]
    for q in data["quotes"]:
        assert text[q["span"][0] : q["span"][1]] == q["text"]
    for n in data["quantities"]:
        assert text[n["span"][0] : n["span"][1]] == n["text"]
