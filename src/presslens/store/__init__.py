"""The corpus store: one DuckDB file holding articles, their analyses and one table per finding type.

>>> from presslens.store import open_store
>>> with open_store("presslens.duckdb") as store:
...     store.counts()

The schema lives in `schema.py` (versioned, migrated forward on open); `db.py` opens,
adds, hands out pending articles, writes results in transactions and counts.
"""

from .db import (
    DEFAULT_PATH,
    AnalysisResult,
    ErrorRow,
    NewArticle,
    PendingArticle,
    Rejection,
    Store,
    content_hash,
    default_path,
    open_store,
)
from .schema import FINDING_TABLES, RESULT_TABLES, SCHEMA_VERSION

__all__ = [
    "DEFAULT_PATH",
    "FINDING_TABLES",
    "RESULT_TABLES",
    "SCHEMA_VERSION",
    "AnalysisResult",
    "ErrorRow",
    "NewArticle",
    "PendingArticle",
    "Rejection",
    "Store",
    "content_hash",
    "default_path",
    "open_store",
]
