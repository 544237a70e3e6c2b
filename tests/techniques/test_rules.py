"""The technique rule families: each finds its cue in sentences written for these tests, and
stays quiet on plain reporting of the same subject."""

from __future__ import annotations

from functools import lru_cache

import pytest

from presslens import nlp
from presslens.techniques import rules


@lru_cache(maxsize=64)
def _doc(text: str):
    return nlp.parse(text)


def hits(text: str, family: str) -> list[rules.RuleHit]:
    return [h for h in rules.find(_doc(text)) if h.family == family]


def texts(text: str, family: str) -> list[str]:
    return [text[h.start : h.end] for h in hits(text, family)]


POSITIVE = [
    ("loaded", "Mourners carried the coffins of the martyrs through the old market.", "martyrs"),
    ("loaded", "The minister called the report an utterly disgraceful smear.", "utterly disgraceful"),
    ("labels", "The governor said the corrupt regime and its thugs had looted the treasury.", "corrupt regime"),
    ("labels", "Speakers demanded that the occupation forces leave the province.", "occupation forces"),
    ("doubt", "The so-called experts on the panel were never named.", "so-called experts"),
    ("doubt", "Troops stayed under the pretext of protecting the pipeline.", "under the pretext of protecting the pipeline"),
    ("cliches", "Asked about the delays, the manager shrugged: it is what it is.", "it is what it is"),
    ("exaggeration", "Opponents called it the worst budget in history.", "the worst budget in history"),
    ("exaggeration", "The company described the merger as unprecedented.", "unprecedented"),
    ("flag_waving", "The senator said our nation would never surrender its sovereignty.", "our nation"),
    ("flag_waving", "He said the Iraqi people had chosen their own path.", "Iraqi people"),
    ("authority", "Experts agree that the levee will not hold another winter.", "Experts agree"),
    ("authority", "According to the Koran, such a tax is forbidden, the preacher said.", "According to the Koran"),
    ("slogans", "Marchers chanted “Death to the tyrant” outside the ministry.", "Death to the tyrant"),
    ("slogans", "Long live the harbour workers!", "Long live the harbour workers"),
    ("slogans", "Supporters shared the post with #SaveTheHarbour on Monday.", "#SaveTheHarbour"),
]

NEGATIVE = [
    ("loaded", "The council met on Tuesday and approved the budget for the coming year."),
    ("labels", "The prime minister met the foreign minister in the capital on Friday."),
    ("doubt", "The court heard evidence from three witnesses on Monday."),
    ("cliches", "The committee will decide on the matter next week."),
    ("exaggeration", "The budget is larger than last year's by two percent."),
    ("flag_waving", "The bridge across the river will reopen next month."),
    ("authority", "The mayor said the road would reopen on Monday."),
    ("slogans", "The union said talks would resume on Thursday."),
]


@pytest.mark.parametrize("family,text,expected", POSITIVE)
def test_rules_family_finds_its_cue(family: str, text: str, expected: str):
    found = texts(text, family)
    assert expected in found, f"{family}: expected {expected!r} in {found!r}"


@pytest.mark.parametrize("family,text", NEGATIVE)
def test_rules_family_quiet_on_plain_reporting(family: str, text: str):
    assert hits(text, family) == []


def test_rules_spans_and_cues_are_truthful():
    text = (
        "Down with the occupiers! The so-called council merely wants to protect the corrupt regime, "
        "and experts agree it is the worst failure in history. Our nation will not forget its martyrs."
    )
    found = rules.find(_doc(text))
    assert {h.family for h in found} >= {"slogans", "doubt", "labels", "authority", "exaggeration", "flag_waving", "loaded"}
    for h in found:
        assert 0 <= h.start < h.end <= len(text)
        assert text[h.cue_start : h.cue_end] == h.cue
        assert h.start <= h.cue_start and h.cue_end <= h.end, h
        assert h.technique == rules.FAMILY_TECHNIQUE[h.family]
        assert h.gloss and not h.gloss.startswith("-")
    assert [h.start for h in found] == sorted(h.start for h in found)


def test_rules_loaded_grades_come_from_the_word_list():
    (strong,) = hits("They were slaughtered in the square.", "loaded")
    assert strong.cue == "slaughtered" and strong.grade == 3


def test_rules_label_adjective_must_sit_on_a_noun():
    assert "radical clerics" in texts("The radical clerics met in secret.", "labels")
    assert texts("The proposal is radical.", "labels") == []


def test_rules_single_word_slogan_opener_must_be_a_command():
    assert texts("Free Velmora!", "slogans") == ["Free Velmora"]
    assert texts("Free buses run on Sundays.", "slogans") == []


def test_rules_name_words_are_not_loaded():
    # "Holy" and "Resistance" inside proper names are the name, not the writer's word choice
    assert texts("He works for the Holy See and visited the Resistance Museum.", "loaded") == []


def test_rules_every_lexicon_entry_parses():
    entries = rules.entries()
    families = {e.family for e in entries}
    assert families == set(rules.FAMILIES)
    for e in entries:
        assert e.words and e.gloss
        if e.family == "loaded":
            assert e.grade in (1, 2, 3)


def test_rules_empty_and_odd_input():
    assert rules.find(nlp.parse(" ")) == []
    odd = "“” !!! ### ——— 12 34 #"
    for h in rules.find(nlp.parse(odd)):
        assert odd[h.start : h.end]


def test_rules_long_input_is_linear():
    import time

    body = "Critics called the plan a shameful betrayal by the corrupt regime. The council met on Tuesday. " * 400
    doc = nlp.parse(body)
    t0 = time.perf_counter()
    found = rules.find(doc)
    assert time.perf_counter() - t0 < 5.0
    assert len(found) >= 800


def test_rules_lexicons_have_headers():
    from importlib import resources as importlib_resources

    from presslens.resources import lexicon

    for name in ("loaded_language", "labels", "doubt", "cliches", "exaggeration", "flag_waving", "authority", "slogans"):
        path = importlib_resources.files("presslens.resources").joinpath("lexicons", f"techniques_{name}.txt")
        head = path.read_text("utf-8")
        assert head.startswith("#") and "Written for presslens" in head.split("\n\n")[0], name
        assert lexicon(f"techniques_{name}"), name


def test_rules_doubt_span_stops_before_a_coordinated_clause():
    text = "Critics maintained that the ministry is merely renaming its old programme and have called for an inquiry."
    spans = [text[h.start : h.end] for h in rules.find(nlp.parse(text), ["doubt"])]
    assert spans == ["merely renaming its old programme"]
    listed = "Troops stayed under the pretext of guarding, mapping and patrolling the border."
    spans = [listed[h.start : h.end] for h in rules.find(nlp.parse(listed), ["doubt"])]
    assert spans and spans[0].startswith("under the pretext of guarding")
