"""`presslens corpus ...`: add sources to a store, analyse what is pending, show where it stands.

Thin over `presslens.corpus` and `presslens.store`; progress goes to stderr, results to stdout.
"""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(
    help="Store many articles in a DuckDB file, analyse them resumably, and ask questions of them.",
    no_args_is_help=True,
)

_DB = typer.Option(
    None, "--db", envvar="PRESSLENS_DB", metavar="PATH", help="The store (default ./presslens.duckdb, or $PRESSLENS_DB)."
)


def _reported():
    from .main import _reported as reported  # main imports this module; look it up when a command runs

    return reported()


def _console():
    from rich.console import Console

    return Console(stderr=True)


@app.command("add")
def add(
    sources: list[str] = typer.Argument(
        ..., metavar="SOURCE...", help="Files, folders (recursively), - for stdin, or http(s) URLs."
    ),
    db: Optional[Path] = _DB,
    text_field: str = typer.Option("text", "--text-field", help="Record field (JSON/CSV) holding the text."),
    title_field: str = typer.Option("title", "--title-field", help="Record field holding the title."),
    source_field: str = typer.Option("source", "--source-field", help="Record field holding the outlet."),
    date_field: str = typer.Option("published", "--date-field", help="Record field holding the publication date."),
    id_field: str = typer.Option("id", "--id-field", help="Record field holding your own id (kept as external_id)."),
    url_field: str = typer.Option("url", "--url-field", help="Record field holding the URL."),
    no_fetch: bool = typer.Option(
        False, "--no-fetch", help="Feed items with only a summary: keep the summary instead of fetching the page."
    ),
) -> None:
    """Add articles to the store (exact copies are linked, not stored twice)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .. import ingest
    from ..corpus import add_sources
    from ..ingest.records import FieldMap
    from ..store import open_store

    with _reported():
        names = FieldMap(
            text=text_field, title=title_field, source=source_field, published=date_field, id=id_field, url=url_field
        )
        options = ingest.ReadOptions(fields=names, lenient_dates=True, fetch_pages=not no_fetch)
        console = _console()
        with open_store(db, create=True) as store:
            columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
            with Progress(*columns, console=console, transient=False) as bar:
                task = bar.add_task("reading", total=None)

                def show(c) -> None:
                    bar.update(
                        task,
                        description=f"read {c.read} · added {c.added} · duplicate {c.duplicate} · "
                        f"already stored {c.known} · failed {c.failed} · skipped {c.skipped}",
                    )

                counts = add_sources(store, sources, options=options, on_item=show)
                show(counts)
            for warning in counts.warnings:
                console.print(warning, markup=False, highlight=False)
            if counts.warned > len(counts.warnings):
                console.print(f"... and {counts.warned - len(counts.warnings)} more date warnings", highlight=False)
            typer.echo(
                f"{counts.added} added, {counts.duplicate} duplicate, {counts.known} already stored, "
                f"{counts.failed} failed, {counts.skipped} archive records skipped; store: {store.path}"
            )
            if counts.failed:
                typer.echo("see 'presslens corpus status' for the errors", err=True)
                if not (counts.added or counts.duplicate or counts.known):
                    raise typer.Exit(1)  # nothing at all could be read


@app.command("analyze")
def analyze(
    db: Optional[Path] = _DB,
    workers: Optional[int] = typer.Option(
        None, "--workers", "-w", min=0, help="Worker processes (default: the machine's cores; 0 runs in this process)."
    ),
    limit: Optional[int] = typer.Option(None, "--limit", min=0, help="Analyse at most N articles this run."),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Analyse articles that failed before, too."),
    batch_size: int = typer.Option(8, "--batch-size", min=1, help="Articles a worker parses together."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", envvar="PRESSLENS_SCHEDULER", metavar="ADDRESS",
        help="Run on a Dask cluster (tcp://HOST:8786), or 'local' for a LocalCluster of --workers processes.",
    ),
    output: Optional[Path] = typer.Option(
        None, "--output", metavar="PARQUET_DIR", help="With --scheduler: workers write results as Parquet parts here."
    ),
    scheduler_timeout: float = typer.Option(
        30.0, "--scheduler-timeout", min=0.1, metavar="SECONDS", help="With --scheduler: wait this long for it or a worker."
    ),
    batch_timeout: float = typer.Option(
        600.0, "--batch-timeout", min=0.1, metavar="SECONDS", help="With --scheduler: a batch past this is retried article by article."
    ),
) -> None:
    """Analyse pending articles; safe to kill at any moment and run again."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.text import Text

    from ..corpus import analyze_store, default_workers
    from ..errors import UsageError
    from ..store import open_store

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f} articles/s" if speed else "-- articles/s")

    with _reported():
        stop = threading.Event()
        console = _console()

        def on_sigint(signum, frame) -> None:
            if stop.is_set():
                raise KeyboardInterrupt
            stop.set()
            console.print("stopping after the batches in hand (Ctrl-C again to stop at once; nothing is lost)")

        n = default_workers() if workers is None else workers
        with open_store(db) as store:
            previous = signal.signal(signal.SIGINT, on_sigint)
            try:
                columns = (
                    BarColumn(), MofNCompleteColumn(), Rate(), TimeRemainingColumn(), TextColumn("{task.description}"),
                )
                with Progress(*columns, console=console) as bar:
                    task = bar.add_task("failed 0", total=None)

                    def show(p) -> None:
                        cluster = f" · workers {p.workers}" if hasattr(p, "workers") else ""
                        bar.update(task, total=p.total, completed=p.done, description=f"failed {p.failed}{cluster}")

                    if scheduler:
                        from ..corpus.cluster import analyze_on_cluster

                        result = analyze_on_cluster(
                            store, scheduler, workers=workers, limit=limit, retry_failed=retry_failed,
                            batch_size=batch_size, stop=stop, on_batch=show, output=str(output) if output else None,
                            timeout=scheduler_timeout, batch_timeout=batch_timeout,
                        )
                        n = result.workers
                    elif output is not None:
                        raise UsageError("--output needs --scheduler (workers write the part files)")
                    else:
                        result = analyze_store(
                            store, workers=n, limit=limit, retry_failed=retry_failed, batch_size=batch_size, stop=stop,
                            on_batch=show,
                        )
                    show(result)
            finally:
                signal.signal(signal.SIGINT, previous)
            rate = result.done / result.seconds if result.seconds > 0 else 0.0
            left = store.count_pending(retry_failed=False)
            typer.echo(
                f"{result.done - result.failed} analysed, {result.failed} failed in {result.seconds:.1f} s "
                f"({rate:.2f} articles/s, {n} worker{'s' if n != 1 else ''}); {left} pending"
            )
            if result.stopped:
                raise typer.Exit(130)


@app.command("status")
def status(
    db: Optional[Path] = _DB,
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
    errors_shown: int = typer.Option(10, "--errors", min=0, help="How many of the latest errors to list."),
) -> None:
    """Counts by status and by outlet, and the latest errors."""
    from ..store import open_store

    with _reported():
        with open_store(db, read_only=True) as store:
            counts = store.counts()
            outlets = store.by_source()
            last = store.last_errors(errors_shown)
        if as_json:
            typer.echo(json.dumps({
                "counts": counts,
                "outlets": [dict(zip(("source", "articles", "pending", "analysed", "failed"), row)) for row in outlets],
                "errors": [
                    {"when": e.when.isoformat() if e.when else None, "article_id": e.article_id,
                     "external_id": e.external_id, "code": e.error_code, "message": e.error_message}
                    for e in last
                ],
            }, ensure_ascii=False, indent=2))
            return
        _print_status(counts, outlets, last)


@app.command("stats")
def stats(
    db: Optional[Path] = _DB,
    by: str = typer.Option("source", "--by", help="Group by source, day, week, month, or a pair such as source,month."),
    date_from: Optional[str] = typer.Option(None, "--from", metavar="DATE", help="Published on or after (YYYY-MM-DD)."),
    date_to: Optional[str] = typer.Option(None, "--to", metavar="DATE", help="Published on or before (YYYY-MM-DD)."),
    source: list[str] = typer.Option([], "--source", metavar="NAME", help="Only this outlet (repeatable)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json or parquet."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="FILE", help="Write to FILE instead of stdout."),
    parquet: Optional[Path] = typer.Option(
        None, "--parquet", metavar="DIR", help="Ask the Parquet part files a cluster run wrote (--output) instead of a store."
    ),
) -> None:
    """Per outlet or period: quotes, voices, one-sided share, techniques per 1,000 words (own vs quoted), checks, events."""
    import tempfile

    from ..corpus.dask_parquet import store_from_parquet
    from ..corpus.stats import corpus_stats
    from ..store import open_store

    with _reported():
        if fmt not in ("table", "csv", "json", "parquet"):
            from ..errors import UsageError

            raise UsageError(f"--format takes table, csv, json or parquet, not {fmt!r}")
        with tempfile.TemporaryDirectory(prefix="presslens-stats-") as tmp:
            opened = (store_from_parquet(parquet, Path(tmp) / "parts.duckdb") if parquet is not None
                      else open_store(db, read_only=True))
            with opened as store:
                rows = corpus_stats(store, by, date_from=date_from, date_to=date_to, sources=source)
        _emit_stats(rows, fmt, output)


def _emit_stats(rows, fmt: str, output: Optional[Path]) -> None:
    import sys

    from ..corpus.export import write_records

    if fmt == "json":
        text = json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2) + "\n"
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
        return
    if fmt in ("csv", "parquet"):
        flat = [r.flat() for r in rows]
        columns = list(dict.fromkeys(k for rec in flat for k in rec))
        write_records(flat, fmt, stream=None if output else sys.stdout, out=output, columns=columns)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_edge=False)
    keys = list(rows[0].group) if rows else ["source"]
    for name in (*keys, "articles", "words", "quotes/art", "voices/art", "quoted", "one-sided",
                 "tech/1k", "own/1k", "quoted/1k", "top voices"):
        table.add_column(name, justify="left" if name in (*keys, "top voices") else "right")
    for r in rows:
        table.add_row(
            *(_plain(str(v)) for v in r.group.values()), str(r.articles), str(r.words),
            f"{r.quotes_per_article:.1f}", f"{r.voices_per_article:.1f}", f"{r.quoted_share:.0%}",
            f"{r.one_sided_share:.0%}", f"{r.techniques_per_1000:.1f}", f"{r.own_techniques_per_1000:.1f}",
            f"{r.quoted_techniques_per_1000:.1f}", _plain(", ".join(f"{n} ({q})" for n, q in r.top_voices[:3])),
        )
    if output is not None:
        with open(output, "w", encoding="utf-8") as handle:
            Console(file=handle, highlight=False, width=220).print(table)
    else:
        console = Console(highlight=False)
        if not console.is_terminal:
            console = Console(highlight=False, width=220)
        console.print(table)


@app.command("export")
def export(
    table: str = typer.Argument(..., help="articles, analyses, quotes, voices, entities, quantities, events, techniques, checks, ..."),
    db: Optional[Path] = _DB,
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl, csv or parquet."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="FILE", help="Write to FILE (needed for parquet)."),
    date_from: Optional[str] = typer.Option(None, "--from", metavar="DATE", help="Articles published on or after."),
    date_to: Optional[str] = typer.Option(None, "--to", metavar="DATE", help="Articles published on or before."),
    source: list[str] = typer.Option([], "--source", metavar="NAME", help="Only this outlet (repeatable)."),
    status_: Optional[str] = typer.Option(None, "--status", help="Only articles with this status (pending, analysed, failed)."),
) -> None:
    """Stream any table out, each row with its article id and external id."""
    import sys

    from ..corpus.export import export_table
    from ..store import open_store

    with _reported():
        with open_store(db, read_only=True) as store:
            n = export_table(store, table, fmt=fmt, out=output, stream=sys.stdout, sources=source,
                             date_from=date_from, date_to=date_to, status=status_)
        if output is not None:
            typer.echo(f"{n} rows written to {output}", err=True)


@app.command("search")
def search(
    query: str = typer.Argument(..., metavar="QUERY", help="Words to look for in titles and texts (any words; no syntax)."),
    db: Optional[Path] = _DB,
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=1000, help="Show at most N articles."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or jsonl."),
) -> None:
    """Full-text search over titles and texts, best match first (BM25), with ids, outlets, dates and a snippet."""
    from ..corpus.search import index_state, search as run_search
    from ..errors import UsageError
    from ..store import open_store

    with _reported():
        if fmt not in ("table", "jsonl"):
            raise UsageError(f"--format takes table or jsonl, not {fmt!r}")
        with open_store(db, read_only=True) as store:
            state = index_state(store)
        if not state.current:
            # The index follows `corpus add` lazily: rebuilt here, in the one writable open.
            typer.echo(f"building the search index over {state.articles} articles ...", err=True)
            with open_store(db) as store:
                hits = run_search(store, query, limit)
        else:
            with open_store(db, read_only=True) as store:
                hits = run_search(store, query, limit)
        if fmt == "jsonl":
            for hit in hits:
                typer.echo(json.dumps(hit.to_dict(), ensure_ascii=False))
            return
        _print_hits(hits)


def _print_hits(hits) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=200)
    if not hits:
        console.print("no articles found")
        return
    table = Table(show_edge=False, show_lines=True)
    for name, justify in (("id", "right"), ("external id", "left"), ("outlet", "left"), ("date", "left"),
                          ("score", "right"), ("title and snippet", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for h in hits:
        text = _plain(" ".join((h.title or "(no title)").split()))
        text.stylize("bold")
        text.append("\n" + " ".join(h.snippet.split()))
        table.add_row(str(h.article_id), _plain(h.external_id or ""), _plain(h.source or "(unknown)"),
                      h.published or "", f"{h.score:.2f}", text)
    console.print(table)


@app.command("report")
def report(
    db: Optional[Path] = _DB,
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="FILE", help="Write the page to FILE instead of stdout."),
    by: str = typer.Option("source", "--by", help="Group the tables by source, day, week, month, or a pair such as source,month."),
    date_from: Optional[str] = typer.Option(None, "--from", metavar="DATE", help="Published on or after (YYYY-MM-DD)."),
    date_to: Optional[str] = typer.Option(None, "--to", metavar="DATE", help="Published on or before (YYYY-MM-DD)."),
    source: list[str] = typer.Option([], "--source", metavar="NAME", help="Only this outlet (repeatable)."),
) -> None:
    """One self-contained HTML dashboard: the stats tables and charts per outlet and over time."""
    from ..corpus.report import corpus_report, write_report
    from ..store import open_store

    with _reported():
        with open_store(db, read_only=True) as store:
            page = corpus_report(store, by=by, date_from=date_from, date_to=date_to, sources=source)
        if output is None:
            typer.echo(page, nl=False)
        else:
            write_report(page, output)
            typer.echo(f"dashboard written to {output}", err=True)


def _print_status(counts, outlets, last) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console(highlight=False)
    head = Table(title="articles", show_edge=False)
    for name in ("pending", "analysed", "failed", "duplicate", "rejected"):
        head.add_column(name, justify="right")
    head.add_row(*(str(counts.get(name, 0)) for name in ("pending", "analysed", "failed", "duplicate", "rejected")))
    out.print(head)
    table = Table(title="by outlet", show_edge=False)
    for name, justify in (("outlet", "left"), ("articles", "right"), ("pending", "right"), ("analysed", "right"), ("failed", "right")):
        table.add_column(name, justify=justify)
    for source, *nums in outlets:
        table.add_row(_plain(source if source is not None else "(unknown)"), *(str(n) for n in nums))
    out.print(table)
    if last:
        errs = Table(title="latest errors", show_edge=False)
        for name in ("when", "id", "external id", "error"):
            errs.add_column(name)
        for e in last:
            errs.add_row(
                e.when.strftime("%Y-%m-%d %H:%M:%S") if e.when else "",
                str(e.article_id) if e.article_id is not None else "-",
                _plain(e.external_id or ""),
                _plain(f"{e.error_code}: {e.error_message or ''}"),
            )
        out.print(errs)


def _plain(value: str):
    """Outlet names and ids come from the data: shown as plain text, never as rich markup."""
    from rich.text import Text

    return Text(value)
