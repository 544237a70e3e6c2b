"""The worker side of a cluster run: what a Dask worker imports (never DuckDB, never the client's loop).

`run_batch` is the local pool's `worker.analyze_batch` behind a version check, so a cluster
run stores byte-for-byte the analyses a local run stores.
"""

from __future__ import annotations

import asyncio
from typing import Sequence

from distributed.diagnostics.plugin import WorkerPlugin

from .. import errors
from ..config import Settings
from ..store.items import AnalysisResult, PendingArticle
from . import worker as _worker


def worker_version() -> str:
    """What a worker must share with the client: presslens's version and the shipped data's hash."""
    return _worker.analysis_version()


class PipelineLoader(WorkerPlugin):
    """Dask worker plugin: load the pipeline once when a worker starts, off its event loop."""

    name = "presslens-pipeline"

    async def setup(self, worker) -> None:
        from .. import nlp

        await asyncio.get_running_loop().run_in_executor(None, nlp.load)

    def teardown(self, worker) -> None:
        pass


def run_batch(
    records: Sequence[PendingArticle], settings: Settings, expected: str, output: str | None = None
) -> list[AnalysisResult]:
    """The task a worker runs: refuse on a version mismatch, else analyse (and write parts).

    With ``output`` the analysis JSON goes into Parquet part files and only statuses come back.
    """
    found = worker_version()
    if found != expected:
        raise errors.WorkerVersionMismatch(mismatch_message(_worker_name(), found, expected))
    results = _worker.analyze_batch(records, settings)
    if output is None:
        return results
    from .dask_parquet import write_parts

    write_parts(output, records, results)
    return [AnalysisResult(r.article_id, None, r.error_code, r.error_message, r.version) for r in results]


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "a worker"


def mismatch_message(where: str, found: str, expected: str) -> str:
    return (
        f"the Dask worker at {where} runs presslens {found}, this client runs presslens {expected}; "
        "install the same presslens on every worker (same version, same word lists and models)"
    )
