"""Open a corpus store, add articles, hand out pending ones, write analyses, count.

One process writes a store at a time (DuckDB locks the file); every write is one
transaction, so a process killed at any moment leaves the store as of its last commit.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

import duckdb
import pyarrow as pa

from .. import errors
from ..model import Analysis
from . import rows as _rows
from .items import AnalysisResult, ErrorRow, NewArticle, PendingArticle, Rejection
from .schema import FINDING_TABLES, FORMAT, MIGRATIONS, RESULT_TABLES, SCHEMA_VERSION

DEFAULT_PATH = "presslens.duckdb"


def default_path() -> Path:
    """``$PRESSLENS_DB`` when set, else ./presslens.duckdb."""
    return Path(os.environ.get("PRESSLENS_DB") or DEFAULT_PATH)


def content_hash(text: str) -> str:
    """sha256 of the text with Unicode and whitespace normalised: equal for exact copies."""
    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def _date(value: str | None) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        return None


def _mapped(exc: duckdb.Error, path: Path) -> errors.PresslensError:
    text = str(exc)
    if "Could not set lock" in text or "Conflicting lock" in text:
        return errors.StoreLocked(
            f"{path} is in use by another presslens process (DuckDB lets one process write a store at a time); "
            "wait for it to finish or stop it"
        )
    if "not a valid DuckDB database" in text:
        return errors.NotAStore(f"{path} is not a presslens store (not a DuckDB file)")
    if "newer" in text.lower() or "storage version" in text.lower():
        return errors.StoreTooNew(f"{path} was written by a newer DuckDB than this presslens has; upgrade presslens")
    if "No space left" in text or "disk" in text.lower():
        return errors.StoreWriteFailed(f"{path}: the disk is full; nothing of the last batch was written ({_short(text)})")
    return errors.StoreWriteFailed(f"{path}: {_short(text)}")


def _short(text: str) -> str:
    return " ".join(text.split())[:300]


class Store:
    """A presslens corpus store; use `open_store` to get one, and close it (or use ``with``)."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, *, read_only: bool):
        self.path = path
        self.con = con
        self.read_only = read_only
        self._next_id: int | None = None

    # ------------------------------------------------------------------ life cycle

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction; any failure rolls it back whole and raises a coded error."""
        try:
            self.con.execute("BEGIN TRANSACTION")
            yield self.con
            self.con.execute("COMMIT")
        except BaseException as exc:
            try:
                self.con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            if isinstance(exc, duckdb.Error):
                raise _mapped(exc, self.path) from None
            if isinstance(exc, OSError):
                raise errors.StoreWriteFailed(f"{self.path}: {exc}") from None
            raise

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        """Rows of a read query (helpers for other layers; SQL stays parameterised)."""
        try:
            return self.con.execute(sql, params or []).fetchall()
        except duckdb.IOException as exc:  # lock, disk; a wrong query is a bug and stays one
            raise _mapped(exc, self.path) from None

    # ------------------------------------------------------------------ adding

    def add_batch(self, items: Sequence[NewArticle | Rejection]) -> list[str]:
        """Add items in one transaction; each gives "added", "duplicate", "known" or "rejected".

        "known": this external id already holds this text (adding a source again adds nothing);
        "duplicate": the same normalised text is stored under another id, so only the id is linked.
        """
        self._writable()
        out: list[str] = []
        with self.transaction() as con:
            if self._next_id is None:
                self._next_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0]
            for item in items:
                out.append(self._reject(con, item) if isinstance(item, Rejection) else self._add(con, item))
        return out

    def _add(self, con: duckdb.DuckDBPyConnection, item: NewArticle) -> str:
        digest = content_hash(item.text)
        now = _now()
        seen = con.execute(
            "SELECT article_id, external_id, duplicate FROM external_ids WHERE content_hash = ?", [digest]
        ).fetchall()
        con.execute("DELETE FROM rejected WHERE external_id = ?", [item.external_id])
        if seen:
            if any(ext == item.external_id for _, ext, _ in seen):
                return "known"
            kept = min(aid for aid, _, dup in seen if not dup)
            con.execute(
                "INSERT INTO external_ids VALUES (?, ?, ?, true, ?, ?)", [item.external_id, digest, kept, item.origin, now]
            )
            return "duplicate"
        article_id = self._next_id
        assert article_id is not None
        self._next_id = article_id + 1
        con.execute(
            "INSERT INTO articles (id, external_id, source, url, title, author, published, published_raw, words,"
            " content_hash, origin, added, status, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
            [
                article_id, item.external_id, item.source, item.url, item.title, item.author, _date(item.published),
                item.published_raw, len(item.text.split()), digest, item.origin, now, item.text,
            ],
        )
        con.execute("INSERT INTO external_ids VALUES (?, ?, ?, false, ?, ?)", [item.external_id, digest, article_id, item.origin, now])
        return "added"

    def _reject(self, con: duckdb.DuckDBPyConnection, item: Rejection) -> str:
        con.execute("DELETE FROM rejected WHERE external_id = ?", [item.external_id])
        con.execute(
            "INSERT INTO rejected VALUES (?, ?, ?, ?, ?)",
            [item.external_id, item.origin, item.error_code, item.error_message, _now()],
        )
        return "rejected"

    # ------------------------------------------------------------------ analysing

    def count_pending(self, *, retry_failed: bool = False) -> int:
        statuses = ("pending", "failed") if retry_failed else ("pending",)
        marks = ", ".join("?" for _ in statuses)
        return self.query(f"SELECT count(*) FROM articles WHERE status IN ({marks})", list(statuses))[0][0]

    def pending(
        self, batch_size: int = 16, *, limit: int | None = None, retry_failed: bool = False
    ) -> Iterator[list[PendingArticle]]:
        """Articles to analyse in batches, by id; only one batch of texts is read at a time.

        Pages by id (never an open cursor), so the caller may write results between batches.
        """
        statuses = ("pending", "failed") if retry_failed else ("pending",)
        marks = ", ".join("?" for _ in statuses)
        last, given = 0, 0
        while limit is None or given < limit:
            size = batch_size if limit is None else min(batch_size, limit - given)
            found = self.query(
                "SELECT id, external_id, text, title, url, source, author, strftime(published, '%Y-%m-%d'), origin"
                f" FROM articles WHERE status IN ({marks}) AND id > ? ORDER BY id LIMIT ?",
                [*statuses, last, size],
            )
            if not found:
                return
            last = found[-1][0]
            given += len(found)
            yield [PendingArticle(*row) for row in found]

    def write_results(self, results: Sequence[AnalysisResult]) -> None:
        """Store a batch of results in one transaction, replacing every row those articles had.

        A rerun (after a kill, or ``--retry-failed``) therefore never duplicates rows.
        """
        self._writable()
        if not results:
            return
        ids = [r.article_id for r in results]
        marks = ", ".join("?" for _ in ids)
        now = _now()
        with self.transaction() as con:
            found = con.execute(f"SELECT id, external_id, status FROM articles WHERE id IN ({marks})", ids).fetchall()
            external = {row[0]: row[1] for row in found}
            # A pending article has no rows (results and status are written in one transaction),
            # so only re-analysed ones need the delete, which scans every result table.
            again = [row[0] for row in found if row[2] != "pending"]
            if again:
                again_marks = ", ".join("?" for _ in again)
                for table in RESULT_TABLES:
                    con.execute(f"DELETE FROM {table} WHERE article_id IN ({again_marks})", again)
            table_rows: dict[str, list[tuple]] = {name: [] for name in ("analyses", *FINDING_TABLES)}
            updates: list[list[Any]] = []
            for res in results:
                if res.article_id not in external:
                    continue  # deleted meanwhile
                ext = external[res.article_id]
                analysis, code, message = _parsed(res)
                language = None
                if analysis is not None:
                    language = analysis.document.language
                    head = (res.article_id, ext, res.version)
                    src = analysis.sourcing
                    table_rows["analyses"].append((
                        *head, src.quoted_share if src else None, src.one_sided if src else None,
                        src.summary if src else None, list(analysis.warnings), now, res.analysis_json,
                    ))
                    for table, found in _rows.finding_rows(analysis).items():
                        table_rows[table].extend((*head, n, *row) for n, row in enumerate(found))
                updates.append([
                    "analysed" if analysis is not None else "failed", code, message, res.version, now, language, res.article_id,
                ])
            for table, found in table_rows.items():
                _insert(con, table, found)
            con.executemany(
                "UPDATE articles SET status = ?, error_code = ?, error_message = ?, analysis_version = ?, analysed = ?,"
                " language = coalesce(?, language) WHERE id = ?",
                updates,
            )

    def analysis(self, article_id: int) -> Analysis | None:
        """The stored analysis of one article, as the typed contract."""
        found = self.query("SELECT analysis FROM analyses WHERE article_id = ?", [article_id])
        return Analysis.model_validate_json(found[0][0]) if found else None

    # ------------------------------------------------------------------ status

    def counts(self) -> dict[str, int]:
        """Articles by status, plus ``duplicate`` (linked copies) and ``rejected`` (items not added)."""
        out = {"pending": 0, "analysed": 0, "failed": 0}
        out.update(dict(self.query("SELECT status, count(*) FROM articles GROUP BY status")))
        out["duplicate"] = self.query("SELECT count(*) FROM external_ids WHERE duplicate")[0][0]
        out["rejected"] = self.query("SELECT count(*) FROM rejected")[0][0]
        return out

    def by_source(self, limit: int = 20) -> list[tuple[str | None, int, int, int, int]]:
        """(outlet, articles, pending, analysed, failed), largest outlets first."""
        return self.query(
            "SELECT source, count(*) AS n, count(*) FILTER (status = 'pending'), count(*) FILTER (status = 'analysed'),"
            " count(*) FILTER (status = 'failed') FROM articles GROUP BY source ORDER BY n DESC, source LIMIT ?",
            [limit],
        )

    def last_errors(self, limit: int = 10) -> list[ErrorRow]:
        """The latest failures: analyses that failed and items that could not be added."""
        found = self.query(
            "SELECT * FROM (SELECT analysed AS happened, id, external_id, error_code, error_message FROM articles"
            " WHERE status = 'failed' UNION ALL SELECT added, NULL, external_id, error_code, error_message FROM rejected)"
            " ORDER BY happened DESC NULLS LAST LIMIT ?",
            [limit],
        )
        return [ErrorRow(*row) for row in found]

    @property
    def schema_version(self) -> int:
        return int(self.query("SELECT value FROM meta WHERE key = 'schema_version'")[0][0])

    def _writable(self) -> None:
        if self.read_only:
            raise errors.UsageError(f"{self.path} was opened read-only")


def _parsed(res: AnalysisResult) -> tuple[Analysis | None, str | None, str | None]:
    if res.analysis_json is None:
        return None, res.error_code or errors.InternalError.code, res.error_message or "no analysis came back"
    try:
        return Analysis.model_validate_json(res.analysis_json), None, None
    except ValueError as exc:
        return None, errors.InternalError.code, f"the analysis could not be read back: {_short(str(exc))}"


def _insert(con: duckdb.DuckDBPyConnection, table: str, found: list[tuple]) -> None:
    """Insert rows through an Arrow table typed like the store's table.

    Bound parameters cost DuckDB's Python client a failed ``import pandas`` per value (about
    3 ms per finding row measured, most of a writer's time); an Arrow scan costs none of that.
    """
    if not found:
        return
    schema = _arrow_schema(con, table)
    columns = list(zip(*found))
    batch = pa.Table.from_arrays([pa.array(col, type=field.type) for col, field in zip(columns, schema)], schema=schema)
    view = f"_presslens_insert_{table}"
    con.register(view, batch)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM {view}")
    finally:
        con.unregister(view)


_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "JSON": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "UBIGINT": pa.uint64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
}


def _arrow_type(duck: str) -> pa.DataType:
    if duck.endswith("[]"):
        return pa.list_(_arrow_type(duck[:-2]))
    return _ARROW_TYPES[duck]


def _arrow_schema(con: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    described = con.execute(f"DESCRIBE {table}").fetchall()
    return pa.schema([pa.field(name, _arrow_type(kind)) for name, kind, *_ in described])


# ---------------------------------------------------------------------- opening


def open_store(path: str | os.PathLike[str] | None = None, *, create: bool = False, read_only: bool = False) -> Store:
    """Open (and with ``create``, make) the store at ``path`` (default `default_path()`).

    Older stores are migrated forward; a newer one (PL502), a file that is not a presslens
    store (PL501), a missing one without ``create`` (PL500), or one another process holds
    (PL503) are refused with coded errors.
    """
    path = Path(path) if path is not None else default_path()
    if not path.exists():
        if not create:
            raise errors.StoreNotFound(f"there is no store at {path}; 'presslens corpus add' makes one")
        if read_only:
            raise errors.UsageError("a new store cannot be opened read-only")
        if not path.parent.is_dir():
            raise errors.StoreNotFound(f"cannot make a store at {path}: the folder {path.parent} does not exist")
    elif path.is_dir():
        raise errors.NotAStore(f"{path} is a folder, not a presslens store")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise _mapped(exc, path) from None
    try:
        con.execute("SET enable_progress_bar = false")  # DuckDB would draw it on stdout, inside our output
        version = _check(con, path)
        if version < SCHEMA_VERSION:
            if read_only:
                con.close()
                open_store(path).close()  # migrate with a writing connection, then reopen
                return open_store(path, read_only=True)
            _migrate(con, path, version)
    except BaseException:
        con.close()
        raise
    return Store(path, con, read_only=read_only)


def _check(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """The store's schema version (0 for an empty DuckDB file); coded errors for anything else."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    if not tables:
        return 0
    if "meta" not in tables:
        raise errors.NotAStore(f"{path} is a DuckDB file, but not a presslens store (it has no 'meta' table)")
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("format") != FORMAT:
        raise errors.NotAStore(f"{path} is a DuckDB file, but not a presslens store")
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        raise errors.NotAStore(f"{path}: its schema version {meta.get('schema_version')!r} is not a number") from None
    if version > SCHEMA_VERSION:
        raise errors.StoreTooNew(
            f"{path} has store schema version {version}, newer than this presslens reads ({SCHEMA_VERSION}); "
            "upgrade presslens to open it"
        )
    return version


def _migrate(con: duckdb.DuckDBPyConnection, path: Path, version: int) -> None:
    try:
        con.execute("BEGIN TRANSACTION")
        for step in MIGRATIONS[version:]:
            for statement in step:
                con.execute(statement)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?), ('schema_version', ?)", [FORMAT, str(SCHEMA_VERSION)])
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise _mapped(exc, path) from None
