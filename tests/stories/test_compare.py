from __future__ import annotations

import pytest

from presslens.stories import JSONL_KEYS, StoryState, build_stories

from .conftest import OBSERVER, RALLY, REPRINT, WIRE, evidence_items


@pytest.fixture(scope="module")
def march(story_records) -> dict:
    stories = build_stories(story_records, StoryState())
    found = [s for s in stories if any(a["id"] == RALLY for a in s["articles"])]
    assert len(found) == 1
    return found[0]


@pytest.fixture(scope="module")
def texts(story_records) -> dict:
    return {r.id: r.analysis.document.text for r in story_records}


def test_compare_story_has_the_jsonl_keys_and_the_copy(march):
    assert set(JSONL_KEYS) <= set(march)
    by_id = {a["id"]: a for a in march["articles"]}
    assert set(by_id) == {RALLY, WIRE, REPRINT, OBSERVER}
    assert by_id[REPRINT]["copy_of"] == WIRE
    assert by_id[REPRINT]["source"] == "Tel Kharun Courier"
    # the reprint is listed but is not a second account
    assert march["outlets"] == ["Voice of Resolve", "Meridian Wire", "Sahrun Observer"]


def test_compare_finds_the_crowd_size_conflict_across_outlets(march):
    crowd = [c for c in march["conflicts"] if c["group"] == "crowd"]
    pairs = {frozenset(c["outlets"]) for c in crowd}
    assert frozenset({"Voice of Resolve", "Meridian Wire"}) in pairs
    assert frozenset({"Voice of Resolve", "Sahrun Observer"}) in pairs
    wire = next(c for c in crowd if set(c["outlets"]) == {"Voice of Resolve", "Meridian Wire"})
    assert {e["text"] for e in wire["evidence"]} == {"Million-Strong March", "Tens of thousands of people"}
    assert wire["severity"] == "warning"
    assert "Voice of Resolve" in march["summary"] and "people taking part" in march["summary"]


def test_compare_must_not_find_conflicts_with_the_copy_or_between_close_figures(march):
    for c in march["conflicts"]:
        assert all(e["article"] != REPRINT for e in c["evidence"])  # copies are not compared
        assert c["group"] != "troops"  # some 4,000 and roughly 4,000 agree
    # the wire's tens of thousands and the observer's 15,000 can both hold
    assert frozenset({"Meridian Wire", "Sahrun Observer"}) not in {frozenset(c["outlets"]) for c in march["conflicts"]}


def test_compare_names_the_voices_the_one_sided_outlet_leaves_out(march):
    left = [m for m in march["omissions"] if m["kind"] == "voices_left_out"]
    assert [m["outlet"] for m in left] == ["Voice of Resolve"]  # the wire and the observer are not flagged
    assert "Nabil Haddad" in left[0]["voices"] and "Leila Mansour" in left[0]["voices"]
    assert "Karim al-Nasiri" not in left[0]["voices"]  # Voice of Resolve quotes him too
    assert any(e["article"] == WIRE and "Nabil Haddad" in e["text"] for e in left[0]["evidence"])


def test_compare_lists_who_each_outlet_quotes(march):
    voices = {v["name"]: {o["outlet"] for o in v["outlets"]} for v in march["voices"]}
    assert voices["Karim al-Nasiri"] == {"Voice of Resolve", "Meridian Wire", "Sahrun Observer"}
    assert voices["Nabil Haddad"] == {"Meridian Wire"}
    assert "Tel Kharun Courier" not in {o for v in voices.values() for o in v}


def test_compare_finds_the_actor_one_outlet_omits(march):
    actors = [(m["outlet"], m["what"]) for m in march["omissions"] if m["kind"] == "actor"]
    assert ("Voice of Resolve", "Civic Monitor") in actors
    assert all(outlet != "Meridian Wire" or what != "Karim al-Nasiri" for outlet, what in actors)
    # every outlet quotes al-Nasiri, the one voice most outlets share: no voice is missing
    assert [m for m in march["omissions"] if m["kind"] == "voice"] == []


def test_compare_techniques_apart_own_words_and_quotes(march):
    rows = {t["outlet"]: t for t in march["techniques"]}
    assert rows["Voice of Resolve"]["own"] > 0 and rows["Voice of Resolve"]["quoted"] > 0
    assert rows["Voice of Resolve"]["own_per_1000"] > rows["Meridian Wire"]["own_per_1000"]


def test_compare_shows_the_labels_outlets_choose_for_the_same_actor(march):
    nrf = next(l for l in march["labels"] if l["actor"] == "National Resolve Forces")
    words = {o["outlet"]: {w["text"].lower() for w in o["words"]} for o in nrf["outlets"]}
    assert "militias" in words["Sahrun Observer"]
    assert "militias" not in words["Voice of Resolve"]


def test_compare_headline_framing_reads_actor_and_verb(march):
    heads = {h["outlet"]: h for h in march["headlines"]}
    assert heads["Sahrun Observer"]["verb"] == "shuts"
    assert heads["Sahrun Observer"]["actor"] == "Militia march"
    assert (heads["Meridian Wire"]["actor"], heads["Meridian Wire"]["verb"]) == ("Tens of thousands", "march")


def test_compare_every_evidence_span_is_true(march, texts):
    items = list(evidence_items(march))
    assert len(items) > 20
    for e in items:
        s, t = e["span"]
        assert texts[e["article"]][s:t] == e["text"], e


def test_compare_every_summary_sentence_is_traceable(march):
    sentences = march["summary_sentences"]
    assert march["summary"] == " ".join(s["text"] for s in sentences)
    for s in sentences:
        assert s["evidence"] or "reprints" in s["text"], s


def test_compare_copes_with_bare_analyses():
    from presslens.model import Analysis, Document
    from presslens.stories import StoryRecord

    texts = ["Storm closes the harbour\n\nThe harbour of Lindqvist closed on Monday as a storm came in.",
             "Harbour shut by storm\n\nA storm shut the harbour of Lindqvist on Monday, officials said."]
    recs = [StoryRecord(i, Analysis(document=Document(id=str(i), text=t)), None, f"Outlet {i}", "2026-01-05")
            for i, t in enumerate(texts, 1)]
    stories = build_stories(recs, StoryState())
    assert sum(len(s["articles"]) for s in stories) == 2
    for s in stories:
        assert s["conflicts"] == [] and s["voices"] == []
