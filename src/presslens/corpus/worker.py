"""The worker side of a corpus run: pending articles in, compact results out.

`analyze_batch` is a plain function of picklable values (no store, no open files), so the
local process pool maps it, and a cluster scheduler can map the very same function.
The pipeline loads once per process (cached) and the parse of each batch is freed after it.
"""

from __future__ import annotations

import hashlib
from contextlib import nullcontext
from functools import lru_cache
from importlib import resources
from typing import Sequence

from .. import __version__, errors, ingest
from ..config import Settings
from ..errors import PresslensError
from ..model import Article
from ..store.db import AnalysisResult, PendingArticle
from .run import analyze_items


@lru_cache(maxsize=1)
def analysis_version() -> str:
    """``<presslens version>+<8 hex digits of the shipped lexicons and models>``.

    A rerun with changed word lists or retrained weights gets a new version even when
    the package version did not move, so old and new rows stay distinguishable.
    """
    digest = hashlib.sha256()
    root = resources.files("presslens") / "resources"
    for sub in ("lexicons", "models"):
        for name, entry in sorted(_files(root / sub, sub)):
            digest.update(name.encode())
            digest.update(entry.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:8]}"


def _files(folder, name: str):
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _files(entry, f"{name}/{entry.name}")
        elif entry.is_file() and not entry.name.startswith("."):
            yield f"{name}/{entry.name}", entry


def _article(rec: PendingArticle, settings: Settings) -> Article:
    art = ingest.from_text(rec.text, title=rec.title, published=rec.published, source=rec.source, url=rec.url, settings=settings)
    return art.model_copy(update={"author": rec.author, "origin": rec.origin or rec.external_id})


def analyze_batch(records: Sequence[PendingArticle], settings: Settings | None = None) -> list[AnalysisResult]:
    """Analyse pending articles; one result per record, in order: analysis JSON or a coded error."""
    settings = settings or Settings()
    version = analysis_version()
    items: list[ingest.Loaded] = []
    for rec in records:
        origin = rec.origin or rec.external_id or str(rec.id)
        try:
            items.append(ingest.Loaded(origin=origin, article=_article(rec, settings)))
        except PresslensError as exc:
            items.append(ingest.Loaded(origin=origin, error=exc))
    out: list[AnalysisResult] = []
    with _memory_zone():
        for rec, outcome in zip(records, analyze_items(items, settings=settings, batch_size=max(1, len(items)))):
            if outcome.analysis is not None:
                out.append(AnalysisResult(rec.id, outcome.analysis.model_dump_json(), version=version))
            else:
                err = outcome.error or errors.InternalError("no analysis came back")
                out.append(AnalysisResult(rec.id, None, err.code, err.message, version))
    return out


def _memory_zone():
    """spaCy's memory zone: strings and lexemes a batch adds are dropped after it (flat RSS)."""
    from .. import nlp

    model = nlp.load()
    zone = getattr(model, "memory_zone", None)
    return zone() if zone is not None else nullcontext()
