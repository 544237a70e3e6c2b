from __future__ import annotations

from presslens.model import Quantity
from presslens.render.spans import (
    Mark,
    blocks_of,
    highlight_blocks,
    quantity_value,
    segment,
    shown_quote,
    speaker_groups,
)


def test_spans_segment_nested_marks_cover_runs():
    text = "aa bb cc dd"
    marks = [Mark("quote", 0, 0, 11), Mark("number", 0, 3, 5), Mark("entity", 0, 3, 8)]
    [block] = segment(text, [(0, 11)], marks)
    assert "".join(r.text for r in block.runs) == text
    by_text = {r.text: {m.layer for m in r.marks} for r in block.runs}
    assert by_text == {"aa ": {"quote"}, "bb": {"quote", "number", "entity"}, " cc": {"quote", "entity"}, " dd": {"quote"}}
    anchors = sorted((m.layer, r.text) for r in block.runs for m in r.starts)
    assert anchors == [("entity", "bb"), ("number", "bb"), ("quote", "aa ")]


def test_spans_segment_splits_marks_across_paragraphs():
    text = "one two\n\nthree four"
    [b1, b2] = segment(text, [(0, 7), (9, 19)], [Mark("quote", 0, 4, 14)])
    assert [(r.text, bool(r.marks)) for r in b1.runs] == [("one ", False), ("two", True)]
    assert [(r.text, bool(r.marks)) for r in b2.runs] == [("three", True), (" four", False)]
    assert [m.layer for r in b2.runs for m in r.starts] == []  # anchored once, in the first paragraph


def test_spans_blocks_keep_every_character(ferry):
    text = ferry.document.text
    shown = "".join(r.text for b in highlight_blocks(ferry) for r in b.runs)
    assert "".join(shown.split()) == "".join(text.split())
    ferry.document.paragraphs = []  # no paragraph information: still every character
    assert "".join("".join(text[s:e] for s, e in blocks_of(ferry)).split()) == "".join(text.split())
    ferry.document.paragraphs = [(0, 10), (5, 20)]  # overlapping paragraphs: no duplicated text
    assert "".join("".join(text[s:e] for s, e in blocks_of(ferry)).split()) == "".join(text.split())


def test_spans_bad_spans_are_ignored_not_fatal(ferry):
    [block] = segment("short", [(0, 5)], [Mark("number", 0, 3, 99)])
    assert "".join(r.text for r in block.runs) == "short"
    ferry.quantities[0].span = (400, 9999)
    ferry.quotes[0].span = (50, 10)
    shown = "".join(r.text for b in highlight_blocks(ferry) for r in b.runs)
    assert "".join(shown.split()) == "".join(ferry.document.text.split())


def test_spans_speaker_groups_share_colour_per_speaker(ferry):
    groups = speaker_groups(ferry)
    assert [g.label for g in groups] == ["Dana Okafor", "Save the Quay", "one resident"]
    assert groups[0].quotes == [0, 1, 2]
    assert len({g.colour for g in groups}) == 3


def test_spans_values_and_quote_marks_format():
    assert quantity_value(Quantity(text="x", span=(0, 1), value=2500, approximate=True)) == "≈2,500"
    assert quantity_value(Quantity(text="x", span=(0, 1), low=200, high=300)) == "200–300"
    assert quantity_value(Quantity(text="x", span=(0, 1))) == ""
    assert shown_quote("“Hi,”", "direct") == "“Hi,”"
    assert shown_quote("Hi", "direct") == "“Hi”"
    assert shown_quote("that it rained", "indirect") == "that it rained"


def test_spans_quantity_value_shows_years_without_separator():
    from presslens.model import Quantity
    from presslens.render.spans import quantity_value

    assert quantity_value(Quantity(text="2019", span=(0, 4), value=2019, kind="year")) == "2019"
    assert quantity_value(Quantity(text="2,019 seats", span=(0, 11), value=2019)) == "2,019"
