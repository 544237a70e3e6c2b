"""What a worker does for one request: read the input, analyse it, render it.

Runs in a worker process (or thread), never on the event loop. Takes and returns plain
data (dicts, str) so nothing heavy crosses the process boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import errors
from ..config import Settings


@dataclass(frozen=True)
class Job:
    settings: Settings
    text: str | None = None
    url: str | None = None  # fetched when there is no text and no upload
    upload: bytes | None = None
    upload_name: str | None = None
    meta: dict[str, str | None] = field(default_factory=dict)  # title, published, source, url
    public_only: bool = True
    html: bool = False  # also render the HTML report


@dataclass
class Outcome:
    json: str | None = None
    html: str | None = None
    error: tuple[str, str] | None = None  # (code, message)


def warm_up() -> None:
    """Load the parser and models once per worker, before the first request needs them."""
    from .. import analyze

    analyze("Warm-up. The council met on Monday, officials said.")


def run(job: Job) -> Outcome:
    try:
        analysis = _analyse(job)
        out = Outcome(json=analysis.model_dump_json())
        if job.html:
            from ..render.html import render_html

            out.html = render_html(analysis)
        return out
    except errors.PresslensError as exc:
        return Outcome(error=(exc.code, exc.message))


def _analyse(job: Job):
    from .. import analyze_article, ingest

    meta: dict[str, Any] = {k: v for k, v in job.meta.items() if v is not None}
    ingest.validate_published(meta.get("published"))
    if job.upload is not None:
        article = _only(ingest.read_bytes(job.upload, name=job.upload_name or "upload.txt", settings=job.settings), job.upload_name or "the file")
    elif job.text is not None:
        article = ingest.from_text(job.text, settings=job.settings)
    elif job.url is not None:
        if not ingest.web.is_url(job.url):  # never a path on the server's disk
            raise errors.UnsupportedInput(f"{job.url} is not an http(s) URL")
        article = _only(ingest.read(job.url, settings=job.settings, public_only=job.public_only), job.url)
    else:
        raise errors.UsageError("give the article's text, a file or a URL")
    article = ingest.with_metadata(article, **meta)
    return analyze_article(article, settings=job.settings)


def _only(items, origin: str):
    loaded = list(items)
    if len(loaded) != 1:
        raise errors.UsageError(f"{origin} holds {len(loaded)} articles; the server analyses one at a time")
    if loaded[0].error is not None:
        raise loaded[0].error
    return loaded[0].article
