"""The typed readers of the shared word lists."""

from __future__ import annotations

from presslens import lexicons
from presslens.model import CUE_KINDS
from presslens.resources import lexicon


def test_lexicons_reporting_verbs_one_row_per_line_with_a_cue_kind() -> None:
    verbs = lexicons.reporting_verbs()
    assert len(verbs) == len(lexicon("reporting_verbs"))
    assert {v.kind for v in verbs} == set(CUE_KINDS)
    say = next(v for v in verbs if v.lemma == "say")
    assert "said" in say.forms and "statement" in say.nouns and say.kind == "speech"
    assert all("-" not in v.forms and "-" not in v.nouns for v in verbs)


def test_lexicons_reporting_index_maps_regular_and_irregular_forms() -> None:
    index = lexicons.reporting_index()
    assert index.form_lemma["said"] == "say"
    assert index.form_lemma["announced"] == "announce"
    assert index.form_lemma["denies"] == "deny"
    assert index.verb_kind["believe"] == "belief"
    assert index.noun_kind["warning"] == "speech"
    assert "told" in index.written_forms and "announced" not in index.written_forms


def test_lexicons_inflections_double_a_final_consonant() -> None:
    assert {"admitted", "admitting", "admits"} <= lexicons.inflections("admit")
    assert {"denied", "denies"} <= lexicons.inflections("deny")


def test_lexicons_cue_kind_prefers_speech_and_knows_according_to() -> None:
    assert lexicons.cue_kind("has said") == "speech"
    assert lexicons.cue_kind("believes") == "belief"
    assert lexicons.cue_kind("according to") == "speech"
    assert lexicons.cue_kind("said he believed") == "speech"
    assert lexicons.cue_kind("walked away") is None


def test_lexicons_person_word_lists_are_typed() -> None:
    assert lexicons.pronouns()["she"] == lexicons.Pronoun("f", "sg")
    assert lexicons.pronouns()["they"].number == "pl"
    assert lexicons.given_names()["john"] == "m"
    mrs = lexicons.titles()[("mrs",)]
    assert mrs.gender == "f"
    assert lexicons.role_nouns()["leader"] == ""
    assert "people" in lexicons.people_nouns()
    assert "militia" in lexicons.org_head_nouns()
    assert lexicons.speaker_nouns()["statement"] == "document"
    assert lexicons.norm_word("Mrs.") == "mrs" and lexicons.norm_word("O’Neil") == "o'neil"


def test_lexicons_doubt_markers_are_typed():
    from presslens.lexicons import doubt_markers

    markers = doubt_markers()
    assert markers and all(m.phrase and m.reach and m.gloss for m in markers)
    assert any(m.phrase == "so-called" for m in markers)
