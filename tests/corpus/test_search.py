"""Corpus search: BM25 over titles and texts from DuckDB's fts extension, loaded offline from its package."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from presslens import errors
from presslens.cli.main import app
from presslens.corpus import search as search_module
from presslens.corpus.search import build_index, index_state, search, snippet_span
from presslens.store import NewArticle, open_store

ARTICLES = [
    ("w-1", "Harbour strike ends", "Dock workers marched to the harbour office on Monday. The strike ended at noon.", "Coast Daily", "2026-03-01"),
    ("w-2", "Budget vote", "The council passed the budget after a long night. Nobody marched anywhere.", "Town Herald", "2026-03-02"),
    ("w-3", "Zürich rally", "In Zürich, a rally against rents drew a small crowd near the lake.", "Alpine Post", "2026-03-03"),
    ("w-4", "Ferry timetable", "The ferry timetable changes next week; the harbour stays open.", "Coast Daily", None),
]


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "search.duckdb", create=True) as s:
        s.add_batch([NewArticle(external_id=e, title=t, text=x, source=src, published=d) for e, t, x, src, d in ARTICLES])
        yield s


def _ids(hits) -> list[str]:
    return [h.external_id for h in hits]


def test_search_ranks_matches_and_reports_ids_outlets_dates(store):
    hits = search(store, "harbour strike")
    assert _ids(hits)[0] == "w-1" and set(_ids(hits)) == {"w-1", "w-4"}
    top = hits[0]
    assert (top.source, top.published, top.title) == ("Coast Daily", "2026-03-01", "Harbour strike ends")
    assert top.score > hits[1].score
    text = store.query("SELECT text FROM articles WHERE id = ?", [top.article_id])[0][0]
    assert text[top.snippet_start : top.snippet_end] == top.snippet and "harbour" in top.snippet


def test_search_stems_folds_accents_and_titles(store):
    assert set(_ids(search(store, "marching"))) == {"w-1", "w-2"}  # porter stem of "marched"
    assert _ids(search(store, "zurich")) == ["w-3"]
    assert _ids(search(store, "timetable")) == ["w-4"]
    assert _ids(search(store, "rally", limit=1)) == ["w-3"]


@pytest.mark.parametrize(
    "query",
    ["", "   ", '"', "'", "'; DROP TABLE articles; --", "harbour' OR '1'='1", "%", "\\", "*", "match_bm25(id, 'x')",
     "<script>alert(1)</script>", "x" * 5000],
)
def test_search_hostile_queries_neither_fail_nor_inject(store, query):
    hits = search(store, query)
    assert isinstance(hits, list)
    assert store.query("SELECT count(*) FROM articles")[0][0] == len(ARTICLES)
    if "harbour" in query:
        assert set(_ids(hits)) <= {"w-1", "w-4"}  # the quote is a word boundary, not SQL


def test_search_index_follows_corpus_add(store):
    assert _ids(search(store, "lighthouse")) == []
    store.add_batch([NewArticle(external_id="w-5", text="A lighthouse keeper retired after forty years.", source="Coast Daily")])
    assert not index_state(store).current
    assert _ids(search(store, "lighthouse")) == ["w-5"]
    state = index_state(store)
    assert state.current and state.indexed == 5


def test_search_read_only_store_uses_the_index_it_has_and_pl561_without_one(tmp_path):
    path = tmp_path / "ro.duckdb"
    with open_store(path, create=True) as s:
        s.add_batch([NewArticle(external_id="a", text="The harbour opened again.", source="X")])
    with open_store(path, read_only=True) as s:
        with pytest.raises(errors.SearchIndexMissing):
            search(s, "harbour")
    with open_store(path) as s:
        build_index(s)
        s.add_batch([NewArticle(external_id="b", text="The harbour closed for the storm.", source="X")])
    with open_store(path, read_only=True) as s:
        assert _ids(search(s, "harbour")) == ["a"]  # b came after the index; a writable open adds it
        assert not index_state(s).current


def test_search_index_does_not_hide_store_tables(store):
    search(store, "harbour")
    from presslens.corpus.export import table_names

    assert "docs" not in table_names(store.con) and "articles" in table_names(store.con)
    store.close()
    with open_store(store.path, read_only=True) as again:  # a plain open (no extension loaded) still works
        assert again.counts()["pending"] == len(ARTICLES)


def test_search_missing_package_is_pl562(store, monkeypatch):
    monkeypatch.setattr(search_module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(errors.SearchUnavailable):
        search(store, "harbour")


def test_search_extension_loads_with_autoload_off(tmp_path):
    con = duckdb.connect(str(tmp_path / "plain.duckdb"))
    search_module.load_extension(con)
    loaded = con.execute(
        "SELECT loaded FROM duckdb_extensions() WHERE extension_name = 'fts'").fetchone()
    assert loaded == (True,)
    assert con.execute("SELECT current_setting('autoinstall_known_extensions')").fetchone() == (False,)
    con.close()


def test_search_snippet_span_is_a_slice_near_the_word():
    text = "First sentence here. " * 20 + "Then the Harbour Master spoke. " + "Filler words again. " * 20
    start, end = snippet_span(text, ["harbour"])
    assert start <= text.index("Harbour") < end and end - start <= 160
    assert not text[start].isspace() and not text[end - 1].isspace()
    assert snippet_span("short", ["absent"]) == (0, 5)
    assert snippet_span("", ["x"]) == (0, 0)


def test_search_cli_table_jsonl_and_bad_format(store):
    path = str(store.path)
    store.close()
    runner = CliRunner()
    out = runner.invoke(app, ["corpus", "search", "harbour", "--db", path, "--format", "jsonl"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert {r["external_id"] for r in rows} == {"w-1", "w-4"}
    assert {"article_id", "source", "published", "score", "snippet", "snippet_start"} <= set(rows[0])
    out = runner.invoke(app, ["corpus", "search", "rally", "--db", path])
    assert out.exit_code == 0 and "Alpine Post" in out.stdout and "w-3" in out.stdout
    out = runner.invoke(app, ["corpus", "search", "'; DROP TABLE articles; --", "--db", path])
    assert out.exit_code == 0 and "no articles found" in out.stdout
    out = runner.invoke(app, ["corpus", "search", "x", "--db", path, "--format", "xml"])
    assert out.exit_code == 2 and "PL300" in out.output
