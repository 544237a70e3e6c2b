"""The corpus dashboard: `corpus_stats` tables and charts in one self-contained HTML page.

`dashboard_charts` turns stats rows into the four charts (the web app's outlet page can show
the same ones); `corpus_report` runs the queries and renders the page with
`presslens.render.dashboard`. Only analysed articles count, as in `corpus stats`.
"""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from markupsafe import Markup

from .. import __version__, errors
from ..render.charts import FAMILY_COLOURS, PALETTE, bar_chart, line_chart, stacked_bars
from ..render.spans import OTHER_FAMILY, TECHNIQUE_FAMILIES
from .stats import StatsRow, corpus_stats, parse_by

LINE_OUTLETS = 8  # outlets drawn over time (the largest)
BAR_OUTLETS = 15  # outlets in the bar charts
VOICE_OUTLETS = 6  # outlets whose top voices are drawn
VOICES = 5
DENSE = 10  # articles listed with the densest own-words techniques
_FAMILIES = (*((key, label) for key, label, _ in TECHNIQUE_FAMILIES), OTHER_FAMILY)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    caption: str
    svg: Markup


def period_for(first: _dt.date | None, last: _dt.date | None) -> str:
    """The time step that gives a readable line: days for three weeks, weeks for four months, else months."""
    if first is None or last is None:
        return "month"
    span = (last - first).days
    return "day" if span <= 21 else "week" if span <= 120 else "month"


def period_labels(first: _dt.date, last: _dt.date, period: str) -> list[str]:
    """Every period from ``first`` to ``last``, labelled as `corpus_stats` labels them (gaps included)."""
    out: list[str] = []
    if period == "day":
        d = first
        while d <= last:
            out.append(d.isoformat())
            d += _dt.timedelta(days=1)
    elif period == "week":
        d = first - _dt.timedelta(days=first.weekday())
        while d <= last:
            year, week, _ = d.isocalendar()
            out.append(f"{year}-W{week:02d}")
            d += _dt.timedelta(days=7)
    else:
        y, m = first.year, first.month
        while (y, m) <= (last.year, last.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _largest(rows: Sequence[StatsRow], n: int) -> list[StatsRow]:
    return sorted(rows, key=lambda r: (-r.articles, r.group.get("source", "")))[:n]


def dashboard_charts(by_source: Sequence[StatsRow], over_time: Sequence[StatsRow], period: str,
                     periods: Sequence[str]) -> list[Chart]:
    """The four charts from stats rows grouped by source and by (source, ``period``)."""
    charts: list[Chart] = []
    drawn = _largest(by_source, LINE_OUTLETS)
    counts = {(r.group["source"], r.group[period]): r.articles for r in over_time}
    series = [(r.group["source"], [counts.get((r.group["source"], p), 0) for p in periods]) for r in drawn]
    undated = sum(r.articles for r in over_time if r.group[period] == "(undated)")
    note = [f"the {len(drawn)} largest of {len(by_source)} outlets"] if len(by_source) > len(drawn) else []
    if undated:
        note.append(f"{undated} undated article{'s' if undated != 1 else ''} not drawn")
    charts.append(Chart(
        "over-time", f"Articles per {period} and outlet",
        "Analysed articles by publication date" + (f" ({'; '.join(note)})" if note else "") + ".",
        line_chart(periods, series, title=f"Analysed articles per {period} and outlet", y_label="articles"),
    ))
    bars = _largest(by_source, BAR_OUTLETS)
    groups = []
    for r in bars:
        own = [r.own_family_per_1000.get(k, 0.0) for k, _ in _FAMILIES]
        total = [r.family_per_1000.get(k, 0.0) for k, _ in _FAMILIES]
        groups.append((r.group["source"], [("own words", own), ("in quotes", [t - o for t, o in zip(total, own)])]))
    used = [i for i, (k, _) in enumerate(_FAMILIES) if any(r.family_per_1000.get(k) for r in bars)] or [0]
    groups = [(g, [(b, [vals[i] for i in used]) for b, vals in members]) for g, members in groups]
    segments = [(_FAMILIES[i][1], FAMILY_COLOURS.get(_FAMILIES[i][0], PALETTE[i])) for i in used]
    charts.append(Chart(
        "techniques", "Persuasion techniques per 1,000 words",
        "Technique spans per 1,000 words of each outlet's articles, stacked by family: first in the outlet's own "
        "words, then inside the quotes it prints (what its sources say).",
        stacked_bars(groups, segments, title="Technique spans per 1,000 words, own words and in quotes, by family",
                     unit="per 1,000 words"),
    ))
    charts.append(Chart(
        "one-sided", "One-sided articles",
        "Share of each outlet's analysed articles whose quoted voices all stand on one side.",
        bar_chart([(r.group["source"], r.one_sided_share) for r in bars], title="Share of one-sided articles per outlet",
                  colour=PALETTE[1], percent=True),
    ))
    voiced = [r for r in _largest(by_source, VOICE_OUTLETS) if r.top_voices]
    charts.append(Chart(
        "voices", "Most quoted voices",
        f"The {VOICES} voices each outlet quotes most (number of quotes), for its {len(voiced)} largest outlets with quotes.",
        stacked_bars([(r.group["source"], [(name, [n]) for name, n in r.top_voices[:VOICES]]) for r in voiced],
                     [("quotes", PALETTE[2])], title="Most quoted voices per outlet", unit="quotes"),
    ))
    return charts


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _f(x: float) -> str:
    return f"{x:.2f}"


def _tables(rows: Sequence[StatsRow], keys: Sequence[str]) -> list[dict[str, Any]]:
    """The stats as display tables: overview, families (own / quoted), checks and events, voices and entities."""
    fam = [(k, label) for k, label in _FAMILIES if any(r.family_per_1000.get(k) for r in rows)]
    checks = sorted({k for r in rows for k in r.checks_per_article})
    events = sorted({k for r in rows for k in r.events})

    def head(r: StatsRow) -> list[str]:
        return [r.group[k] for k in keys]

    tables: list[dict[str, Any]] = [
        {
            "title": "Overview",
            "columns": [*keys, "articles", "words", "quotes / article", "voices / article", "quoted share",
                        "one-sided", "techniques / 1k words", "own words / 1k", "in quotes / 1k"],
            "kinds": None,
            "rows": [[*head(r), f"{r.articles:,}", f"{r.words:,}", _f(r.quotes_per_article), _f(r.voices_per_article),
                      _pct(r.quoted_share), _pct(r.one_sided_share), _f(r.techniques_per_1000),
                      _f(r.own_techniques_per_1000), _f(r.quoted_techniques_per_1000)] for r in rows],
        },
        {
            "title": "Techniques per 1,000 words by family (own words / in quotes)",
            "columns": [*keys, *(label for _, label in fam)],
            "kinds": None,
            "rows": [[*head(r), *(
                f"{r.own_family_per_1000.get(k, 0.0):.2f} / {r.family_per_1000.get(k, 0.0) - r.own_family_per_1000.get(k, 0.0):.2f}"
                for k, _ in fam)] for r in rows],
        },
        {
            "title": "Checks per article and events by PLOVER type",
            "columns": [*keys, *(f"check: {c.replace('_', ' ')}" for c in checks), *(f"event: {e}" for e in events)],
            "kinds": None,
            "rows": [[*head(r), *(_f(r.checks_per_article.get(c, 0.0)) for c in checks),
                      *(str(r.events.get(e, 0)) for e in events)] for r in rows],
        },
        {
            "title": "Most quoted voices and most named entities",
            "columns": [*keys, "voices (quotes)", "entities (mentions)"],
            "kinds": [*("key" for _ in keys), "wide", "wide"],
            "rows": [[*head(r), "; ".join(f"{n} ({q})" for n, q in r.top_voices),
                      "; ".join(f"{n} ({m})" for n, m in r.top_entities)] for r in rows],
        },
    ]
    for t in tables:
        if t["kinds"] is None:
            t["kinds"] = [*("key" for _ in keys), *("num" for _ in t["columns"][len(keys):])]
    return tables


def _filter_sql(date_from: str | None, date_to: str | None, sources: Sequence[str]) -> tuple[list[str], list[Any]]:
    where, params = ["a.status = 'analysed'"], []
    if date_from:
        where.append("a.published >= ?::DATE")
        params.append(date_from)
    if date_to:
        where.append("a.published <= ?::DATE")
        params.append(date_to)
    if sources:
        where.append(f"a.source IN ({', '.join('?' for _ in sources)})")
        params.extend(sources)
    return where, params


def dense_articles(con: Any, *, date_from: str | None = None, date_to: str | None = None,
                   sources: Sequence[str] = (), limit: int = DENSE) -> list[dict[str, Any]]:
    """The articles with most technique spans per 1,000 words in their own words (outside quotes)."""
    where, params = _filter_sql(date_from, date_to, sources)
    rows = con.execute(
        "SELECT a.id, a.external_id, a.source, strftime(a.published, '%Y-%m-%d'), a.title, a.words, count(*) AS n,"
        " 1000.0 * count(*) / greatest(a.words, 1) AS rate FROM articles a JOIN techniques t ON t.article_id = a.id"
        f" WHERE t.attributed_to IS NULL AND {' AND '.join(where)}"
        " GROUP BY a.id, a.external_id, a.source, a.published, a.title, a.words ORDER BY rate DESC, a.id LIMIT ?",
        [*params, limit],
    ).fetchall()
    keys = ("article_id", "external_id", "source", "published", "title", "words", "own_techniques", "per_1000")
    return [dict(zip(keys, r)) for r in rows]


def _date_range(con: Any, *, date_from: str | None, date_to: str | None,
                sources: Sequence[str]) -> tuple[_dt.date | None, _dt.date | None]:
    where, params = _filter_sql(date_from, date_to, sources)
    first, last = con.execute(
        f"SELECT min(a.published), max(a.published) FROM articles a WHERE {' AND '.join(where)}", params
    ).fetchone()
    return first, last


def corpus_report(
    store: Any,
    *,
    by: str = "source",
    date_from: str | None = None,
    date_to: str | None = None,
    sources: Iterable[str] = (),
    generated: _dt.datetime | None = None,
) -> str:
    """The dashboard page for ``store`` (a `Store` or a DuckDB connection on one)."""
    from ..render.dashboard import render_dashboard

    con = getattr(store, "con", store)
    keys = parse_by(by)
    wanted = list(sources)
    filters = {"date_from": date_from, "date_to": date_to, "sources": wanted}
    table_rows = corpus_stats(con, keys, **filters)
    by_source = table_rows if keys == ("source",) else corpus_stats(con, "source", **filters)
    first, last = _date_range(con, date_from=date_from, date_to=date_to, sources=wanted)
    period = period_for(first, last)
    over_time = corpus_stats(con, ("source", period), **filters)
    periods = period_labels(first, last, period) if first and last else []
    counts = dict(con.execute("SELECT status, count(*) FROM articles GROUP BY status").fetchall())
    shown_filters = [f"from {date_from}" if date_from else "", f"to {date_to}" if date_to else "",
                     ("outlets: " + ", ".join(wanted)) if wanted else ""]
    return render_dashboard({
        "store": getattr(getattr(store, "path", None), "name", None) or "corpus",
        "generated": (generated or _dt.datetime.now(_dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
        "counts": {k: counts.get(k, 0) for k in ("analysed", "pending", "failed")},
        "outlets": len(by_source),
        "span": f"published {first.isoformat()} to {last.isoformat()}" if first and last else "no publication dates",
        "filters": "; ".join(x for x in shown_filters if x),
        "by": ", ".join(keys),
        "charts": dashboard_charts(by_source, over_time, period, periods),
        "tables": _tables(table_rows, keys),
        "dense": [
            {**d, "title": " ".join((d["title"] or "(no title)").split()), "source": d["source"] or "(unknown)",
             "per_1000": f"{d['per_1000']:.1f}"}
            for d in dense_articles(con, **filters)
        ],
    })


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_report(html: str, out: str | os.PathLike[str]) -> None:
    """Write the page beside ``out`` then rename it into place: a failure leaves no half file (PL560)."""
    target = os.fspath(out)
    folder = os.path.dirname(os.path.abspath(target))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(html)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; the page is meant to be opened and shared
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise errors.ExportFailed(f"could not write {target}: {exc.strerror or exc}") from None
