"""Full-text search over a store's titles and texts, ranked by BM25.

Uses DuckDB's own full-text extension, shipped as the pip package ``duckdb-extension-fts``
and loaded from its file with extension auto-install and auto-load switched off, so a search
never reaches the network. The index lives in the store (schema ``fts_main_articles``) and
is a snapshot: `corpus add` does not update it, so the article count and highest id it was
built at are kept in ``meta`` and a writable store rebuilds it when they no longer match.

The query is always a bound parameter of ``match_bm25``; the extension splits it into words
itself, so quotes, operators or SQL in a query are just more words (or none).
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from .. import errors

# Bumped when the index options change, so older indexes are rebuilt.
INDEX_VERSION = "1"
_META_KEY = "fts_articles"
MAX_LIMIT = 1000
MAX_QUERY = 1000  # characters of a query that are used
SNIPPET = 160  # characters around the first matching word
# Words are runs of letters and digits in any script (the extension's default keeps a-z only).
_INDEX_SQL = (
    "PRAGMA create_fts_index('articles', 'id', 'title', 'text', stemmer = 'porter', stopwords = 'english',"
    r" ignore = '(\.|[^\p{L}\p{N}])+', strip_accents = 1, lower = 1, overwrite = 1)"
)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchHit:
    """One article found; ``snippet`` is ``text[snippet_start:snippet_end]`` of the article's text."""

    article_id: int
    external_id: str | None
    source: str | None
    published: str | None
    title: str | None
    url: str | None
    status: str
    score: float
    snippet: str
    snippet_start: int
    snippet_end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class IndexState:
    """Whether the store's search index exists and covers every article it holds."""

    exists: bool
    current: bool
    indexed: int  # articles the index was built over
    articles: int


def extension_path() -> Path:
    """The fts extension file inside the installed ``duckdb-extension-fts`` package (PL562 without it)."""
    spec = importlib.util.find_spec("duckdb_extension_fts")
    if spec is None or not spec.submodule_search_locations:
        raise errors.SearchUnavailable(
            "full-text search needs the duckdb-extension-fts package (pip install duckdb-extension-fts=="
            f"{duckdb.__version__})"
        )
    root = Path(next(iter(spec.submodule_search_locations))) / "extensions"
    exact = root / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if exact.is_file():
        return exact
    found = sorted(root.glob("*/fts.duckdb_extension"))
    raise errors.SearchUnavailable(
        f"the installed duckdb-extension-fts is for DuckDB {found[0].parent.name if found else '(none)'}, "
        f"not {duckdb.__version__}; install duckdb-extension-fts=={duckdb.__version__}"
    )


def load_extension(con: duckdb.DuckDBPyConnection) -> None:
    """Load fts from its file; never download or auto-load anything."""
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    path = extension_path()
    try:
        con.execute(f"LOAD '{_sql_string(str(path))}'")
    except duckdb.Error as exc:
        raise errors.SearchUnavailable(f"DuckDB could not load its full-text extension from {path}: {exc}") from None


def query_words(query: str) -> list[str]:
    """The words of a user's query that the index matches (letters and digits of any script)."""
    return _WORD.findall((query or "")[:MAX_QUERY])


def _sql_string(value: str) -> str:
    return value.replace("'", "''")


def _fingerprint(store: Any) -> tuple[int, str]:
    count, top = store.query("SELECT count(*), coalesce(max(id), 0) FROM articles")[0]
    return int(count), f"{INDEX_VERSION}:{count}:{top}"


def index_state(store: Any) -> IndexState:
    count, want = _fingerprint(store)
    have = store.query("SELECT value FROM meta WHERE key = ?", [_META_KEY])
    exists = bool(store.query(
        "SELECT 1 FROM duckdb_tables() WHERE schema_name = 'fts_main_articles' AND table_name = 'docs'"
    ))
    indexed = 0
    if exists and have:
        parts = have[0][0].split(":")
        indexed = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else 0
    return IndexState(exists=exists, current=exists and bool(have) and have[0][0] == want, indexed=indexed, articles=count)


def build_index(store: Any) -> int:
    """(Re)build the index over every article, in one transaction; returns the articles indexed."""
    if store.read_only:
        raise errors.UsageError(f"{store.path} is open read-only; the search index needs a writable open")
    load_extension(store.con)
    with store.transaction() as con:
        count, want = _fingerprint(store)
        con.execute(_INDEX_SQL)
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [_META_KEY, want])
    return count


def ensure_index(store: Any) -> IndexState:
    """Rebuild the index when articles were added since it was built (writable stores only)."""
    state = index_state(store)
    if not state.current and not store.read_only:
        build_index(store)
        state = index_state(store)
    return state


def search(store: Any, query: str, limit: int = 20) -> list[SearchHit]:
    """Articles whose title or text match ``query``, best first (BM25), at most ``limit``.

    A writable store's index is brought up to date first. A read-only store searches the
    index it has (articles added since are not found; `index_state` tells) and raises PL561
    when it has none. An empty query, or one with no words, finds nothing.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    words = query_words(query)
    state = ensure_index(store)
    if not state.exists:
        raise errors.SearchIndexMissing(
            f"{store.path} has no search index yet; 'presslens corpus search' builds it (it needs to write the "
            "store once), or call build_index on a writable store"
        )
    if not words:
        return []
    load_extension(store.con)
    rows = store.query(
        "SELECT a.id, a.external_id, a.source, strftime(a.published, '%Y-%m-%d'), a.title, a.url, a.status, h.score,"
        " a.text FROM (SELECT id, fts_main_articles.match_bm25(id, ?) AS score FROM articles) h"
        " JOIN articles a ON a.id = h.id WHERE h.score IS NOT NULL ORDER BY h.score DESC, a.id LIMIT ?",
        [" ".join(words), limit],
    )
    hits = []
    for article_id, ext, source, published, title, url, status, score, text in rows:
        start, end = snippet_span(text, words)
        hits.append(SearchHit(
            article_id=article_id, external_id=ext, source=source, published=published, title=title, url=url,
            status=status, score=float(score), snippet=text[start:end], snippet_start=start, snippet_end=end,
        ))
    return hits


def _fold(text: str) -> str:
    """Accents dropped character by character, so offsets into the result are offsets into ``text``."""
    return "".join(unicodedata.normalize("NFD", c)[0] if ord(c) > 127 else c for c in text)


def snippet_span(text: str, words: list[str], width: int = SNIPPET) -> tuple[int, int]:
    """[start, end) of about ``width`` characters of ``text`` around the first query word found.

    Words are looked for at a word start, whole first, then by their first letters (the index
    stems: "marched" finds "marching"); without any, the text's beginning.
    """
    folded = _fold(text)
    at = None
    for size in (None, 5, 4):
        for word in words:
            stem = word if size is None else word[:size]
            if size is not None and len(word) <= size:
                continue
            found = re.search(rf"(?<![^\W_]){re.escape(_fold(stem))}", folded, re.IGNORECASE)
            if found and (at is None or found.start() < at):
                at = found.start()
        if at is not None:
            break
    if at is None:
        at = 0
    start = max(0, at - width // 3)
    if start > 0:
        space = text.find(" ", start, at)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", at, end)
        end = space if space > at else end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
