"""Golden expectations for the bundled example articles (tests/data/expectations.json).

One test per expectation, so a failure names exactly what was missed. Locations are found
by searching a phrase in the article, so the checks do not depend on whether a stage puts
the quote marks inside a quote's span or not.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from presslens.model import Analysis, Quote

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
EXPECTATIONS = json.loads((Path(__file__).parent / "data" / "expectations.json").read_text(encoding="utf-8"))
ARTICLES = sorted(k for k in EXPECTATIONS if not k.startswith("_"))


def _params(polarity: str) -> list[Any]:
    out = []
    for article in ARTICLES:
        for entry in EXPECTATIONS[article][polarity]:
            out.append(pytest.param(article, entry, id=f"{Path(article).stem}:{entry['id']}"))
    return out


def _norm(name: str | None) -> str:
    """Compare names ignoring case, apostrophe style and spacing."""
    if name is None:
        return ""
    return re.sub(r"\s+", " ", name.replace("\u2019", "'").replace("\u2018", "'")).strip().casefold()


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _locate(text: str, phrase: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.find(phrase, start + 1)
        assert start != -1, f"expectations.json is stale: {phrase!r} (occurrence {occurrence}) is not in the article"
    return start, start + len(phrase)


def _analysis(analyze_text, article: str) -> Analysis:
    path = EXAMPLES / article
    assert path.is_file(), f"example {article} is missing"
    return analyze_text(path.read_text(encoding="utf-8"))


def _speaker_names(analysis: Analysis, quote: Quote) -> set[str]:
    names = {_norm(quote.speaker.name)}
    ent = analysis.entity(quote.speaker.entity)
    if ent is not None:
        names.add(_norm(ent.name))
    return names - {""}


def _speaker_is_person(analysis: Analysis, quote: Quote) -> bool:
    ent = analysis.entity(quote.speaker.entity)
    return quote.speaker.kind == "person" or (ent is not None and ent.type == "PERSON")


def _describe_quote(analysis: Analysis, q: Quote) -> str:
    ent = analysis.entity(q.speaker.entity)
    return (
        f"{q.id} {q.kind} {q.span} {q.text[:70]!r} speaker(text={q.speaker.text!r}, name={q.speaker.name!r}, "
        f"entity={ent.name if ent else None!r}, kind={q.speaker.kind}) cue={q.cue.text if q.cue else None!r}"
    )


def _quote_problems(analysis: Analysis, q: Quote, exp: dict[str, Any]) -> list[str]:
    problems = []
    if "kind" in exp and q.kind not in _as_list(exp["kind"]):
        problems.append(f"kind {q.kind!r}, expected {exp['kind']!r}")
    if "speaker" in exp and _norm(exp["speaker"]) not in _speaker_names(analysis, q):
        problems.append(f"speaker {sorted(_speaker_names(analysis, q))}, expected {exp['speaker']!r}")
    if "speaker_kind" in exp and q.speaker.kind not in _as_list(exp["speaker_kind"]):
        problems.append(f"speaker kind {q.speaker.kind!r}, expected {exp['speaker_kind']!r}")
    if "speaker_text" in exp and exp["speaker_text"].casefold() not in (q.speaker.text or "").casefold():
        problems.append(f"speaker text {q.speaker.text!r} lacks {exp['speaker_text']!r}")
    if "cue" in exp and (q.cue is None or exp["cue"].casefold() not in q.cue.text.casefold()):
        problems.append(f"cue {q.cue.text if q.cue else None!r}, expected {exp['cue']!r}")
    return problems


def _check_quote(analysis: Analysis, exp: dict[str, Any]) -> None:
    s, e = _locate(analysis.document.text, exp["text"], exp.get("occurrence", 1))
    covering = [q for q in analysis.quotes if q.span[0] <= s and e <= q.span[1]]
    assert covering, (
        f"no quote covers {exp['text']!r} ({exp.get('why', '')}); "
        f"quotes overlapping it: {[_describe_quote(analysis, q) for q in analysis.quotes if q.span[0] < e and s < q.span[1]]}"
    )
    reports = []
    for q in covering:
        problems = _quote_problems(analysis, q, exp)
        if not problems:
            return
        reports.append(f"{_describe_quote(analysis, q)}: {'; '.join(problems)}")
    pytest.fail(f"quote {exp['text']!r} found but wrong ({exp.get('why', '')}):\n  " + "\n  ".join(reports))


def _find_entity(analysis: Analysis, name: str):
    return [ent for ent in analysis.entities if _norm(ent.name) == _norm(name)]


def _check_entity(analysis: Analysis, exp: dict[str, Any]) -> None:
    found = _find_entity(analysis, exp["name"])
    assert found, (
        f"no entity named {exp['name']!r} ({exp.get('why', '')}); entities: "
        f"{[(ent.name, ent.type) for ent in analysis.entities]}"
    )
    reports = []
    for ent in found:
        problems = []
        if "type" in exp and ent.type != exp["type"]:
            problems.append(f"type {ent.type}, expected {exp['type']}")
        aliases = {_norm(a) for a in ent.aliases}
        for alias in exp.get("aliases", []):
            if _norm(alias) not in aliases:
                problems.append(f"alias {alias!r} missing from {ent.aliases}")
        for desc in exp.get("descriptions", []):
            if not any(_norm(desc) in _norm(d) for d in ent.descriptions):
                problems.append(f"no description containing {desc!r} in {ent.descriptions}")
        if not problems:
            return
        reports.append(f"{ent.id} {ent.name!r}: {'; '.join(problems)}")
    pytest.fail(f"entity {exp['name']!r} found but wrong ({exp.get('why', '')}):\n  " + "\n  ".join(reports))


def _close(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _check_quantity(analysis: Analysis, exp: dict[str, Any]) -> None:
    s, e = _locate(analysis.document.text, exp["text"], exp.get("occurrence", 1))
    overlapping = [n for n in analysis.quantities if n.span[0] < e and s < n.span[1]]
    assert overlapping, f"no quantity overlaps {exp['text']!r} ({exp.get('why', '')})"
    reports = []
    for n in overlapping:
        problems = []
        for key in ("value", "low", "high"):
            if key in exp and not _close(getattr(n, key), exp[key]):
                problems.append(f"{key} {getattr(n, key)!r}, expected {exp[key]!r}")
        if "number" in exp and not any(_close(v, exp["number"]) for v in (n.value, n.low, n.high)):
            problems.append(f"none of value/low/high ({n.value}, {n.low}, {n.high}) is {exp['number']}")
        if "approximate" in exp and n.approximate != exp["approximate"]:
            problems.append(f"approximate {n.approximate}, expected {exp['approximate']}")
        if "kind" in exp and n.kind not in _as_list(exp["kind"]):
            problems.append(f"kind {n.kind!r}, expected {exp['kind']!r}")
        if "counted" in exp and exp["counted"].casefold() not in (n.counted or "").casefold():
            problems.append(f"counted {n.counted!r} lacks {exp['counted']!r}")
        if not problems:
            return
        reports.append(f"{n.text!r} {n.span}: {'; '.join(problems)}")
    pytest.fail(f"quantity {exp['text']!r} found but wrong ({exp.get('why', '')}):\n  " + "\n  ".join(reports))


MUST = {"quote": _check_quote, "entity": _check_entity, "quantity": _check_quantity}


def _check_no_quote(analysis: Analysis, exp: dict[str, Any]) -> None:
    s, e = _locate(analysis.document.text, exp["text"], exp.get("occurrence", 1))
    kinds = exp.get("kinds", ["direct", "indirect", "mixed"])
    bad = [q for q in analysis.quotes if q.kind in kinds and q.span[0] < e and s < q.span[1]]
    assert not bad, f"{exp['text']!r} must not be inside a {kinds} quote ({exp.get('why', '')}): " + str(
        [_describe_quote(analysis, q) for q in bad]
    )


def _check_no_speaker(analysis: Analysis, exp: dict[str, Any]) -> None:
    s, e = _locate(analysis.document.text, exp["quote"], exp.get("occurrence", 1))
    for q in analysis.quotes:
        if not (q.span[0] <= s and e <= q.span[1]):
            continue
        if "speaker" in exp:
            assert _norm(exp["speaker"]) not in _speaker_names(analysis, q), (
                f"{exp['quote']!r} must not be attributed to {exp['speaker']!r} ({exp.get('why', '')}): {_describe_quote(analysis, q)}"
            )
        if exp.get("speaker_kind") == "person":
            assert not _speaker_is_person(analysis, q), (
                f"{exp['quote']!r} must not be attributed to a person ({exp.get('why', '')}): {_describe_quote(analysis, q)}"
            )
        elif "speaker_kind" in exp:
            assert q.speaker.kind != exp["speaker_kind"], f"{_describe_quote(analysis, q)} has speaker kind {exp['speaker_kind']!r}"


def _check_no_entity(analysis: Analysis, exp: dict[str, Any]) -> None:
    types = exp.get("types", ["PERSON", "ORG", "PLACE", "GROUP", "OTHER"])
    bad = []
    for ent in analysis.entities:
        if ent.type not in types:
            continue
        if "name_equals" in exp and _norm(ent.name) == _norm(exp["name_equals"]):
            bad.append(ent)
        if "name_contains" in exp and _norm(exp["name_contains"]) in _norm(ent.name):
            bad.append(ent)
    assert not bad, f"unexpected entities ({exp.get('why', '')}): {[(ent.name, ent.type) for ent in bad]}"


def _check_not_count(analysis: Analysis, exp: dict[str, Any]) -> None:
    s, e = _locate(analysis.document.text, exp["text"], exp.get("occurrence", 1))
    bad = [n for n in analysis.quantities if n.kind == "count" and n.span[0] < e and s < n.span[1]]
    assert not bad, f"{exp['text']!r} is not a count ({exp.get('why', '')}): {[(n.text, n.kind, n.value) for n in bad]}"


MUST_NOT = {"quote": _check_no_quote, "speaker": _check_no_speaker, "entity": _check_no_entity, "count": _check_not_count}


@pytest.mark.parametrize(("article", "expectation"), _params("must"))
def test_examples_must_find(analyze_text, article: str, expectation: dict[str, Any]) -> None:
    MUST[expectation["what"]](_analysis(analyze_text, article), expectation)


@pytest.mark.parametrize(("article", "expectation"), _params("must_not"))
def test_examples_must_not_find(analyze_text, article: str, expectation: dict[str, Any]) -> None:
    MUST_NOT[expectation["what"]](_analysis(analyze_text, article), expectation)


def test_examples_expectations_cover_every_example(example_paths: list[Path]) -> None:
    names = {p.name for p in example_paths}
    assert names == set(ARTICLES), f"examples {sorted(names)} vs expectations {ARTICLES}"
    for article in ARTICLES:
        ids = [x["id"] for x in EXPECTATIONS[article]["must"] + EXPECTATIONS[article]["must_not"]]
        assert len(ids) == len(set(ids)), f"duplicate expectation ids in {article}"
        for entry in EXPECTATIONS[article]["must"]:
            assert entry["what"] in MUST, entry
        for entry in EXPECTATIONS[article]["must_not"]:
            assert entry["what"] in MUST_NOT, entry


@pytest.mark.parametrize("article", ARTICLES)
def test_examples_are_well_formed(article: str) -> None:
    """Title line, blank line, then paragraphs; 450-800 words; UTF-8."""
    text = (EXAMPLES / article).read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[0].strip() and not lines[1].strip(), "first line is the title, then a blank line"
    assert 450 <= len(text.split()) <= 800, f"{article} has {len(text.split())} words"
    # every phrase the expectations search for is really in the article
    for entry in EXPECTATIONS[article]["must"] + EXPECTATIONS[article]["must_not"]:
        phrase = entry.get("text") or entry.get("quote")
        if phrase is not None:
            _locate(text, phrase, entry.get("occurrence", 1))


def test_examples_title_detected_by_ingest() -> None:
    """Reading an example as a file takes its first line as the title."""
    from presslens import analyze_path

    path = EXAMPLES / "rally-report.txt"
    analysis = analyze_path(str(path))
    first_line = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert analysis.document.title == first_line
    assert analysis.document.title_span is not None
    s, e = analysis.document.title_span
    assert analysis.document.text[s:e] == first_line


# ---------------------------------------------------------------- reports list the voices

_TEXT_SPEAKER = re.compile(r"^  (\S.*?)  \(.*\)  (\d+) quotes?$")
_MD_SPEAKER = re.compile(r"^### (?:\*\*(.*)\*\*|_(unattributed)_) \(.*\), (\d+) quotes?$")


def _expected_speakers(analysis: Analysis) -> list[tuple[str, int]]:
    """What every report must list: each voice with its quotes, then the quotes no voice claims."""
    assert analysis.sourcing is not None
    out = [(" ".join((v.name or "").split()), len(v.quote_ids)) for v in analysis.sourcing.voices]
    claimed = {q for v in analysis.sourcing.voices for q in v.quote_ids}
    rest = sum(1 for q in analysis.quotes if q.id not in claimed)
    return out + ([("unattributed", rest)] if rest else [])


def _text_speakers(report: str) -> list[tuple[str, int]]:
    section = report.split("Speakers and quotes", 1)[1].split("\nVoices", 1)[0]
    return [(m.group(1), int(m.group(2))) for line in section.splitlines() if (m := _TEXT_SPEAKER.match(line))]


def _md_speakers(report: str) -> list[tuple[str, int]]:
    out = []
    for line in report.splitlines():
        m = _MD_SPEAKER.match(line)
        if m:
            out.append((re.sub(r"\\(.)", r"\1", m.group(1) or m.group(2)), int(m.group(3))))
    return out


def _html_speakers(report: str) -> list[tuple[str, int]]:
    from lxml import html as lxml_html

    page = lxml_html.fromstring(report)
    [section] = page.xpath('//section[@id="panel-speakers"]')
    out = []
    for h3 in section.xpath('./h3[contains(concat(" ", @class, " "), " speaker ")]'):
        [name] = h3.xpath('./span[@class="speaker-name"]')
        listing = h3.getnext()
        assert listing is not None and listing.tag == "ul", "each speaker heading is followed by its quote list"
        out.append((" ".join(name.text_content().split()), len(listing.xpath("./li"))))
    return out


@pytest.mark.parametrize("article", sorted(p.name for p in EXAMPLES.glob("*.txt")))
def test_examples_reports_list_the_voices_as_speakers(analyze_text, article):
    from presslens.render import render

    analysis = _analysis(analyze_text, article)
    expected = _expected_speakers(analysis)
    assert _text_speakers(render(analysis, "text")) == expected
    assert _md_speakers(render(analysis, "md")) == expected
    assert _html_speakers(render(analysis, "html")) == expected
