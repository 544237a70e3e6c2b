"""Stream a store table (or computed rows) out as JSON lines, CSV or Parquet.

Tables go out through DuckDB itself (`COPY ... TO` for files, `fetchmany` batches for stdout),
so a table of millions of rows is never held in memory at once.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Iterable, Sequence

from .. import errors

FORMATS = ("jsonl", "csv", "parquet")
# Rows fetched per batch when streaming to a text stream.
_BATCH = 2000


def table_names(con: Any) -> list[str]:
    """The tables a user may export: every table of the store but its bookkeeping."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
        " ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows if r[0] != "meta"]


def _query(con: Any, table: str, *, sources: Sequence[str], date_from: str | None, date_to: str | None,
           status: str | None) -> tuple[str, list[Any]]:
    names = table_names(con)
    if table not in names:
        raise errors.UsageError(f"no table {table!r} in the store; tables: {', '.join(names)}")
    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
    where, params = [], []
    if table == "articles":
        ref = "t"
        sql = "SELECT t.* FROM articles t"
    elif "article_id" in columns:
        ref = "a"
        sql = f'SELECT t.* FROM "{table}" t JOIN articles a ON a.id = t.article_id'
    else:
        ref = None
        sql = f'SELECT t.* FROM "{table}" t'
    if ref is None and (sources or date_from or date_to or status):
        raise errors.UsageError(f"table {table!r} has no article to filter on; export it without filters")
    if sources:
        where.append(f"{ref}.source IN ({', '.join('?' for _ in sources)})")
        params.extend(sources)
    for value, op, flag in ((date_from, ">=", "--from"), (date_to, "<=", "--to")):
        if value is not None:
            try:
                params.append(_dt.date.fromisoformat(value).isoformat())
            except ValueError:
                raise errors.UsageError(f"{flag} takes a date as YYYY-MM-DD, not {value!r}") from None
            where.append(f"{ref}.published {op} ?::DATE")
    if status is not None:
        where.append(f"{ref}.status = ?")
        params.append(status)
    if where:
        sql += " WHERE " + " AND ".join(where)
    order = "t.article_id, t.n" if {"article_id", "n"} <= columns else ("t.id" if "id" in columns else "1")
    return f"{sql} ORDER BY {order}", params


def export_table(
    con: Any,
    table: str,
    *,
    fmt: str = "jsonl",
    out: str | os.PathLike[str] | None = None,
    stream: IO[str] | None = None,
    sources: Sequence[str] = (),
    date_from: str | None = None,
    date_to: str | None = None,
    status: str | None = None,
) -> int:
    """Write ``table`` to the file ``out`` or the text ``stream``; returns the number of rows."""
    con = getattr(con, "con", con)
    if fmt not in FORMATS:
        raise errors.UsageError(f"--format takes one of {', '.join(FORMATS)}, not {fmt!r}")
    sql, params = _query(con, table, sources=sources, date_from=date_from, date_to=date_to, status=status)
    if out is not None:
        return _copy(con, sql, params, fmt, Path(out))
    if fmt == "parquet":
        raise errors.UsageError("Parquet is binary: give a file with -o")
    cur = con.cursor()
    cur.execute(sql, params)
    names = [d[0] for d in cur.description]
    return write_records((dict(zip(names, row)) for batch in _batches(cur) for row in batch), fmt, stream=stream,
                         columns=names)


def _batches(cur: Any) -> Iterable[list[tuple]]:
    while batch := cur.fetchmany(_BATCH):
        yield batch


def _copy(con: Any, sql: str, params: list[Any], fmt: str, out: Path) -> int:
    """COPY into a temporary file beside ``out``, then rename: a failed export leaves no half file."""
    options = {"jsonl": "FORMAT json", "csv": "FORMAT csv, HEADER true", "parquet": "FORMAT parquet"}[fmt]
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    try:
        con.execute(f"COPY ({sql}) TO '{_quoted(tmp)}' ({options})", params)
        os.replace(tmp, out)
    except Exception as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, errors.PresslensError):
            raise
        raise errors.ExportFailed(f"could not write {out}: {exc}") from None
    count = con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
    return int(count)


def _quoted(path: str) -> str:
    return path.replace("'", "''")


def _plain(value: Any) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def write_records(
    records: Iterable[dict[str, Any]],
    fmt: str,
    *,
    stream: IO[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    columns: Sequence[str] | None = None,
) -> int:
    """Write dict rows as JSON lines, CSV or Parquet (Parquet needs ``out``); returns the count."""
    if fmt == "parquet":
        if out is None:
            raise errors.UsageError("Parquet is binary: give a file with -o")
        return _records_to_parquet(records, Path(out))
    if out is not None:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            return write_records(records, fmt, stream=handle, columns=columns)
    assert stream is not None
    n = 0
    writer = None
    if fmt == "csv" and columns is not None:  # a header even when no row matches
        writer = csv.DictWriter(stream, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
    for rec in records:
        if fmt == "jsonl":
            stream.write(json.dumps(_plain(rec), ensure_ascii=False, default=str) + "\n")
        elif fmt == "csv":
            if writer is None:
                writer = csv.DictWriter(stream, fieldnames=list(columns or rec.keys()), extrasaction="ignore")
                writer.writeheader()
            writer.writerow({k: (json.dumps(_plain(v), ensure_ascii=False) if isinstance(v, (list, dict)) else _plain(v))
                             for k, v in rec.items()})
        else:
            raise errors.UsageError(f"unknown format {fmt!r}")
        n += 1
    return n


def _records_to_parquet(records: Iterable[dict[str, Any]], out: Path) -> int:
    """Through a JSON-lines file that DuckDB reads and writes as Parquet (no pandas needed)."""
    import duckdb

    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".presslens-") as tmpdir:
        lines = Path(tmpdir) / "rows.jsonl"
        with open(lines, "w", encoding="utf-8") as handle:
            n = write_records(records, "jsonl", stream=handle)
        part = Path(tmpdir) / "rows.parquet"
        con = duckdb.connect()
        try:
            if n:
                con.execute(f"COPY (SELECT * FROM read_json_auto('{_quoted(str(lines))}')) TO '{_quoted(str(part))}' (FORMAT parquet)")
            else:
                con.execute(f"COPY (SELECT NULL AS empty WHERE false) TO '{_quoted(str(part))}' (FORMAT parquet)")
        except Exception as exc:
            raise errors.ExportFailed(f"could not write {out}: {exc}") from None
        finally:
            con.close()
        os.replace(part, out)
    return n
