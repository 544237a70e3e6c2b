"""Corpus runs: add sources to a store, analyse what is pending with local processes, report status.

`add_sources` reads with `ingest` and keeps each article once; `analyze_store` maps
`worker.analyze_batch` over pending articles and commits batch by batch; `analyze_items`
is the store-less batch runner the single-article CLI uses.
"""

from .add import AddCounts, add_sources
from .analyze import Progress, analyze_store, default_workers
from .run import Outcome, analyze_items
from .worker import analysis_version, analyze_batch

__all__ = [
    "AddCounts",
    "Outcome",
    "Progress",
    "add_sources",
    "analysis_version",
    "analyze_batch",
    "analyze_items",
    "analyze_store",
    "default_workers",
]
