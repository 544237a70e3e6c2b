"""The corpus store: one DuckDB file holding articles, their analyses and one table per finding type.

>>> from presslens.store import open_store
>>> with open_store("presslens.duckdb") as store:
...     store.counts()

The schema lives in `schema.py` (versioned, migrated forward on open); `db.py` opens,
adds, hands out pending articles, writes results in transactions and counts; `items.py`
holds the values passed in and out. DuckDB itself is imported only when `db` is used,
so analysing workers never load it.
"""

from .items import AnalysisResult, ErrorRow, NewArticle, PendingArticle, Rejection
from .schema import FINDING_TABLES, RESULT_TABLES, SCHEMA_VERSION

_FROM_DB = ("DEFAULT_PATH", "Store", "content_hash", "default_path", "open_store")

__all__ = [
    *_FROM_DB,
    "FINDING_TABLES",
    "RESULT_TABLES",
    "SCHEMA_VERSION",
    "AnalysisResult",
    "ErrorRow",
    "NewArticle",
    "PendingArticle",
    "Rejection",
]


def __getattr__(name: str):
    if name in _FROM_DB:
        from . import db

        return getattr(db, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
