from __future__ import annotations

import json
import random

import pytest

from presslens.errors import StoryInputError, StoryStateError
from presslens.stories import StoryRecord, StoryState, group

from .conftest import LOCAL, OBSERVER, POLITICS, RALLY, REPRINT, WIRE


def _members(state: StoryState) -> set[frozenset]:
    return {frozenset(s.articles) for s in state.stories()}


def test_grouping_puts_the_march_of_every_outlet_in_one_story(story_records):
    state = group(story_records)
    assert state.story_of(RALLY) == state.story_of(WIRE) == state.story_of(OBSERVER) == state.story_of(REPRINT)


def test_grouping_keeps_other_events_apart(story_records):
    state = group(story_records)
    march = state.story_of(RALLY)
    assert state.story_of(POLITICS) != march  # same wire service, other country, a day before
    assert state.story_of(LOCAL) != march
    assert state.story_of(POLITICS) != state.story_of(LOCAL)


def test_grouping_marks_the_reprint_as_a_copy_of_the_wire(story_records):
    state = group(story_records)
    assert state.copy_of(REPRINT) == WIRE
    assert all(state.copy_of(i) is None for i in (RALLY, WIRE, OBSERVER, POLITICS, LOCAL))


def test_grouping_makes_the_earlier_article_the_original_when_the_copy_arrives_first(story_records):
    by_id = {r.id: r for r in story_records}
    state = StoryState()
    state.add([by_id[REPRINT]])  # published a day after the wire copy
    state.add([by_id[WIRE]])
    assert state.copy_of(REPRINT) == WIRE and state.copy_of(WIRE) is None


def test_grouping_is_deterministic_whatever_the_input_order(story_records):
    first = _members(group(story_records))
    shuffled = list(story_records)
    random.Random(7).shuffle(shuffled)
    assert _members(group(shuffled)) == first
    assert [s.id for s in group(shuffled).stories()] == [s.id for s in group(story_records).stories()]


def test_grouping_adds_articles_incrementally(story_records):
    whole = _members(group(story_records))
    state = StoryState()
    state.add([r for r in story_records if r.id in (RALLY, WIRE, POLITICS)])
    before = {i: state.story_of(i) for i in (RALLY, WIRE, POLITICS)}
    state.add([r for r in story_records if r.id in (REPRINT, OBSERVER, LOCAL)])
    assert {i: state.story_of(i) for i in before} == before  # earlier stories keep their ids
    assert _members(state) == whole


def test_grouping_state_survives_a_json_round_trip(story_records):
    state = StoryState()
    state.add([r for r in story_records if r.id != OBSERVER])
    loaded = StoryState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert _members(loaded) == _members(state)
    loaded.add([r for r in story_records if r.id == OBSERVER])
    assert loaded.story_of(OBSERVER) == loaded.story_of(RALLY)


def test_grouping_refuses_a_bad_date_and_a_repeated_id(story_records):
    r = story_records[0]
    with pytest.raises(StoryInputError, match="YYYY-MM-DD"):
        group([StoryRecord(1, r.analysis, published="last Friday")])
    with pytest.raises(StoryInputError):
        group([StoryRecord(1, r.analysis), StoryRecord(1, r.analysis)])
    state = group([story_records[0]])
    with pytest.raises(StoryInputError, match="already grouped"):
        state.add([story_records[0]])


def test_grouping_refuses_malformed_state():
    with pytest.raises(StoryStateError):
        StoryState.from_dict({"version": 1, "settings": {}, "next_story": 1, "items": [{"id": 1}]})
    with pytest.raises(StoryStateError, match="version"):
        StoryState.from_dict({"version": 99})
