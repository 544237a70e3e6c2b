"""Analyse a store's pending articles with local worker processes; the caller is the one writer.

Workers run `worker.analyze_batch` (pipeline loaded once per process); the parent reads
pending articles a batch at a time, hands batches out, and commits each batch's results
in one transaction as it comes back. A run killed at any moment leaves every article
either committed (analysed/failed, with its full row set) or still pending, so the next
run continues where this one stopped, and nothing is counted twice.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Callable, Iterator, Protocol

from .. import errors
from ..config import Settings
from ..store.db import AnalysisResult, PendingArticle, Store
from .worker import analyze_batch

BATCH = 8


class Stop(Protocol):
    def is_set(self) -> bool: ...


@dataclass
class Progress:
    total: int
    done: int = 0
    failed: int = 0
    stopped: bool = False
    seconds: float = 0.0


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def analyze_store(
    store: Store,
    *,
    workers: int | None = None,
    limit: int | None = None,
    retry_failed: bool = False,
    batch_size: int = BATCH,
    settings: Settings | None = None,
    stop: Stop | None = None,
    on_batch: Callable[[Progress], None] | None = None,
) -> Progress:
    """Analyse pending (and with ``retry_failed``, failed) articles; ``workers=0`` runs in this process.

    ``stop`` (e.g. a `threading.Event` set on Ctrl-C) ends the run after the batches in hand.
    """
    if limit is not None and limit < 0:
        raise errors.UsageError("--limit must be 0 or more")
    if batch_size < 1:
        raise errors.UsageError("the batch size must be at least 1")
    settings = settings or Settings()
    workers = default_workers() if workers is None else workers
    if workers < 0:
        raise errors.UsageError("--workers must be 0 or more")
    total = store.count_pending(retry_failed=retry_failed)
    progress = Progress(total=total if limit is None else min(total, limit))
    stop = stop or threading.Event()
    started = time.monotonic()
    batches = store.pending(batch_size, limit=limit, retry_failed=retry_failed)

    def commit(results: list[AnalysisResult]) -> None:
        store.write_results(results)
        progress.done += len(results)
        progress.failed += sum(1 for r in results if r.analysis_json is None)
        progress.seconds = time.monotonic() - started
        if on_batch is not None:
            on_batch(progress)

    if workers == 0:
        for batch in batches:
            if stop.is_set():
                progress.stopped = True
                break
            commit(analyze_batch(batch, settings))
    else:
        progress.stopped = _pooled(batches, workers, settings, stop, commit)
    progress.seconds = time.monotonic() - started
    return progress


def _pooled(
    batches: Iterator[list[PendingArticle]],
    workers: int,
    settings: Settings,
    stop: Stop,
    commit: Callable[[list[AnalysisResult]], None],
) -> bool:
    """Keep ``workers`` batches in flight (one more queued); True when stopped early."""
    pool = _pool(workers, settings)
    inflight: dict[Future, list[PendingArticle]] = {}
    singles: deque[PendingArticle] = deque()  # articles of a batch whose worker died, retried one by one
    retrying: Future | None = None
    exhausted = False
    try:
        while True:
            if not stop.is_set():
                if singles:
                    if not inflight:  # one at a time, so a second death names its article
                        one = [singles.popleft()]
                        retrying = pool.submit(analyze_batch, one, settings)
                        inflight[retrying] = one
                else:
                    while not exhausted and len(inflight) < workers + 1:
                        batch = next(batches, None)
                        if batch is None:
                            exhausted = True
                        else:
                            inflight[pool.submit(analyze_batch, batch, settings)] = batch
            if not inflight:
                return stop.is_set()
            done, _ = wait(inflight, timeout=0.5, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                batch = inflight.pop(fut)
                try:
                    results = fut.result()
                except BrokenProcessPool:
                    broken = True
                    if fut is retrying:
                        commit([_crashed(batch[0])])
                    else:
                        singles.extend(batch)
                    continue
                commit(results)
            if broken:
                for batch in inflight.values():  # the whole pool is gone, and their work with it
                    singles.extend(batch)
                inflight.clear()
                _terminate(pool)
                pool = _pool(workers, settings)
    finally:
        _terminate(pool)


def _crashed(rec: PendingArticle) -> AnalysisResult:
    err = errors.WorkerCrashed("the analysing process died on this article (out of memory or killed)")
    return AnalysisResult(rec.id, None, err.code, err.message, None)


def _pool(workers: int, settings: Settings) -> ProcessPoolExecutor:
    # spawn, not fork: the parent holds DuckDB's threads and open files.
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(os.getpid(),),
    )


def _terminate(pool: ProcessPoolExecutor) -> None:
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        if proc.is_alive():
            proc.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(parent: int) -> None:
    """Ctrl-C is the parent's to handle; a worker whose parent died (kill -9) exits too."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(0)
            time.sleep(1.0)

    threading.Thread(target=watch, name="presslens-parent-watch", daemon=True).start()
    from .. import nlp

    nlp.load()
