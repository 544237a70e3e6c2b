"""What goes into and comes out of the store, as plain picklable values (no DuckDB needed to use them).

Workers import only this module, so they never load DuckDB.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass


@dataclass(frozen=True)
class NewArticle:
    """An article to add; ``published`` is an ISO date or None, ``published_raw`` what the source said."""

    external_id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published: str | None = None
    published_raw: str | None = None
    origin: str | None = None


@dataclass(frozen=True)
class Rejection:
    """An item that could not be added, with its coded error."""

    external_id: str
    error_code: str
    error_message: str
    origin: str | None = None


@dataclass(frozen=True)
class PendingArticle:
    """A stored article waiting for analysis: everything a worker needs, nothing else."""

    id: int
    external_id: str | None
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published: str | None = None
    origin: str | None = None


@dataclass(frozen=True)
class AnalysisResult:
    """A worker's answer for one article: the analysis JSON, or the coded error that stopped it."""

    article_id: int
    analysis_json: str | None
    error_code: str | None = None
    error_message: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class ErrorRow:
    when: _dt.datetime | None
    article_id: int | None
    external_id: str | None
    error_code: str
    error_message: str | None
