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


@app.command("analyze")
def analyze(
    db: Optional[Path] = _DB,
    workers: Optional[int] = typer.Option(
        None, "--workers", "-w", min=0, help="Worker processes (default: the machine's cores; 0 runs in this process)."
    ),
    limit: Optional[int] = typer.Option(None, "--limit", min=0, help="Analyse at most N articles this run."),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Analyse articles that failed before, too."),
    batch_size: int = typer.Option(8, "--batch-size", min=1, help="Articles a worker parses together."),
) -> None:
    """Analyse pending articles; safe to kill at any moment and run again."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.text import Text

    from ..corpus import analyze_store, default_workers
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
                        bar.update(task, total=p.total, completed=p.done, description=f"failed {p.failed}")

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
