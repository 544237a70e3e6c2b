"""Parquet output of a cluster run: one row per article, in part files partitioned by outlet and month.

Layout under the output folder (hive style, readable by DuckDB, Dask, Spark, pandas)::

    source=<outlet>/month=<YYYY-MM>/part-<first id>-<hash of the batch's ids>.parquet

Workers write them (`write_parts`); each file is written under a hidden temporary name in
its final folder and renamed over the final name, so a reader never sees half a file and a
batch retried after a lost worker replaces its own part instead of adding a second one.
A resumed run may put an article into a differently composed batch, so readers keep the
latest row per ``article_id`` (`stats_from_parquet` does).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Sequence
from urllib.parse import quote

from .. import errors
from ..store.items import AnalysisResult, NewArticle, PendingArticle

if TYPE_CHECKING:  # workers never import DuckDB
    from ..store.db import Store

UNKNOWN = "__HIVE_DEFAULT_PARTITION__"  # the hive name for a missing partition value

def part_name(ids: Sequence[int]) -> str:
    """The same batch of articles always gets the same file name."""
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:12]
    return f"part-{min(ids):012d}-{digest}.parquet"


def _partition(source: str | None, published: str | None) -> tuple[str, str]:
    # Outlet names are data: percent-encoded so no name can climb out of its folder.
    outlet = quote(source, safe=" .-_@") if source else UNKNOWN
    month = published[:7] if published and len(published) >= 7 else UNKNOWN
    return outlet or UNKNOWN, month


def _row(rec: PendingArticle, res: AnalysisResult, when: _dt.datetime) -> dict:
    quotes = techniques = None
    quoted_share = one_sided = None
    if res.analysis_json is not None:
        data = json.loads(res.analysis_json)
        quotes, techniques = len(data.get("quotes") or []), len(data.get("techniques") or [])
        sourcing = data.get("sourcing") or {}
        quoted_share, one_sided = sourcing.get("quoted_share"), sourcing.get("one_sided")
    return {
        "article_id": rec.id, "external_id": rec.external_id, "source": rec.source,
        "month": rec.published[:7] if rec.published else None, "published": rec.published, "title": rec.title,
        "url": rec.url, "words": len(rec.text.split()), "status": "analysed" if res.analysis_json is not None else "failed",
        "error_code": res.error_code, "error_message": res.error_message, "analysis_version": res.version,
        "analysed": when, "quoted_share": quoted_share, "one_sided": one_sided, "quotes": quotes,
        "techniques": techniques, "analysis": res.analysis_json,
    }


def _schema():
    import pyarrow as pa

    return pa.schema([
        ("article_id", pa.int64()), ("external_id", pa.string()), ("source", pa.string()), ("month", pa.string()),
        ("published", pa.string()), ("title", pa.string()), ("url", pa.string()), ("words", pa.int64()),
        ("status", pa.string()), ("error_code", pa.string()), ("error_message", pa.string()),
        ("analysis_version", pa.string()), ("analysed", pa.timestamp("us")), ("quoted_share", pa.float64()),
        ("one_sided", pa.bool_()), ("quotes", pa.int64()), ("techniques", pa.int64()), ("analysis", pa.string()),
    ])


def write_parts(root: str | os.PathLike, records: Sequence[PendingArticle], results: Sequence[AnalysisResult]) -> list[str]:
    """Write one batch's rows, one part file per (outlet, month); returns the paths written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    when = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    name = part_name([r.id for r in records])
    groups: dict[tuple[str, str], list[dict]] = {}
    for rec, res in zip(records, results):
        groups.setdefault(_partition(rec.source, rec.published), []).append(_row(rec, res, when))
    written = []
    schema = _schema()
    for (outlet, month), rows in sorted(groups.items()):
        folder = Path(root) / f"source={outlet}" / f"month={month}"
        final = folder / name
        temp = folder / f".{name}.{uuid.uuid4().hex}.tmp"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            table = pa.Table.from_pylist(rows, schema=schema)
            pq.write_table(table, temp, compression="zstd")
            os.replace(temp, final)
        except OSError as exc:
            try:
                temp.unlink(missing_ok=True)
            except OSError:
                pass
            raise errors.PartWriteFailed(f"cannot write {final}: {exc.strerror or exc}") from None
        written.append(str(final))
    return written


# ---------------------------------------------------------------------- the results as a store

_NEWEST = """
    SELECT article_id, external_id, source, published, title, url, status, error_code, error_message,
           analysis_version, analysis
    FROM read_parquet(?, hive_partitioning = false, union_by_name = true)
    QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY analysed DESC) = 1
    ORDER BY article_id
"""
_LOAD_BATCH = 500


def store_from_parquet(root: str | os.PathLike, path: str | os.PathLike) -> Store:
    """A store at ``path`` holding the newest result of each article in the part files under ``root``.

    Every corpus question (`corpus_stats`, export, report) then runs on it unchanged: the part
    files carry each article's full analysis, and the store rebuilds the finding tables from it.
    """
    import duckdb

    from ..model import Analysis
    from ..store import open_store

    folder = Path(root)
    if not folder.is_dir():
        raise errors.InputNotFound(f"{folder}: no such folder of Parquet part files")
    store = open_store(path, create=True)
    if not any(folder.rglob("part-*.parquet")):
        return store
    con = duckdb.connect()
    try:
        cur = con.execute(_NEWEST, [str(folder / "**" / "part-*.parquet")])
        while rows := cur.fetchmany(_LOAD_BATCH):
            pending, results = [], []
            for ext, source, published, title, url, status, code, message, version, analysis in (r[1:] for r in rows):
                if analysis is None:  # failed on the cluster: its text is not in the parts
                    continue
                doc = Analysis.model_validate_json(analysis).document
                pending.append(NewArticle(external_id=ext or doc.id, text=doc.text, title=title, url=url,
                                          source=source, published=published))
                results.append((ext or doc.id, analysis, version))
            store.add_batch(pending)
            ids = dict(store.query(
                f"SELECT external_id, id FROM articles WHERE external_id IN ({', '.join('?' for _ in results)})",
                [r[0] for r in results],
            )) if results else {}
            store.write_results([AnalysisResult(ids[ext], analysis, version=version)
                                 for ext, analysis, version in results if ext in ids])
    finally:
        con.close()
    return store


# ---------------------------------------------------------------------- stats over the results


def stats_from_store(store: Store, by: str = "source") -> list[dict]:
    """The corpus figures (`corpus_stats`) of a store, as plain dicts."""
    from .stats import corpus_stats

    return [row.to_dict() for row in corpus_stats(store, by)]


def stats_from_parquet(root: str | os.PathLike, by: str = "source") -> list[dict]:
    """The same figures over the part files a cluster run wrote under ``root``."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="presslens-parquet-") as tmp:
        with store_from_parquet(root, Path(tmp) / "results.duckdb") as store:
            return stats_from_store(store, by)
