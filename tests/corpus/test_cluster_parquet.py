"""The worker side of a cluster run, in this process: the version check, Parquet parts, stats over them."""

from __future__ import annotations

import pytest

from presslens import errors
from presslens.config import Settings
from presslens.corpus import analyze_batch
from presslens.corpus.dask_worker import run_batch, worker_version
from presslens.corpus.dask_parquet import UNKNOWN, part_name, stats_from_parquet, stats_from_store, write_parts
from presslens.store import NewArticle, open_store


def _text(i: int) -> str:
    return (
        f"Report {i}\n\nAbout {i * 40 + 100} people marched on Saturday, organisers said. "
        f'"This is a betrayal," said Ms. Okafor{i}. Police said {i + 2} people were arrested.'
    )


SOURCES = ["north.example", "south.example", "../../escape", None]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A store of 8 analysed articles over 4 outlets (one unknown) and 2 months (one unknown), and its records."""
    path = tmp_path_factory.mktemp("store") / "corpus.duckdb"
    with open_store(path, create=True) as store:
        store.add_batch([
            NewArticle(f"a{i}", _text(i), source=SOURCES[i % 4], published=None if i == 5 else f"2024-0{i % 2 + 1}-09")
            for i in range(8)
        ])
        records = next(store.pending(100))
        results = analyze_batch(records, Settings())
        store.write_results(results)
    return path, records, results


def test_cluster_parquet_parts_are_partitioned_by_outlet_and_month(corpus, tmp_path):
    _, records, results = corpus
    written = write_parts(tmp_path, records, results)
    name = part_name([r.id for r in records])
    assert all(p.endswith(name) for p in written)
    folders = {p.relative_to(tmp_path).parent.as_posix() for p in tmp_path.rglob("*.parquet")}
    assert "source=north.example/month=2024-01" in folders
    assert f"source={UNKNOWN}/month=2024-02" in folders
    assert "source=south.example/month=" + UNKNOWN in folders
    assert "source=..%2F..%2Fescape/month=2024-01" in folders  # an outlet name never leaves the folder
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")], "no temporary file is left"


def test_cluster_parquet_stats_equal_the_store_stats_and_count_an_article_once(corpus, tmp_path):
    path, records, results = corpus
    write_parts(tmp_path, records, results)
    write_parts(tmp_path, records, results)  # a batch rerun after a lost worker replaces its own parts
    write_parts(tmp_path, records[:3], results[:3])  # a resumed run batched differently: newest row wins
    with open_store(path, read_only=True) as store:
        expected = stats_from_store(store)
    got = stats_from_parquet(tmp_path)
    assert got == expected
    assert sum(row["articles"] for row in got) == 8
    assert {row["group"]["source"] for row in got} == {s or "(unknown)" for s in SOURCES}
    assert sum(row["quotes_per_article"] * row["articles"] for row in got) > 0


def test_cluster_parquet_unwritable_output_is_a_coded_error(corpus, tmp_path):
    _, records, results = corpus
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(errors.PartWriteFailed) as exc:
        write_parts(blocker, records[:1], results[:1])
    assert exc.value.code == "PL545"


def test_cluster_parquet_stats_of_a_missing_folder_is_a_coded_error(tmp_path):
    with pytest.raises(errors.InputNotFound):
        stats_from_parquet(tmp_path / "nowhere")


def test_cluster_run_batch_returns_statuses_when_parts_are_written(corpus, tmp_path):
    _, records, _ = corpus
    bad = records[0].__class__(**{**records[0].__dict__, "text": "x" * 300})
    out = run_batch([records[1], bad], Settings(max_bytes=250), worker_version(), str(tmp_path))
    assert [r.analysis_json for r in out] == [None, None]
    assert [r.error_code for r in out] == [None, "PL104"]
    assert len(list(tmp_path.rglob("part-*.parquet"))) == 2


def test_cluster_run_batch_refuses_another_version_naming_both(corpus):
    _, records, _ = corpus
    with pytest.raises(errors.WorkerVersionMismatch) as exc:
        run_batch(records[:1], Settings(), "0.0.0+other")
    assert "0.0.0+other" in exc.value.message and worker_version() in exc.value.message


def test_cluster_parquet_stats_command_reads_part_files(corpus, tmp_path):
    import json

    from typer.testing import CliRunner

    from presslens.cli.main import app

    path, records, results = corpus
    write_parts(tmp_path / "parts", records, results)
    with open_store(path, read_only=True) as store:
        expected = stats_from_store(store, "source")
    out = CliRunner().invoke(app, ["corpus", "stats", "--parquet", str(tmp_path / "parts"), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == json.loads(json.dumps(expected))
