"""The corpus store behind the web app: one connection, used from one thread.

DuckDB lets one process write a file, and one connection must not be used by two threads at
once; every store call therefore runs on a single dedicated thread, in order, off the event loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
from typing import Any, Callable

from ..model import Analysis

# The external id of a pasted text: its content hash (so pasting it again finds the same article).
PASTED = "web:"


class StoreGate:
    def __init__(self, path: str):
        self.path = path
        self._executor: cf.ThreadPoolExecutor | None = None
        self._store = None

    def start(self) -> None:
        from ..store import open_store

        self._executor = cf.ThreadPoolExecutor(1, thread_name_prefix="presslens-store")
        self._store = self._executor.submit(open_store, self.path, create=True).result()

    def close(self) -> None:
        if self._executor is not None:
            if self._store is not None:
                self._executor.submit(self._store.close).result()
            self._executor.shutdown(wait=True)
            self._executor, self._store = None, None

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(store, *args)`` on the store's thread."""
        assert self._executor is not None, "the store is not open"
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, self._store, *args)


def save(store, analysis_json: str, external_id: str | None) -> int:
    """Keep an analysis made by the server; the id of its article (the same text keeps its id).

    An article already analysed keeps its stored analysis: the link to it stays what it was.
    """
    from ..corpus import analysis_version
    from ..store import AnalysisResult, NewArticle, content_hash

    doc = Analysis.model_validate_json(analysis_json).document
    digest = content_hash(doc.text)
    store.add_batch([NewArticle(
        external_id=external_id or PASTED + digest[:16], text=doc.text, title=doc.title, url=doc.url,
        source=doc.source, author=doc.author, published=doc.published, origin="presslens serve",
    )])
    article_id, status = store.query(
        "SELECT a.id, a.status FROM external_ids x JOIN articles a ON a.id = x.article_id"
        " WHERE x.content_hash = ? AND NOT x.duplicate ORDER BY a.id LIMIT 1",
        [digest],
    )[0]
    if status != "analysed":
        store.write_results([AnalysisResult(article_id, analysis_json, version=analysis_version())])
    return int(article_id)
