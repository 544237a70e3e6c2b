"""Entities stage: NER repair, merging per referent, descriptions, coreference."""

from __future__ import annotations

import re

import pytest

from presslens import nlp
from presslens.config import Settings
from presslens.model import Analysis, Article, Entity
from presslens.pipeline import Context, make_document
from presslens.resources import lexicon
from presslens.stages import entities


def run_on(text: str) -> list[Entity]:
    doc = nlp.parse(text)
    article = Article(text=text)
    analysis = Analysis(document=make_document(article, doc))
    return entities.run(Context(article=article, doc=doc, analysis=analysis, settings=Settings()))


def find(ents: list[Entity], name: str) -> Entity:
    for ent in ents:
        if ent.name == name:
            return ent
    raise AssertionError(f"no entity named {name!r} in {[e.name for e in ents]}")


def owner(ents: list[Entity], text: str, surface: str, nth: int = 0) -> Entity | None:
    """The entity whose mentions contain the nth whole-word occurrence of ``surface``."""
    hits = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text)]
    span = hits[nth]
    for ent in ents:
        if span in [tuple(m) for m in ent.mentions]:
            return ent
    return None


def test_entities_merges_full_name_surname_and_title_forms():
    text = (
        "Gen. Marcus Halloway inspected the base on Monday. Halloway said the troops were ready. "
        "General Halloway later flew to the capital."
    )
    ents = run_on(text)
    people = [e for e in ents if e.type == "PERSON"]
    assert len(people) == 1
    ent = people[0]
    assert ent.name == "Marcus Halloway"  # the rank stays out of the canonical name
    assert {"Gen. Marcus Halloway", "Halloway", "General Halloway"} <= set(ent.aliases)
    assert len(ent.mentions) == 3


def test_entities_familiar_form_with_honorific_joins_full_name():
    text = (
        "Thousands gathered to honour Commander Tariq Mansour in the northern city. "
        "Posters of Haj Tariq hung from every balcony."
    )
    ents = run_on(text)
    ent = find(ents, "Tariq Mansour")
    assert ent.type == "PERSON"
    assert "Haj Tariq" in ent.aliases


def test_entities_acronym_from_parenthesis():
    # the initials of the expansion (CSS) differ from the acronym: only the parenthesis links them
    text = "The Coalition for Safer Streets (CASS) organised the march. A CASS volunteer handed out leaflets."
    ents = run_on(text)
    ent = find(ents, "Coalition for Safer Streets")
    assert ent.type == "ORG"
    assert "CASS" in ent.aliases
    assert len(ent.mentions) == 3
    assert len(ents) == 1


def test_entities_acronym_from_initials():
    text = "The Popular Farmers Union held a rally in the valley. Later, PFU organisers counted the crowd."
    ents = run_on(text)
    ent = find(ents, "Popular Farmers Union")
    assert ent.type == "ORG"
    assert "PFU" in ent.aliases
    assert owner(ents, text, "PFU") is ent


def test_entities_particle_names_and_case_variants_merge():
    text = "Abu Karim al-Rashidi addressed the crowd. Al-Rashidi thanked the volunteers, and al-Rashidi left early."
    ents = run_on(text)
    ent = find(ents, "Abu Karim al-Rashidi")
    assert ent.type == "PERSON"
    assert {"Al-Rashidi", "al-Rashidi"} <= set(ent.aliases)
    assert len([e for e in ents if e.type == "PERSON"]) == 1


def test_entities_apostrophe_name_led_by_a_person_is_one_org():
    text = "Nadia Farouk, the deputy director of Kata’ib Nur al-Sabah, said the group would disarm."
    ents = run_on(text)
    group = find(ents, "Kata’ib Nur al-Sabah")
    assert group.type == "ORG"
    person = find(ents, "Nadia Farouk")
    assert person.type == "PERSON"
    assert person.descriptions == ["the deputy director of Kata’ib Nur al-Sabah"]


def test_entities_org_head_splits_fused_span_and_gives_description():
    text = "Secretary General of the Harbour Workers Union Samir Haddad said the strike would go on."
    ents = run_on(text)
    assert find(ents, "Harbour Workers Union").type == "ORG"
    person = find(ents, "Samir Haddad")
    assert person.type == "PERSON"
    assert "Secretary General of the Harbour Workers Union" in person.descriptions


def test_entities_pre_modifier_descriptions():
    text = "Opposition lawmaker Peter Sand criticised the plan. Veteran diplomat Anna Berg arrived in Oslo on Friday."
    ents = run_on(text)
    assert find(ents, "Peter Sand").descriptions == ["Opposition lawmaker"]
    assert find(ents, "Anna Berg").descriptions == ["Veteran diplomat"]
    assert find(ents, "Oslo").type == "PLACE"


def test_entities_definite_description_resolves_to_described_entity():
    text = (
        "Opposition lawmaker Peter Sand criticised the plan. Veteran diplomat Anna Berg arrived in Oslo on Friday.\n\n"
        "The diplomat said the talks would resume."
    )
    ents = run_on(text)
    assert owner(ents, text, "The diplomat") is find(ents, "Anna Berg")


def test_entities_pronouns_follow_gender_from_titles():
    text = "Senator Maria Lopez met Governor Tom Reed on Tuesday. She said the budget was unfair. He disagreed with her."
    ents = run_on(text)
    lopez, reed = find(ents, "Maria Lopez"), find(ents, "Tom Reed")
    assert owner(ents, text, "She") is lopez
    assert owner(ents, text, "He") is reed
    assert owner(ents, text, "her") is lopez


def test_entities_pronoun_gender_learned_and_recency():
    text = (
        "Ms. Kim Alder thanked Mr. Leo Grant. “It was a long night,” she said. "
        "Grant said he was tired."
    )
    ents = run_on(text)
    alder, grant = find(ents, "Kim Alder"), find(ents, "Leo Grant")
    assert owner(ents, text, "she") is alder
    assert owner(ents, text, "he") is grant
    assert "Grant" in grant.aliases


def test_entities_he_said_after_a_quote_is_the_last_speaker():
    text = "“We will not give up,” Jonas Webb said. “The people are with us,” he added."
    ents = run_on(text)
    assert owner(ents, text, "he") is find(ents, "Jonas Webb")


def test_entities_participle_opening_does_not_capture_the_pronoun():
    text = (
        "Union leader Paula Steed spoke first at the rally.\n"
        "Addressing Mayor Victor Lang, she said the plant must stay open."
    )
    ents = run_on(text)
    assert owner(ents, text, "she") is find(ents, "Paula Steed")


def test_entities_pronoun_without_candidate_stays_unresolved():
    text = "The storm hit the coast overnight and flooded the harbour. He said nothing about it."
    ents = run_on(text)
    assert owner(ents, text, "He") is None


def test_entities_pronoun_too_far_from_any_person_stays_unresolved():
    # a pronoun that reports nothing gets no speaker continuity
    text = "Mr. Dawson spoke first.\n\nThe weather turned.\n\nRain fell for days.\n\nThe river rose.\n\nHe built the dam."
    ents = run_on(text)
    assert owner(ents, text, "He") is None


def test_entities_reporting_pronoun_far_from_its_speaker_walks_back_to_them():
    # too far back for the scores; a pronoun that speaks walks back to the last person subject
    text = (
        "Mr. Tom Reed met the press.\n\n“We will rebuild,” Mr. Dawson said.\n\n"
        "The weather turned.\n\nRain fell for days.\n\nThe river rose.\n\n"
        "“The dam will hold,” he said."
    )
    ents = run_on(text)
    assert owner(ents, text, "he") is find(ents, "Dawson")


def test_entities_reporting_pronoun_walks_back_to_the_latest_person_subject():
    text = (
        "“The ferry must run,” Ms. Irena Varga said.\n\n"
        "The port opened late.\n\nMs. Ada Lund then stood up.\n\nThe room fell silent.\n\nRain fell.\n\n"
        "“It is a disgrace,” she said."
    )
    ents = run_on(text)
    assert owner(ents, text, "she") is find(ents, "Ada Lund")


@pytest.mark.parametrize(
    ("text", "pronoun", "noun"),
    [
        (
            "Farmers' cooperatives have maintained that the water quota is unfair, "
            "and they insist that the canal must stay open all summer.",
            "they",
            "cooperatives",
        ),
        # the cue is a later verb of the pronoun's own subject
        ("Dock workers said the port was unsafe. Hours later they reversed themselves and said that the cranes could run.", "they", "workers"),
        # the group speaks in a relative clause
        ("On the other side are dock workers who believe the port is unsafe. They say the cranes are old.", "They", "workers"),
    ],
)
def test_entities_group_pronoun_that_speaks_links_to_a_common_noun_group(text: str, pronoun: str, noun: str):
    ents = run_on(text)
    group = owner(ents, text, pronoun)
    assert group is not None and group.type == "GROUP"
    assert noun in group.name
    assert any(text[s:e].endswith(noun) for s, e in group.mentions)


def test_entities_pronoun_in_an_opening_clause_gets_no_speaker_continuity():
    # "he" looks ahead to Mr. Reed here, not back to the last speaker
    text = (
        "“We will win,” Mr. Sam Holt said.\n\nRain fell.\n\nThe river rose.\n\n"
        "Back when he wrote his memoir, Mr. Tom Reed said that he regretted nothing."
    )
    ents = run_on(text)
    assert owner(ents, text, "he") is None
    assert owner(ents, text, "he", 1) is find(ents, "Tom Reed")


def test_entities_group_pronoun_two_sentences_after_the_group_stays_unresolved():
    text = (
        "Dock workers said the port was unsafe. The harbour closed at noon. The ships waited. "
        "They say the cranes are old."
    )
    ents = run_on(text)
    assert owner(ents, text, "They") is None


def test_entities_spans_are_exact_sorted_and_unique():
    text = (
        "Gen. Marcus Halloway met the Popular Farmers Union (PFU) in Riverton. "
        "Halloway said he admired the PFU, and its chair, Lena Ortiz, said she agreed.\n"
        "“The harvest matters,” Ortiz said."
    )
    ents = run_on(text)
    assert [e.id for e in ents] == [f"E{i}" for i in range(1, len(ents) + 1)]
    assert [e.mentions[0] for e in ents] == sorted(e.mentions[0] for e in ents)
    for ent in ents:
        spans = [tuple(m) for m in ent.mentions]
        assert spans == sorted(set(spans))
        for s, e in spans:
            assert 0 <= s < e <= len(text)
            assert text[s:e].strip() == text[s:e]
        for alias in ent.aliases:
            assert alias in text
        assert ent.name.split()[0] not in ("Gen.", "General", "Mr.", "the", "The")


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n\n", "He said.", "“”\"«»„", "al- bin van de", "Gen.", "Mr. ", "(ABC)", "’s Dr. Smith’s", "U.S." * 40, "\u200b\ufeff x"],
)
def test_entities_odd_input_never_raises(text: str):
    ents = run_on(text)
    for ent in ents:
        for s, e in ent.mentions:
            assert text[s:e]


def test_entities_lexicons_have_headers():
    for name in ("entity_titles", "entity_particles", "entity_pronouns", "entity_role_nouns", "entity_org_keywords",
                 "entity_given_names"):
        assert lexicon(name), name
    from importlib import resources

    for name in ("entity_titles", "entity_particles", "entity_pronouns", "entity_role_nouns", "entity_org_head_nouns",
                 "entity_people_nouns"):
        head = resources.files("presslens.resources").joinpath("lexicons", f"{name}.txt").read_text("utf-8")
        assert head.startswith("#") and "Written for presslens" in head


def test_entities_polnear_spans_are_truthful(shared_data):
    paths = sorted((shared_data / "polnear" / "dev" / "text").glob("*.txt"))[:5]
    if not paths:
        pytest.skip("no PolNeAR dev texts")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        doc = nlp.parse(text)
        article = Article(text=text)
        ctx = Context(article=article, doc=doc, analysis=Analysis(document=make_document(article, doc)), settings=Settings())
        ents = entities.run(ctx)
        assert ents
        for ent in ents:
            for s, e in ent.mentions:
                assert text[s:e] and not text[s:e].isspace()


def test_entities_gender_only_where_the_text_shows_it():
    text = (
        "Mrs. Dana Oyelaran opened the clinic on Monday. Later she toured the wards.\n\n"
        "Peter Brenner, the hospital's spokesman, said the wards were full.\n\n"
        "Maria Kowal and Robin Ashe also attended."
    )
    ents = run_on(text)
    assert find(ents, "Dana Oyelaran").gender == "female"
    assert find(ents, "Peter Brenner").gender == "male"  # a gendered role noun describes him
    assert find(ents, "Maria Kowal").gender is None  # a first name is no evidence
    assert all(e.gender is None for e in ents if e.type != "PERSON")


# ---------------------------------------------------------------- type repair and merging safety


def test_entities_coordinated_list_takes_the_place_type():
    # the tagger calls most of these ORG or PERSON; "as well as" ties them to "in Benghazi"
    text = "Clashes erupted in Benghazi, as well as Derna, Sirte, Misrata and Zawiya."
    ents = run_on(text)
    for name in ("Benghazi", "Derna", "Sirte", "Misrata", "Zawiya"):
        assert find(ents, name).type == "PLACE", name


def test_entities_coordinated_list_repairs_mislabelled_members():
    text = "Floods struck Tromso, Bodo, Alta and Narvik in Norway."
    ents = run_on(text)
    assert find(ents, "Bodo").type == "PLACE"
    assert find(ents, "Alta").type == "PLACE"


def test_entities_list_repair_never_turns_a_person_into_an_org():
    text = "The Karth Liberation Front and Manuel Ortega signed the deal."
    ents = run_on(text)
    assert find(ents, "Karth Liberation Front").type == "ORG"
    assert find(ents, "Manuel Ortega").type == "PERSON"


@pytest.mark.parametrize(
    "text, name",
    [
        ("Residents fled the Zarqawi terrorist group last year.", "Zarqawi"),
        ("Farmers joined the Kisan movement in Punjab.", "Kisan"),
    ],
)
def test_entities_name_modifying_an_org_noun_is_an_org(text: str, name: str):
    assert find(run_on(text), name).type == "ORG"


def test_entities_headline_junk_is_dropped_but_body_names_kept():
    text = "Voters Flock to Polls as Anti-Graft Crusaders Rally\n\nTurnout was high in Lisbon on Sunday."
    ents = run_on(text)
    assert not [e for e in ents if "Crusaders" in e.name]
    assert find(ents, "Lisbon").type == "PLACE"


def test_entities_headline_name_glued_to_a_verb_is_cut_to_the_body_name():
    text = "Clinton Breaks With Obama On Lawsuit Bill.\n\nHillary Clinton said on Friday that she disagreed with President Barack Obama."
    ents = run_on(text)
    clinton = find(ents, "Hillary Clinton")
    assert "Clinton" in clinton.aliases
    assert owner(ents, text, "Clinton") is clinton
    assert not [e for e in ents if "Breaks" in e.name]


def test_entities_nationality_adjective_on_a_thing_is_not_a_group():
    text = "Delegates praised Islamic Iran, and Shia clerics welcomed them. Iraqis cheered."
    ents = run_on(text)
    names = [e.name for e in ents]
    assert "Islamic" not in names
    assert find(ents, "Shia").type == "GROUP"  # modifies people
    assert find(ents, "Iraqis").type == "GROUP"
    assert find(ents, "Iran").type == "PLACE"


CLINTONS = "Bill Clinton spoke in Ohio on Monday. Hillary Clinton campaigned in Iowa. "


def test_entities_titled_surname_follows_the_pronoun_gender():
    text = CLINTONS + "Later, President Clinton said he would return."
    ents = run_on(text)
    assert owner(ents, text, "President Clinton") is find(ents, "Bill Clinton")


def test_entities_titled_surname_follows_the_title_gender():
    text = CLINTONS + "Later, Mrs. Clinton said the race was close."
    ents = run_on(text)
    assert owner(ents, text, "Mrs. Clinton") is find(ents, "Hillary Clinton")


def test_entities_bare_surname_follows_the_pronoun_gender():
    text = CLINTONS + "Clinton said she was confident."
    ents = run_on(text)
    assert owner(ents, text, "Clinton", nth=2) is find(ents, "Hillary Clinton")


def test_entities_ambiguous_titled_surname_stays_apart():
    text = CLINTONS + "Later, Senator Clinton praised the volunteers."
    ents = run_on(text)
    ent = owner(ents, text, "Senator Clinton")
    assert ent is not None
    assert ent is not find(ents, "Bill Clinton") and ent is not find(ents, "Hillary Clinton")


def test_entities_titled_surname_with_a_clashing_title_does_not_merge():
    text = "Tom Reyes opened the fair. Later, Mrs. Reyes cut the ribbon."
    ents = run_on(text)
    assert owner(ents, text, "Mrs. Reyes") is not find(ents, "Tom Reyes")


def test_entities_titles_with_abbreviation_dots_places_and_nbsp():
    text = (
        "Secretary of State John F. Kerry said so. Sens. Jon Tester and David Vitter agreed. "
        "Retired Lt. Gen. Michael Flynn laughed. Republican nominee Gov.\u00a0Mike Pence said no."
    )
    ents = run_on(text)
    assert "Secretary of State John F. Kerry" in find(ents, "John F. Kerry").aliases
    assert "Sens. Jon Tester" in find(ents, "Jon Tester").aliases
    assert "Retired Lt. Gen. Michael Flynn" in find(ents, "Michael Flynn").aliases
    assert "Gov.\u00a0Mike Pence" in find(ents, "Mike Pence").aliases
    assert "State" not in [e.name for e in ents]


def test_entities_person_tagged_as_work_of_art_is_rescued_by_given_name():
    text = "Fox News' Megyn Kelly asked the question."
    ents = run_on(text)
    assert find(ents, "Megyn Kelly").type == "PERSON"
    assert find(ents, "Fox News").type == "ORG"


def test_entities_unrelated_pronoun_does_not_split_a_single_candidate():
    text = "Marcus Webb praised Anna Ruiz. Later, Webb told reporters that nobody would question her skill."
    ents = run_on(text)
    assert owner(ents, text, "Webb", nth=1) is find(ents, "Marcus Webb")
