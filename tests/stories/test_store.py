"""Stories kept in the corpus store: incremental grouping, listing, one story, the CLI commands."""

from __future__ import annotations

import json

import pytest

from presslens.cli.main import run
from presslens.errors import StoryNotFound, UsageError
from presslens.store import AnalysisResult, NewArticle, open_store
from presslens.stories import StoryFilters, get_story, list_stories, update_stories

from .conftest import OBSERVER, RALLY, WIRE, evidence_items


def _add(store, records) -> dict:
    """Store the records' texts and their analyses; returns record id -> store id."""
    store.add_batch([NewArticle(external_id=str(r.external_id), text=r.analysis.document.text, source=r.source,
                                published=r.published) for r in records])
    by_text = {r.analysis.document.text: r for r in records}
    ids = {}
    for batch in store.pending(64):
        results = []
        for p in batch:
            r = by_text[p.text]
            ids[r.id] = p.id
            results.append(AnalysisResult(p.id, r.analysis.model_dump_json()))
        store.write_results(results)
    return ids


@pytest.fixture()
def db(tmp_path, story_records):
    path = tmp_path / "corpus.duckdb"
    with open_store(path, create=True) as store:
        ids = _add(store, [r for r in story_records if r.id != OBSERVER])
    return path, ids


def test_store_update_stories_is_incremental(db, story_records):
    path, ids = db
    with open_store(path) as store:
        assert update_stories(store) == 5
        assert update_stories(store) == 0  # nothing new, nothing regrouped
        before = dict(store.query("SELECT article_id, story FROM story_articles"))
        ids.update(_add(store, [r for r in story_records if r.id == OBSERVER]))
        assert update_stories(store) == 1
        after = dict(store.query("SELECT article_id, story FROM story_articles"))
    assert {k: after[k] for k in before} == before
    assert after[ids[OBSERVER]] == after[ids[RALLY]] == after[ids[WIRE]]


def test_store_list_stories_filters_and_sorts(db):
    path, _ = db
    with open_store(path) as store:
        update_stories(store)
        stories = list_stories(store)
        assert [len(s["outlets"]) for s in stories] == sorted((len(s["outlets"]) for s in stories), reverse=True)
        assert len(list_stories(store, StoryFilters(min_outlets=2))) == 1
        assert list_stories(store, StoryFilters(date_from="2026-03-08")) == []
        assert {s["title"][:9] for s in list_stories(store, StoryFilters(date_to="2026-03-05"))} == {"Norvenian"}
    with pytest.raises(UsageError):
        StoryFilters(date_from="March")


def test_store_get_story_spans_index_the_stored_text(db):
    path, ids = db
    with open_store(path) as store:
        update_stories(store)
        sid = store.query("SELECT story FROM story_articles WHERE article_id = ?", [ids[RALLY]])[0][0]
        story = get_story(store, sid)
        texts = dict(store.query("SELECT id, text FROM articles"))
        with pytest.raises(StoryNotFound):
            get_story(store, "S999")
    assert any(c["group"] == "crowd" for c in story["conflicts"])
    for e in evidence_items(story):
        s, t = e["span"]
        assert texts[e["article"]][s:t] == e["text"]


def test_store_cli_corpus_stories_and_story(db, tmp_path, capsys):
    path, ids = db
    assert run(["corpus", "stories", "--db", str(path), "--format", "jsonl", "--min-outlets", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    story = json.loads(lines[0])
    assert {"story", "title", "articles", "conflicts", "voices", "omissions", "summary"} <= set(story)
    out = tmp_path / "story.html"
    assert run(["corpus", "story", story["story"], "--db", str(path), "-o", str(out)]) == 0
    assert f'href="/articles/{ids[RALLY]}"' in out.read_text(encoding="utf-8")
    assert run(["corpus", "story", "S999", "--db", str(path)]) == 2
    assert "PL652" in capsys.readouterr().err
