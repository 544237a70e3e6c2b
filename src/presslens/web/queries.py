"""Read queries the web pages need over the corpus store (SQL the store package does not offer yet).

Every query is parameterised; names from the request (sort keys, group keys, families) are looked
up in the fixed tables below, never pasted into SQL. Paging is by keyset: the cursor carries the
last row's sort value and id, so a page costs the same wherever it starts.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from .. import errors
from ..model import CHECK_KINDS
from ..render.spans import TECHNIQUE_FAMILIES

FAMILIES: dict[str, tuple[str, tuple[str, ...]]] = {key: (label, labels) for key, label, labels in TECHNIQUE_FAMILIES}

# sort key -> (SQL expression over `a` (articles), SQL type of the cursor value)
SORTS: dict[str, tuple[str, str]] = {
    "published": ("coalesce(a.published, DATE '0001-01-01')", "DATE"),
    "added": ("a.added", "TIMESTAMP"),
    "words": ("coalesce(a.words, 0)", "BIGINT"),
    "title": ("coalesce(a.title, '')", "VARCHAR"),
    "source": ("coalesce(a.source, '')", "VARCHAR"),
}

# group key -> SQL expression; "source,month" groups by both
GROUPS: dict[str, str] = {
    "source": "coalesce(a.source, '')",
    "day": "strftime(a.published, '%Y-%m-%d')",
    "week": "strftime(date_trunc('week', a.published), '%Y-%m-%d')",
    "month": "strftime(a.published, '%Y-%m')",
    "year": "strftime(a.published, '%Y')",
}

MAX_LIMIT = 500


@dataclass
class ArticleQuery:
    source: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    family: str | None = None
    check: str | None = None
    one_sided: bool | None = None
    name: str | None = None  # a voice's or an entity's name (part of it, any case)
    q: str | None = None  # words in the title or text (a case-insensitive substring)
    sort: str = "published"
    order: str = "desc"
    limit: int = 50
    cursor: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def check_values(self) -> None:
        if self.sort not in SORTS:
            raise errors.BadRequest(f"sort must be one of {', '.join(SORTS)}, not {self.sort!r}")
        if self.order not in ("asc", "desc"):
            raise errors.BadRequest(f"order must be asc or desc, not {self.order!r}")
        if self.family is not None and self.family not in FAMILIES:
            raise errors.BadRequest(f"family must be one of {', '.join(FAMILIES)}, not {self.family!r}")
        if self.check is not None and self.check not in CHECK_KINDS:
            raise errors.BadRequest(f"check must be one of {', '.join(CHECK_KINDS)}, not {self.check!r}")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise errors.BadRequest(f"limit must be between 1 and {MAX_LIMIT}")


def encode_cursor(value: Any, article_id: int) -> str:
    raw = json.dumps([None if value is None else str(value), article_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        value, article_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(value, str) or not isinstance(article_id, int):
            raise ValueError
        return value, article_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise errors.BadRequest("the cursor is not one this server gave out") from None


ARTICLE_COLUMNS = (
    "id", "external_id", "source", "title", "published", "words", "status", "one_sided", "quoted_share",
    "quotes", "voices", "techniques", "checks", "url",
)


def list_articles(store, query: ArticleQuery) -> tuple[list[dict[str, Any]], str | None]:
    """One page of articles matching ``query`` and the cursor of the next page (None at the end)."""
    query.check_values()
    key, kind = SORTS[query.sort]
    where, params = _article_filters(query, _full_text(store) if query.q else False)
    if query.cursor:
        value, last_id = decode_cursor(query.cursor)
        op = "<" if query.order == "desc" else ">"
        where.append(f"({key} {op} CAST(? AS {kind}) OR ({key} = CAST(? AS {kind}) AND a.id {op} ?))")
        params += [value, value, last_id]
    direction = "DESC" if query.order == "desc" else "ASC"
    sql = f"""
        SELECT a.id, a.external_id, a.source, a.title, strftime(a.published, '%Y-%m-%d'), a.words, a.status,
               an.one_sided, an.quoted_share,
               (SELECT count(*) FROM quotes x WHERE x.article_id = a.id),
               (SELECT count(*) FROM voices x WHERE x.article_id = a.id AND x.name IS NOT NULL),
               (SELECT count(*) FROM techniques x WHERE x.article_id = a.id),
               (SELECT count(*) FROM checks x WHERE x.article_id = a.id),
               a.url, {key}
        FROM articles a LEFT JOIN analyses an ON an.article_id = a.id
        {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY {key} {direction}, a.id {direction}
        LIMIT ?"""
    found = store.query(sql, [*params, query.limit + 1])
    rows = [dict(zip(ARTICLE_COLUMNS, r[:-1])) for r in found[: query.limit]]
    for row in rows:
        if row["quoted_share"] is not None:
            row["quoted_share"] = round(row["quoted_share"], 3)
    following = None
    if len(found) > query.limit:
        last = found[query.limit - 1]
        following = encode_cursor(last[-1], last[0])
    return rows, following


def _full_text(store) -> bool:
    """Whether the store's full-text index can answer ``q`` (brought up to date on a writable store)."""
    from ..corpus import search

    try:
        if not search.ensure_index(store).current:
            return False
        search.load_extension(store.con)
    except errors.PresslensError:  # no extension or no index: the substring match still answers
        return False
    return True


def _article_filters(query: ArticleQuery, full_text: bool = False) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if query.source is not None:
        where.append("a.source = ?")
        params.append(query.source)
    if query.date_from:
        where.append("a.published >= CAST(? AS DATE)")
        params.append(query.date_from)
    if query.date_to:
        where.append("a.published <= CAST(? AS DATE)")
        params.append(query.date_to)
    if query.family:
        labels = FAMILIES[query.family][1]
        marks = ", ".join("?" for _ in labels)
        where.append(f"EXISTS (SELECT 1 FROM techniques t WHERE t.article_id = a.id AND t.technique IN ({marks}))")
        params += list(labels)
    if query.check:
        where.append("EXISTS (SELECT 1 FROM checks c WHERE c.article_id = a.id AND c.kind = ?)")
        params.append(query.check)
    if query.one_sided is not None:
        where.append("an.one_sided = ?")
        params.append(query.one_sided)
    if query.name:
        where.append(
            "(EXISTS (SELECT 1 FROM voices v WHERE v.article_id = a.id AND contains(lower(v.name), lower(?)))"
            " OR EXISTS (SELECT 1 FROM entities e WHERE e.article_id = a.id AND contains(lower(e.name), lower(?))))"
        )
        params += [query.name, query.name]
    if query.q and full_text:
        # the corpus search's index: stemmed, accent-folded words of title and text
        from ..corpus.search import query_words

        words = query_words(query.q)
        where.append("fts_main_articles.match_bm25(a.id, ?) IS NOT NULL" if words else "false")
        params += [" ".join(words)] if words else []
    elif query.q:
        where.append("(contains(lower(coalesce(a.title, '')), lower(?)) OR contains(lower(a.text), lower(?)))")
        params += [query.q, query.q]
    return where, params


def sources(store) -> list[str]:
    return [r[0] for r in store.query("SELECT DISTINCT source FROM articles WHERE source IS NOT NULL ORDER BY source")]


# --------------------------------------------------------------------------- one article


def article_row(store, article_id: int) -> dict[str, Any] | None:
    found = store.query(
        "SELECT id, external_id, source, title, strftime(published, '%Y-%m-%d'), status, error_code, error_message"
        " FROM articles WHERE id = ?",
        [article_id],
    )
    if not found:
        return None
    return dict(zip(("id", "external_id", "source", "title", "published", "status", "error_code", "error_message"), found[0]))


def analysis_json(store, article_id: int) -> str | None:
    found = store.query("SELECT CAST(analysis AS VARCHAR) FROM analyses WHERE article_id = ?", [article_id])
    return found[0][0] if found else None


# --------------------------------------------------------------------------- stats

STATS_COLUMNS = (
    "group", "articles", "analysed", "words", "quotes_per_article", "voices_per_article", "quoted_share",
    "one_sided_share", "techniques_per_1000_words", "own_techniques_per_1000_words", "quoted_techniques_per_1000_words",
    "checks_per_article",
)


def stats(store, by: str = "source") -> list[dict[str, Any]]:
    """Per group (outlet, day, week, month, year, or two of them joined by a comma): the corpus figures.

    The figures are `corpus_stats`'s (the CLI's and the dashboard's), flattened for tables and charts.
    """
    from ..corpus.stats import UNKNOWN_SOURCE, corpus_stats

    keys = by.split(",")
    if len(keys) > 2:
        raise errors.BadRequest(f"by takes one or two of {', '.join(GROUPS)} joined by a comma, not {by!r}")
    try:
        rows = corpus_stats(store, by)
    except errors.UsageError:
        raise errors.BadRequest(f"by takes one or two of {', '.join(GROUPS)} joined by a comma, not {by!r}") from None
    out = []
    for row in rows:
        parts = ["" if k == "source" and v == UNKNOWN_SOURCE else v for k, v in row.group.items()]
        out.append(dict(zip(STATS_COLUMNS, (
            " · ".join(parts), row.articles, row.articles, row.words, _r(row.quotes_per_article),
            _r(row.voices_per_article), _r(row.quoted_share, 3), _r(row.one_sided_share, 3),
            _r(row.techniques_per_1000), _r(row.own_techniques_per_1000), _r(row.quoted_techniques_per_1000),
            _r(sum(row.checks_per_article.values())),
        ))))
    out.sort(key=lambda r: (-r["articles"], r["group"]))
    return out


def top_voices(store, per_source: int = 3) -> dict[str, list[tuple[str, int]]]:
    """The most quoted named voices of each outlet: {outlet: [(name, quotes), ...]}."""
    from ..corpus.stats import UNKNOWN_SOURCE, corpus_stats

    return {
        ("" if row.group["source"] == UNKNOWN_SOURCE else row.group["source"]): row.top_voices[:per_source]
        for row in corpus_stats(store, "source", top=per_source)
    }


def _r(x, digits: int = 2):
    return None if x is None else round(float(x), digits)


# --------------------------------------------------------------------------- voices

VOICE_COLUMNS = ("article_id", "source", "title", "published", "voice", "kind", "role", "stance", "quote_id", "quote", "span_start", "span_end")


def voice_quotes(store, name: str, limit: int = MAX_LIMIT) -> list[dict[str, Any]]:
    """Every quote of the voices called ``name`` (any case), newest articles first."""
    found = store.query(
        """SELECT v.article_id, a.source, a.title, strftime(a.published, '%Y-%m-%d'), v.name, v.kind, v.role, v.stance,
                  q.quote_id, q.text, q.span_start, q.span_end
           FROM voices v JOIN articles a ON a.id = v.article_id
           JOIN quotes q ON q.article_id = v.article_id AND list_contains(v.quote_ids, q.quote_id)
           WHERE lower(v.name) = lower(?)
           ORDER BY a.published DESC NULLS LAST, v.article_id DESC, q.n
           LIMIT ?""",
        [name, limit],
    )
    return [dict(zip(VOICE_COLUMNS, r)) for r in found]
