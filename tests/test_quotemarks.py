"""The one quote-mark pairing."""

from __future__ import annotations

from presslens.quotemarks import double_segments, quote_segments


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for part in text.split("\n\n"):
        out.append((pos, pos + len(part)))
        pos += len(part) + 2
    return out


def _texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in spans]


def test_quotemarks_curly_and_straight_pairs_within_a_paragraph() -> None:
    text = 'She said “we will win” and he said "we will not."'
    assert _texts(text, double_segments(text, _paragraphs(text))) == ["“we will win”", '"we will not."']


def test_quotemarks_quote_runs_on_when_next_paragraph_reopens() -> None:
    text = "“First part of it.\n\n“Second part of it,” she said."
    spans = double_segments(text, _paragraphs(text))
    assert _texts(text, spans) == [text[: text.index("”") + 1]]


def test_quotemarks_quote_runs_on_to_a_closing_mark_in_the_next_paragraph() -> None:
    text = "She read: “We asked in March.\n\nThe office is merely relabelled.” Then she left."
    spans = double_segments(text, _paragraphs(text))
    assert _texts(text, spans) == ["“We asked in March.\n\nThe office is merely relabelled.”"]


def test_quotemarks_unclosed_quote_ends_with_its_paragraph() -> None:
    text = "He said “this never closes\n\nA new paragraph without marks."
    spans = double_segments(text, _paragraphs(text))
    assert _texts(text, spans) == ["“this never closes"]


def test_quotemarks_single_quotes_skip_apostrophes_and_markup_values() -> None:
    text = "The Iraqis’ view: ‘we don’t agree’, said one. <a title=\"x\">"
    assert _texts(text, quote_segments(text, _paragraphs(text))) == ["‘we don’t agree’"]
