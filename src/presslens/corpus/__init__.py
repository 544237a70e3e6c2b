"""Corpus runs: add sources to a store, analyse what is pending with local processes, report status.

`add_sources` reads with `ingest` and keeps each article once; `analyze_store` maps
`worker.analyze_batch` over pending articles and commits batch by batch; `analyze_items`
is the store-less batch runner the single-article CLI uses. The store side (and DuckDB)
loads only when used, so a worker importing `analyze_batch` stays small.
"""

from .run import Outcome, analyze_items
from .worker import analysis_version, analyze_batch

_LAZY = {
    "AddCounts": "add",
    "add_sources": "add",
    "Progress": "analyze",
    "analyze_store": "analyze",
    "default_workers": "analyze",
}

__all__ = ["Outcome", "analysis_version", "analyze_batch", "analyze_items", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
