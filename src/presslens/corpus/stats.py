"""Per-outlet and per-period figures over a corpus store, computed in DuckDB.

One row per group (outlet, day, week, month, or outlet and month): how much was analysed, how
much of it is quoted, how often it is called one-sided, and how densely it uses persuasion
techniques — in the outlet's own words apart from the words it quotes, since in mainstream news
most technique spans sit in quoted politicians' words. Only analysed articles count.

Every figure is one GROUP BY over the finding tables; Python only assembles the rows.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Sequence

from .. import errors
from ..render.spans import TECHNIQUE_FAMILIES

GROUP_KEYS = ("source", "day", "week", "month", "year")
TOP = 5

# SQL for each grouping key over the articles table `a`.
_KEY_SQL = {
    "source": "coalesce(a.source, '(unknown)')",  # UNKNOWN_SOURCE
    "day": "coalesce(strftime(a.published, '%Y-%m-%d'), '(undated)')",
    "week": "coalesce(strftime(date_trunc('week', a.published), '%G-W%V'), '(undated)')",
    "month": "coalesce(strftime(a.published, '%Y-%m'), '(undated)')",
    "year": "coalesce(strftime(a.published, '%Y'), '(undated)')",
}
UNKNOWN_SOURCE = "(unknown)"
FAMILIES: tuple[str, ...] = tuple(key for key, _, _ in TECHNIQUE_FAMILIES)


@dataclass
class StatsRow:
    """Figures for one group; ``group`` maps each grouping key to its value."""

    group: dict[str, str]
    articles: int
    words: int
    quotes_per_article: float
    voices_per_article: float
    quoted_share: float
    one_sided_share: float
    techniques_per_1000: float
    own_techniques_per_1000: float
    quoted_techniques_per_1000: float
    family_per_1000: dict[str, float] = field(default_factory=dict)
    own_family_per_1000: dict[str, float] = field(default_factory=dict)
    checks_per_article: dict[str, float] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    top_voices: list[tuple[str, int]] = field(default_factory=list)
    top_entities: list[tuple[str, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["top_voices"] = [{"name": n, "quotes": q} for n, q in self.top_voices]
        out["top_entities"] = [{"name": n, "mentions": m} for n, m in self.top_entities]
        return out

    def flat(self) -> dict[str, Any]:
        """One level of columns, for CSV and Parquet."""
        out: dict[str, Any] = dict(self.group)
        for name in (
            "articles", "words", "quotes_per_article", "voices_per_article", "quoted_share", "one_sided_share",
            "techniques_per_1000", "own_techniques_per_1000", "quoted_techniques_per_1000",
        ):
            out[name] = getattr(self, name)
        for fam in FAMILIES:
            out[f"{fam}_per_1000"] = self.family_per_1000.get(fam, 0.0)
            out[f"own_{fam}_per_1000"] = self.own_family_per_1000.get(fam, 0.0)
        for kind, value in sorted(self.checks_per_article.items()):
            out[f"checks_{kind}_per_article"] = value
        for kind, n in sorted(self.events.items()):
            out[f"events_{kind}"] = n
        out["top_voices"] = "; ".join(f"{n} ({q})" for n, q in self.top_voices)
        out["top_entities"] = "; ".join(f"{n} ({m})" for n, m in self.top_entities)
        return out


def parse_by(by: str) -> tuple[str, ...]:
    """'source,month' → ('source', 'month'); PL300 for anything else."""
    keys = tuple(k.strip() for k in by.split(",") if k.strip())
    bad = [k for k in keys if k not in GROUP_KEYS]
    if not keys or bad or len(set(keys)) != len(keys):
        raise errors.UsageError(f"--by takes one or more of {', '.join(GROUP_KEYS)} separated by commas, not {by!r}")
    return keys


def _date(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise errors.UsageError(f"{flag} takes a date as YYYY-MM-DD, not {value!r}") from None


def corpus_stats(
    con: Any,
    by: str | Sequence[str] = "source",
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    sources: Iterable[str] = (),
    top: int = TOP,
) -> list[StatsRow]:
    """Figures per group over ``con`` (a DuckDB connection on a store, or a `Store`)."""
    con = getattr(con, "con", con)
    keys = parse_by(by) if isinstance(by, str) else tuple(by)
    where, params = ["a.status = 'analysed'"], []
    if (start := _date(date_from, "--from")) is not None:
        where.append("a.published >= ?::DATE")
        params.append(start)
    if (end := _date(date_to, "--to")) is not None:
        where.append("a.published <= ?::DATE")
        params.append(end)
    wanted = list(sources)
    if wanted:
        where.append(f"a.source IN ({', '.join('?' for _ in wanted)})")
        params.extend(wanted)
    key_cols = ", ".join(f"{_KEY_SQL[k]} AS k{i}" for i, k in enumerate(keys))
    knames = [f"k{i}" for i in range(len(keys))]
    kl = ", ".join(knames)
    base = f"WITH g AS (SELECT a.id, coalesce(a.words, 0) AS words, {key_cols} FROM articles a WHERE {' AND '.join(where)})"

    def run(sql: str) -> list[tuple]:
        return con.execute(f"{base} {sql}", params).fetchall()

    main = run(f"SELECT {kl}, count(*), sum(words) FROM g GROUP BY {kl} ORDER BY {kl}")
    rows: dict[tuple, StatsRow] = {}
    for rec in main:
        group = tuple(rec[: len(keys)])
        rows[group] = StatsRow(
            group=dict(zip(keys, group)), articles=rec[-2], words=int(rec[-1] or 0), quotes_per_article=0.0,
            voices_per_article=0.0, quoted_share=0.0, one_sided_share=0.0, techniques_per_1000=0.0,
            own_techniques_per_1000=0.0, quoted_techniques_per_1000=0.0,
        )
    if not rows:
        return []

    def per_group(sql: str) -> Iterable[tuple[tuple, tuple]]:
        for rec in run(sql):
            yield tuple(rec[: len(keys)]), tuple(rec[len(keys):])

    for group, (quotes,) in per_group(f"SELECT {kl}, count(*) FROM g JOIN quotes t ON t.article_id = g.id GROUP BY {kl}"):
        rows[group].quotes_per_article = quotes / rows[group].articles
    for group, (voices,) in per_group(f"SELECT {kl}, count(*) FROM g JOIN voices t ON t.article_id = g.id GROUP BY {kl}"):
        rows[group].voices_per_article = voices / rows[group].articles
    for group, (share, sided) in per_group(
        f"SELECT {kl}, avg(coalesce(t.quoted_share, 0)), avg(CASE WHEN t.one_sided THEN 1.0 ELSE 0.0 END)"
        f" FROM g JOIN analyses t ON t.article_id = g.id GROUP BY {kl}"
    ):
        rows[group].quoted_share, rows[group].one_sided_share = float(share or 0), float(sided or 0)

    family_case = "CASE " + " ".join(
        f"WHEN t.technique IN ({', '.join(repr(lb) for lb in labels)}) THEN '{key}'" for key, _, labels in TECHNIQUE_FAMILIES
    ) + " ELSE 'other' END"
    for group, (family, own, total) in per_group(
        f"SELECT {kl}, {family_case} AS family, count(*) FILTER (WHERE t.attributed_to IS NULL), count(*)"
        f" FROM g JOIN techniques t ON t.article_id = g.id GROUP BY {kl}, family"
    ):
        row = rows[group]
        scale = 1000.0 / row.words if row.words else 0.0
        row.family_per_1000[family] = total * scale
        row.own_family_per_1000[family] = own * scale
        row.techniques_per_1000 += total * scale
        row.own_techniques_per_1000 += own * scale
        row.quoted_techniques_per_1000 += (total - own) * scale
    for group, (kind, n) in per_group(
        f"SELECT {kl}, t.kind, count(*) FROM g JOIN checks t ON t.article_id = g.id GROUP BY {kl}, t.kind"
    ):
        rows[group].checks_per_article[kind] = n / rows[group].articles
    for group, (kind, n) in per_group(
        f"SELECT {kl}, t.type, count(*) FROM g JOIN events t ON t.article_id = g.id GROUP BY {kl}, t.type"
    ):
        rows[group].events[kind] = n
    ranked = (
        "SELECT * FROM (SELECT {kl}, name, n, row_number() OVER (PARTITION BY {kl} ORDER BY n DESC, name) AS r"
        " FROM (SELECT {kl}, {name} AS name, {measure} AS n FROM g JOIN {table} t ON t.article_id = g.id"
        " WHERE {name} IS NOT NULL GROUP BY {kl}, {name})) WHERE r <= {top}"
    )
    for group, (name, n, _) in per_group(
        ranked.format(kl=kl, name="t.name", measure="sum(t.quotes)", table="voices", top=int(top))
    ):
        rows[group].top_voices.append((name, int(n)))
    for group, (name, n, _) in per_group(
        ranked.format(kl=kl, name="t.name", measure="sum(t.mentions)", table="entities", top=int(top))
    ):
        rows[group].top_entities.append((name, int(n)))
    for row in rows.values():
        row.top_voices.sort(key=lambda p: (-p[1], p[0]))
        row.top_entities.sort(key=lambda p: (-p[1], p[0]))
    return list(rows.values())

