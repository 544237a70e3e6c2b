from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

from presslens import errors
from presslens.store import AnalysisResult, NewArticle, Rejection, open_store, schema
from presslens.store import db as store_db

TEXTS = [
    'Council backs plan\n\nThe council met on Monday. "It is a disgrace," said Mr. Smith, the opposition leader.',
    "Police said two people were hurt when a bus hit a wall on Main Street on Friday.",
    "The mayor said the budget would rise by 5 percent, or about $2 million, next year.",
]


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "c.duckdb", create=True) as s:
        yield s


def _analysis_json(text: str) -> str:
    from presslens import analyze

    return analyze(text).model_dump_json()


def test_db_new_store_has_every_table_and_the_schema_version(store):
    tables = {r[0] for r in store.query("SELECT table_name FROM duckdb_tables()")}
    assert {"meta", "articles", "external_ids", "rejected", *schema.RESULT_TABLES} <= tables
    assert store.schema_version == schema.SCHEMA_VERSION


def test_db_missing_store_is_pl500_unless_created(tmp_path):
    with pytest.raises(errors.StoreNotFound):
        open_store(tmp_path / "none.duckdb")
    assert not (tmp_path / "none.duckdb").exists()


def test_db_refuses_a_file_that_is_not_duckdb(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("just some notes\n" * 100)
    with pytest.raises(errors.NotAStore) as info:
        open_store(path)
    assert info.value.code == "PL501"
    assert path.read_text().startswith("just some notes")


def test_db_refuses_a_duckdb_file_of_someone_else(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sales (id INTEGER)")
    con.close()
    with pytest.raises(errors.NotAStore):
        open_store(path, create=True)


def test_db_refuses_a_store_of_a_newer_schema(tmp_path):
    path = tmp_path / "c.duckdb"
    open_store(path, create=True).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(schema.SCHEMA_VERSION + 1)])
    con.close()
    with pytest.raises(errors.StoreTooNew) as info:
        open_store(path)
    assert info.value.code == "PL502"


def test_db_migrates_an_older_store_forward(tmp_path, monkeypatch):
    path = tmp_path / "c.duckdb"
    with open_store(path, create=True) as s:
        s.add_batch([NewArticle("a", TEXTS[1])])
    step = ["ALTER TABLE articles ADD COLUMN section VARCHAR"]
    monkeypatch.setattr(store_db, "MIGRATIONS", [*schema.MIGRATIONS, step])
    monkeypatch.setattr(store_db, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    with open_store(path) as s:
        assert s.schema_version == schema.SCHEMA_VERSION + 1
        assert s.query("SELECT external_id, section FROM articles") == [("a", None)]


def test_db_refuses_a_store_another_process_writes(tmp_path):
    path = tmp_path / "c.duckdb"
    open_store(path, create=True).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, duckdb
            con = duckdb.connect({str(path)!r})
            print("ready", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        for read_only in (False, True):
            with pytest.raises(errors.StoreLocked) as info:
                open_store(path, read_only=read_only)
            assert info.value.code == "PL503"
    finally:
        holder.kill()
        holder.wait()
    open_store(path).close()  # free again once the other writer is gone


def test_db_add_batch_links_copies_and_adds_nothing_twice(store):
    first = store.add_batch([
        NewArticle("a", TEXTS[0]),
        NewArticle("b", TEXTS[0].replace(" ", "  ")),  # same text once whitespace is normalised
        NewArticle("c", TEXTS[1]),
        Rejection("d", "PL105", "d holds no article body"),
    ])
    assert first == ["added", "duplicate", "added", "rejected"]
    again = store.add_batch([NewArticle("a", TEXTS[0]), NewArticle("b", TEXTS[0].replace(" ", "  ")), NewArticle("c", TEXTS[1])])
    assert again == ["known", "known", "known"]
    assert store.query("SELECT count(*) FROM articles")[0][0] == 2
    links = store.query("SELECT external_id, article_id, duplicate FROM external_ids ORDER BY external_id")
    assert links == [("a", 1, False), ("b", 1, True), ("c", 2, False)]
    assert store.counts() == {"pending": 2, "analysed": 0, "failed": 0, "duplicate": 1, "rejected": 1}
    assert store.add_batch([NewArticle("d", TEXTS[2])]) == ["added"]  # a rejected item that now reads is kept
    assert store.counts()["rejected"] == 0


def test_db_pending_pages_by_id_and_honours_the_limit(store):
    store.add_batch([NewArticle(str(i), f"Article number {i} says the council met.") for i in range(7)])
    batches = list(store.pending(3))
    assert [[a.id for a in b] for b in batches] == [[1, 2, 3], [4, 5, 6], [7]]
    assert [a.id for b in store.pending(3, limit=4) for a in b] == [1, 2, 3, 4]


def test_db_write_results_replaces_the_row_set_and_spans_index_the_text(store):
    store.add_batch([NewArticle(f"x{i}", t, source="Wire") for i, t in enumerate(TEXTS)])
    results = [AnalysisResult(a.id, _analysis_json(a.text), version="v1") for b in store.pending() for a in b]
    store.write_results(results)
    store.write_results(results)  # a rerun of the same batch
    assert store.counts()["analysed"] == 3
    assert store.query("SELECT count(*), count(DISTINCT article_id) FROM analyses")[0] == (3, 3)
    for table in schema.FINDING_TABLES:
        dup = store.query(f"SELECT article_id, n, count(*) FROM {table} GROUP BY ALL HAVING count(*) > 1")
        assert dup == [], table
    for art_id, text in store.query("SELECT id, text FROM articles"):
        analysis = store.analysis(art_id)
        assert store.query("SELECT count(*) FROM quotes WHERE article_id = ?", [art_id])[0][0] == len(analysis.quotes)
        for table in ("quotes", "techniques", "quantities", "events", "entities", "voices", "checks"):
            for s, e, covered in store.query(
                f"SELECT span_start, span_end, text FROM {table} WHERE article_id = ? AND span_start IS NOT NULL", [art_id]
            ):
                assert text[s:e] == covered, (table, s, e)
    assert store.query("SELECT DISTINCT external_id, analysis_version FROM quotes ORDER BY 1")[0] == ("x0", "v1")


def test_db_finding_rows_read_back_exactly_as_written(store):
    # Rows go in through Arrow tables typed from the store's schema: lists, nulls, integers in
    # DOUBLE columns and nested span lists must come back unchanged.
    from presslens.model import Analysis
    from presslens.store import rows as store_rows

    store.add_batch([NewArticle(f"x{i}", t) for i, t in enumerate(TEXTS)])
    results = [AnalysisResult(a.id, _analysis_json(a.text), version="v1") for b in store.pending() for a in b]
    store.write_results(results)
    checked = 0
    for res in results:
        expected = store_rows.finding_rows(Analysis.model_validate_json(res.analysis_json))
        for table, rows in expected.items():
            cols = ", ".join(store_rows.COLUMNS[table])
            found = store.query(f"SELECT {cols} FROM {table} WHERE article_id = ? ORDER BY n", [res.article_id])
            assert [tuple(r) for r in found] == [tuple(r) for r in rows], table
            checked += len(rows)
    assert checked >= 10


def test_db_failed_result_is_recorded_with_its_code(store):
    store.add_batch([NewArticle("a", TEXTS[1])])
    store.write_results([AnalysisResult(1, None, "PL104", "too large", "v1")])
    assert store.query("SELECT status, error_code, error_message FROM articles") == [("failed", "PL104", "too large")]
    assert [e.error_code for e in store.last_errors()] == ["PL104"]
    assert store.count_pending() == 0 and store.count_pending(retry_failed=True) == 1


def test_db_write_error_rolls_back_the_whole_batch(store, monkeypatch):
    store.add_batch([NewArticle("a", TEXTS[0]), NewArticle("b", TEXTS[1])])
    results = [AnalysisResult(a.id, _analysis_json(a.text), version="v1") for b in store.pending() for a in b]
    store.write_results(results[:1])
    before = store.query("SELECT count(*) FROM quotes")[0][0]
    real = store_db._insert
    calls = []

    def failing(con, table, found):
        calls.append(table)
        if len(calls) == 3:
            raise duckdb.IOException("IO Error: Could not write file: No space left on device")
        real(con, table, found)

    monkeypatch.setattr(store_db, "_insert", failing)
    with pytest.raises(errors.StoreWriteFailed) as info:
        store.write_results(results)
    assert info.value.code == "PL504" and "disk is full" in info.value.message
    assert store.query("SELECT status FROM articles ORDER BY id") == [("analysed",), ("pending",)]
    assert store.query("SELECT count(*) FROM quotes")[0][0] == before
    assert store.query("SELECT count(*) FROM analyses")[0][0] == 1
