"""`presslens serve`: the web app and JSON API (presslens.web) under uvicorn."""

from __future__ import annotations

from typing import Optional

import typer


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; anything but loopback needs PRESSLENS_TOKEN."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    db: Optional[str] = typer.Option(None, "--db", metavar="PATH", help="Corpus store (DuckDB, made if missing): keeps analyses, serves /articles, /sources, /voices."),
    public_read: bool = typer.Option(False, "--public-read", help="With a token: let anyone read (pages, GET endpoints); writes still need it."),
    allow_private_urls: bool = typer.Option(False, "--allow-private-urls", help="Fetch URLs on loopback and private networks too (local use)."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, metavar="N", help="Analysis worker processes (default: up to 2)."),
    queue: int = typer.Option(16, "--queue", min=0, metavar="N", help="Analyses that may wait for a worker before the server answers 503."),
    rate_limit: float = typer.Option(30.0, "--rate-limit", min=0.1, metavar="N", help="Analyses per minute and client (429 above it)."),
    time_budget: float = typer.Option(30.0, "--time-budget", min=1.0, metavar="S", help="Seconds of analysis per article (stages left are skipped, PL205)."),
) -> None:
    """Serve the web app and the JSON API (http://127.0.0.1:8000 by default)."""
    from ..config import Settings
    from .main import _reported

    with _reported():
        from ..web import ServeConfig, create_app

        extra = {"workers": workers} if workers else {}
        config = ServeConfig(
            host=host, port=port, db=db, public_read=public_read, allow_private_urls=allow_private_urls,
            queue=queue, rate_per_minute=rate_limit, rate_burst=max(1, min(10, int(rate_limit))),
            settings=Settings().with_overrides(time_budget=time_budget), **extra,
        )
        if db:  # refuse a locked, foreign or newer store now, with its code, not in the server's start-up
            from ..store import open_store

            open_store(db, create=True).close()
        import uvicorn

        typer.echo(f"presslens serving on http://{_shown(host)}:{port}/ (Ctrl-C stops)", err=True)
        uvicorn.run(
            create_app(config), host=host, port=port, log_level="info", server_header=False,
            proxy_headers=False, timeout_keep_alive=5, limit_concurrency=256,
        )


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
