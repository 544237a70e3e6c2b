"""Corpus export: any table streams out with article and external ids, in three formats."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest

from presslens import errors
from presslens.corpus.export import export_table, write_records
from presslens.store import NewArticle, open_store


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "e.duckdb", create=True) as s:
        s.add_batch([
            NewArticle(external_id=f"ext-{i}", text=f"Story number {i} about the harbour.", source=src, published=day)
            for i, (src, day) in enumerate([("North", "2026-03-01"), ("South", "2026-03-02"), ("North", "2026-04-09")])
        ])
        yield s


def test_export_articles_jsonl_to_stream_keeps_external_ids(store):
    out = io.StringIO()
    n = export_table(store, "articles", fmt="jsonl", stream=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert n == 3 and [r["external_id"] for r in rows] == ["ext-0", "ext-1", "ext-2"]
    assert rows[0]["published"] == "2026-03-01"


def test_export_filters_by_source_and_dates(store):
    out = io.StringIO()
    export_table(store, "articles", fmt="csv", stream=out, sources=["North"], date_from="2026-04-01")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["external_id"] for r in rows] == ["ext-2"]


def test_export_to_files_in_every_format(store, tmp_path):
    for fmt in ("jsonl", "csv", "parquet"):
        target = tmp_path / f"articles.{fmt}"
        assert export_table(store, "articles", fmt=fmt, out=target) == 3
        reader = {"jsonl": "read_json_auto", "csv": "read_csv_auto", "parquet": "read_parquet"}[fmt]
        got = duckdb.sql(f"SELECT external_id FROM {reader}('{target}') ORDER BY external_id").fetchall()
        assert [g[0] for g in got] == ["ext-0", "ext-1", "ext-2"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left behind


def test_export_streams_in_batches(store, monkeypatch):
    from presslens.corpus import export as export_module

    monkeypatch.setattr(export_module, "_BATCH", 1)
    out = io.StringIO()
    assert export_table(store, "articles", fmt="jsonl", stream=out) == 3


def test_export_unknown_table_and_binary_to_stdout_are_pl300(store):
    with pytest.raises(errors.UsageError, match="no table"):
        export_table(store, "articles; DROP TABLE articles", fmt="jsonl", stream=io.StringIO())
    with pytest.raises(errors.UsageError, match="Parquet"):
        export_table(store, "articles", fmt="parquet", stream=io.StringIO())
    with pytest.raises(errors.UsageError):
        export_table(store, "articles", fmt="xml", stream=io.StringIO())


def test_export_write_error_is_coded_and_leaves_no_file(store, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises((errors.ExportFailed, OSError)):
        export_table(store, "articles", fmt="jsonl", out=blocker / "out.jsonl")


def test_export_csv_header_without_rows():
    out = io.StringIO()
    assert write_records([], "csv", stream=out, columns=["id", "external_id"]) == 0
    assert out.getvalue().strip() == "id,external_id"
