"""Add sources to a store: every article read by `ingest`, kept once, in batches of one transaction.

A bad item is recorded (table ``rejected``) with its coded error and the run goes on; a
source that fails as a whole (missing path, corrupt archive) is recorded the same way, after
whatever it yielded before failing has been kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

from .. import ingest
from ..config import Settings
from ..errors import PresslensError, W_DATE_KEPT
from ..ingest import meta
from ..store.db import NewArticle, Rejection, Store

BATCH = 200
_KEEP_WARNINGS = 20


@dataclass
class AddCounts:
    added: int = 0
    duplicate: int = 0
    known: int = 0  # already in the store under the same id (adding a source again adds nothing)
    failed: int = 0
    skipped: int = 0  # archive records that are not HTML pages with HTTP 200
    warnings: list[str] = field(default_factory=list)  # the first few; ``warned`` counts them all
    warned: int = 0
    read: int = 0  # items read so far, stored or not yet committed


def to_new_article(item: ingest.Loaded) -> NewArticle:
    """What the store keeps of a read article: outlet from the record or page, else the URL's domain."""
    art = item.article
    assert art is not None
    return NewArticle(
        external_id=item.external_id or item.origin,
        text=art.text,
        title=art.title,
        url=art.url,
        source=art.source or meta.registered_domain(art.url),
        author=art.author,
        published=art.published,
        published_raw=item.published_raw or art.published,
        origin=item.origin,
    )


def add_sources(
    store: Store,
    sources: Iterable[str],
    *,
    settings: Settings | None = None,
    options: ingest.ReadOptions | None = None,
    batch_size: int = BATCH,
    on_item: Callable[[AddCounts], None] | None = None,
) -> AddCounts:
    """Read every source and add its articles; returns the counts (also passed to ``on_item``)."""
    settings = settings or Settings()
    counts = AddCounts()

    def skipped(why: str) -> None:
        counts.skipped += 1

    options = replace(options or ingest.ReadOptions(lenient_dates=True), on_skip=skipped)
    batch: list[NewArticle | Rejection] = []

    def flush() -> None:
        for outcome in store.add_batch(batch):
            if outcome == "rejected":
                counts.failed += 1
            else:
                setattr(counts, outcome, getattr(counts, outcome) + 1)
        batch.clear()
        if on_item is not None:
            on_item(counts)

    def keep(entry: NewArticle | Rejection) -> None:
        batch.append(entry)
        counts.read += 1
        if len(batch) >= batch_size:
            flush()
        elif on_item is not None:
            on_item(counts)

    for source in sources:
        try:
            for item in ingest.read(source, settings=settings, options=options):
                if item.error is not None:
                    keep(Rejection(item.external_id or item.origin, item.error.code, item.error.message, item.origin))
                    continue
                for warning in item.article.warnings:
                    if warning.startswith(W_DATE_KEPT):
                        counts.warned += 1
                        if len(counts.warnings) < _KEEP_WARNINGS:
                            counts.warnings.append(warning)
                keep(to_new_article(item))
        except PresslensError as exc:
            keep(Rejection(source, exc.code, exc.message, source))
    if batch:
        flush()
    return counts
