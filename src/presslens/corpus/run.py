"""Analyse a stream of ingested items in batches; every item gives one `Outcome`.

A failed item (unreadable file, malformed record, even an internal error while
analysing it) becomes an outcome with its coded error, and the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from .. import analyze_articles, ingest
from ..config import Settings
from ..errors import InternalError, PresslensError
from ..model import Analysis

BATCH = 16


@dataclass
class Outcome:
    """One item's result: exactly one of ``analysis`` and ``error`` is set."""

    origin: str
    analysis: Analysis | None = None
    error: PresslensError | None = None


def analyze_items(
    items: Iterable[ingest.Loaded],
    *,
    settings: Settings | None = None,
    overrides: dict[str, str | None] | None = None,
    batch_size: int = BATCH,
) -> Iterator[Outcome]:
    """Outcomes in input order; ``overrides`` (title/published/source) apply to every article."""
    settings = settings or Settings()
    batch: list[ingest.Loaded] = []
    for item in items:
        if item.error is None and overrides:
            try:
                item = ingest.Loaded(origin=item.origin, article=ingest.with_metadata(item.article, **overrides))
            except PresslensError as exc:
                item = ingest.Loaded(origin=item.origin, error=exc)
        batch.append(item)
        if len(batch) >= batch_size:
            yield from _run_batch(batch, settings)
            batch = []
    if batch:
        yield from _run_batch(batch, settings)


def _run_batch(batch: list[ingest.Loaded], settings: Settings) -> Iterator[Outcome]:
    good = [it for it in batch if it.error is None]
    results: dict[int, Analysis | PresslensError] = {}
    try:
        for it, analysis in zip(good, analyze_articles([it.article for it in good], settings=settings)):
            results[id(it)] = analysis
    except Exception:  # one bad article must not sink the batch: redo them one by one
        for it in good:
            results[id(it)] = _analyze_one(it, settings)
    for it in batch:
        res = it.error if it.error is not None else results[id(it)]
        if isinstance(res, Analysis):
            yield Outcome(origin=it.origin, analysis=res)
        else:
            yield Outcome(origin=it.origin, error=res)


def _analyze_one(item: ingest.Loaded, settings: Settings) -> Analysis | PresslensError:
    try:
        return next(iter(analyze_articles([item.article], settings=settings)))
    except PresslensError as exc:
        return exc
    except Exception as exc:  # recorded per item; the run goes on
        return InternalError(f"internal error: {type(exc).__name__}: {exc}")
