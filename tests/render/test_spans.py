from __future__ import annotations

from presslens.model import Analysis, Entity, Quantity
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


def test_spans_speaker_groups_follow_the_voices(ferry):
    from presslens.model import Sourcing, Voice

    # one voice claims quotes whose speakers are written differently; Q5 is claimed by none
    ferry.sourcing = Sourcing(voices=[
        Voice(name="Save the Quay", kind="organization", entity="E2", quotes=1, quote_ids=["Q4"]),
        Voice(name="Dana Okafor", kind="person", entity="E1", quotes=3, quote_ids=["Q1", "Q2", "Q3", "Q404"]),
    ])
    groups = speaker_groups(ferry)
    assert [(g.label, g.quotes) for g in groups] == [("Save the Quay", [3]), ("Dana Okafor", [0, 1, 2]), ("unattributed", [4])]
    assert [g.colour for g in groups] == [0, 1, -1]


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


def test_spans_technique_families_cover_every_label_once():
    from presslens.model import TECHNIQUES
    from presslens.render.spans import OTHER_FAMILY, TECHNIQUE_FAMILIES, technique_family

    listed = [label for _, _, labels in TECHNIQUE_FAMILIES for label in labels]
    assert sorted(listed) == sorted(TECHNIQUES)  # each of the 14 labels in exactly one family
    assert len({key for key, _, _ in TECHNIQUE_FAMILIES} | {OTHER_FAMILY[0]}) == len(TECHNIQUE_FAMILIES) + 1
    assert technique_family("Flag-Waving")[0] == "emotion" and technique_family("Doubt")[0] == "credibility"
    assert technique_family("Some_New_Label") == OTHER_FAMILY


def test_spans_technique_name_reads_naturally():
    from presslens.render.spans import technique_name

    assert technique_name("Name_Calling,Labeling") == "Name calling/labeling"
    assert technique_name("Appeal_to_fear-prejudice") == "Appeal to fear-prejudice"
    assert technique_name("Whataboutism,Straw_Men,Red_Herring") == "Whataboutism/straw men/red herring"
    assert technique_name("<b>New</b>") == "<b>New</b>"  # not a PTC label: as given (renderers escape it)


def test_spans_technique_counts_and_sentences(build):
    from presslens.model import Technique
    from presslens.render.spans import technique_counts, technique_sentences

    text = "It was a total disaster. Nothing happened here. Shameful and shameful again. The end."
    doc = build.make_document(text)
    doc.sentences = [build.span_of(text, s) for s in ("It was a total disaster.", "Nothing happened here.", "Shameful and shameful again.", "The end.")]

    def tech(label: str, sub: str, nth: int = 0) -> Technique:
        s, e = build.span_of(text, sub, nth)
        return Technique(technique=label, span=(s, e), text=text[s:e], confidence=0.5, explanation="x", method="rule")

    a = Analysis(document=doc, techniques=[
        tech("Loaded_Language", "total disaster"),
        tech("Exaggeration,Minimisation", "total"),
        tech("Loaded_Language", "Shameful"),
        tech("Repetition", "shameful again. The end"),  # crosses into the last sentence
    ])
    hits, total = technique_sentences(a)
    assert total == 4
    assert [(h.number, h.techniques) for h in hits] == [(1, [0, 1]), (3, [2, 3]), (4, [3])]
    rows = technique_counts(a)
    assert [(r.family, r.name, r.count, r.sentences) for r in rows] == [
        ("emotion", "Loaded language", 2, 2), ("emotion", "Exaggeration/minimisation", 1, 1), ("repetition", "Repetition", 1, 2),
    ]
    doc.sentences = []  # no sentences: paragraphs stand in
    hits, total = technique_sentences(a)
    assert total == 1 and [h.number for h in hits] == [1]


def test_spans_marked_pieces_merge_overlaps():
    from presslens.render.spans import marked_pieces

    text = "abcdefghij"
    assert marked_pieces(text, 0, 10, [(2, 5), (4, 7), (9, 30)]) == [("ab", False), ("cdefg", True), ("hi", False), ("j", True)]
    assert marked_pieces(text, 3, 6, []) == [("def", False)]


def test_spans_timeline_sorts_dated_then_undated(build):
    from presslens.model import Event, EventDate, Participant, Quote, Speaker, Trigger
    from presslens.render.spans import timeline, who_to_whom

    text = "On 3 May the mayor resigned. On 1 May rebels attacked the town. Police said they arrested him. Crowds marched."
    doc = build.make_document(text)

    def ev(kind: str, sub: str, value: str | None = None, **kw) -> Event:
        s, e = build.span_of(text, sub)
        return Event(type=kind, trigger=Trigger(text=sub, span=(s, e)), date=EventDate(text="x", value=value) if value else None, **kw)

    police = build.span_of(text, "Police")
    a = Analysis(
        document=doc,
        entities=[Entity(id="E1", name="Mayor Ann Lee", type="PERSON", mentions=[build.span_of(text, "him")])],
        quotes=[Quote(id="Q1", kind="indirect", text="they arrested him", span=build.span_of(text, "they arrested him"),
                      speaker=Speaker(text="Police", span=police, kind="organization"))],
        events=[
            ev("RESIGN", "resigned", "2025-05-03", actors=[Participant(text="the mayor")]),
            ev("ASSAULT", "attacked", "2025-05-01", actors=[Participant(text="rebels")], targets=[Participant(text="the town")]),
            ev("COERCE", "arrested", None, targets=[Participant(text="him", entity="E1")], attributed_to="Q1"),
            ev("PROTEST", "marched", None, attributed_to="Q7"),
        ],
    )
    dated, undated = timeline(a)
    assert [e.type for e in dated] == ["ASSAULT", "RESIGN"]
    assert [e.type for e in undated] == ["COERCE", "PROTEST"]
    assert who_to_whom(dated[0]) == "rebels → the town"
    assert who_to_whom(undated[0]) == "→ Mayor Ann Lee"  # a pronoun reads as whom it means
    assert undated[0].reported_by == "Police" and undated[0].quote_index == 0
    assert undated[1].reported_by == "quote Q7" and undated[1].quote_index is None


def test_spans_sentence_and_check_marks(rally):
    from presslens.render.spans import collect_marks

    plain = collect_marks(rally)
    assert {m.layer for m in plain} >= {"technique", "event", "check"} and "sentence" not in {m.layer for m in plain}
    checks = [m for m in plain if m.layer == "check"]
    assert len(checks) == sum(len(c.evidence) for c in rally.checks)
    with_sentences = collect_marks(rally, sentences=True)
    assert len(with_sentences) - len(plain) == 7
