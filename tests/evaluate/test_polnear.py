"""PolNeAR brat reader: spans, discontinuous fragments, annotator choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from presslens.errors import EvalDataError
from presslens.evaluate.polnear import parse_ann, read_polnear

TEXT = "The mayor said the pool will reopen. “It is safe,” she added, “and free.”\n"


def _ann(text: str) -> str:
    src = text.index("The mayor")
    cue = text.index("said")
    con = text.index("the pool")
    q1, q1e = text.index("“It"), text.index(",”") + 2
    q2, q2e = text.index("“and"), text.index("free.”") + 6
    she, added = text.index("she"), text.index("added")
    return (
        f"T1\tSource {src} {src + 9}\tThe mayor\n"
        f"T2\tCue {cue} {cue + 4}\tsaid\n"
        f"T3\tContent {con} {con + 21}\t{text[con:con + 21]}\n"
        f"T4\tAttribution {cue} {cue + 4}\tsaid\n"
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
        f"T5\tContent {q1} {q1e};{q2} {q2e}\tx\n"
        f"T6\tSource {she} {she + 3}\tshe\n"
        f"T7\tCue {added} {added + 5}\tadded\n"
        "E2\tAttribution:T7 Content:T5 Cue:T7 Source:T6\n"
        "T8\tDiscard 0 3\tThe\n"
    )


def make_corpus(root: Path, annotators: tuple[str, ...] = ("b2", "a1")) -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "story_one.txt").write_text(TEXT, encoding="utf-8")
    for ann in annotators:
        (root / "attributions" / f"story_one_{ann}.ann").write_text(_ann(TEXT), encoding="utf-8")
    return root


def test_polnear_parse_ann_roles_and_fragments() -> None:
    atts = parse_ann(_ann(TEXT), TEXT)
    assert len(atts) == 2
    first, second = atts
    assert first.source_text == "The mayor" and first.cue_text == "said"
    assert first.content_text == "the pool will reopen."
    assert len(second.content) == 2  # discontinuous content keeps its fragments
    assert TEXT[second.content[0][0] : second.content[0][1]] == "“It is safe,”"
    assert second.source_text == "she"


def test_polnear_read_picks_first_annotator_deterministically(tmp_path: Path) -> None:
    docs = read_polnear(make_corpus(tmp_path))
    assert len(docs) == 1
    assert docs[0].annotator == "a1"
    assert docs[0].text == TEXT


def test_polnear_read_rejects_wrong_layout(tmp_path: Path) -> None:
    with pytest.raises(EvalDataError):
        read_polnear(tmp_path)


def test_polnear_out_of_range_spans_are_dropped() -> None:
    atts = parse_ann("T1\tContent 5 99999\tx\nT2\tCue 0 3\tThe\nE1\tAttribution:T2 Content:T1 Cue:T2\n", TEXT)
    assert atts == []
