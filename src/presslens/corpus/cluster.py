"""Analyse a store's pending articles on a Dask cluster; the client stays the store's one writer.

Workers run `run_batch`, which is the local pool's `worker.analyze_batch` behind a version
check, so a cluster run stores byte-for-byte the analyses a local run stores. The client
reads pending articles a batch at a time, keeps a bounded number of batches in flight
(about two per worker thread), and commits each batch's results in one transaction when it
arrives. Dask reruns the batch of a lost worker elsewhere; the client receives one result
per batch and the store's write replaces an article's rows, so every article is written once.
A batch Dask gives up on (its workers keep dying) or that runs past ``batch_timeout`` is
retried article by article, and an article that fails alone is recorded failed with its code.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from .. import errors
from ..config import Settings
from ..store.items import AnalysisResult, PendingArticle
from .dask_worker import PipelineLoader, mismatch_message, run_batch, worker_version
from .analyze import BATCH, Progress, Stop, default_workers

if TYPE_CHECKING:  # workers never import DuckDB
    from ..store.db import Store

DEFAULT_TIMEOUT = 30.0  # seconds to reach the scheduler, wait for a worker, or wait for a lost scheduler
DEFAULT_BATCH_TIMEOUT = 600.0
_POLL = 0.5


@dataclass
class ClusterProgress(Progress):
    workers: int = 0


# ---------------------------------------------------------------------- client side


@contextmanager
def connect(scheduler: str, *, workers: int | None = None, timeout: float = DEFAULT_TIMEOUT) -> Iterator:
    """A `distributed.Client` for ``scheduler`` (an address, or ``local`` for a LocalCluster)."""
    from distributed import Client, LocalCluster

    if scheduler == "local":
        n = workers or default_workers()
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True) as cluster:
            with Client(cluster, timeout=timeout) as client:
                yield client
        return
    if workers is not None:
        raise errors.UsageError("--workers applies to the local pool or --scheduler local; a cluster has its own workers")
    try:
        client = Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise errors.SchedulerUnreachable(
            f"no Dask scheduler answered at {scheduler} within {timeout:g} s ({_short(exc)})"
        ) from None
    try:
        yield client
    finally:
        _quiet_close(client)


def _quiet_close(client) -> None:
    try:
        client.close(timeout=5)
    except Exception:  # a client whose scheduler is gone may fail to close cleanly; nothing to keep
        pass


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def check_workers(client, expected: str) -> int:
    """Refuse (PL541) when a connected worker runs another presslens; returns how many are connected."""
    try:
        found = client.run(worker_version)
    except Exception as exc:  # an import error on the worker: presslens is not installed there
        raise errors.WorkerVersionMismatch(
            f"a Dask worker could not report its presslens version ({_short(exc)}); install presslens {expected} on every worker"
        ) from None
    for address, version in sorted(found.items()):
        if version != expected:
            raise errors.WorkerVersionMismatch(mismatch_message(address, version, expected))
    return len(found)


def analyze_on_cluster(
    store: Store,
    scheduler: str,
    *,
    workers: int | None = None,
    limit: int | None = None,
    retry_failed: bool = False,
    batch_size: int = BATCH,
    settings: Settings | None = None,
    stop: Stop | None = None,
    on_batch: Callable[[ClusterProgress], None] | None = None,
    output: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    batch_timeout: float = DEFAULT_BATCH_TIMEOUT,
) -> ClusterProgress:
    """Analyse pending (and with ``retry_failed``, failed) articles on the Dask cluster at ``scheduler``.

    ``timeout`` bounds the wait for the scheduler (at start and after losing it) and for a
    first worker; ``output`` is a folder both sides can reach for Parquet part files.
    """
    if limit is not None and limit < 0:
        raise errors.UsageError("--limit must be 0 or more")
    if batch_size < 1:
        raise errors.UsageError("the batch size must be at least 1")
    if timeout <= 0 or batch_timeout <= 0:
        raise errors.UsageError("timeouts must be more than 0 seconds")
    settings = settings or Settings()
    total = store.count_pending(retry_failed=retry_failed)
    progress = ClusterProgress(total=total if limit is None else min(total, limit))
    started = time.monotonic()
    with connect(scheduler, workers=workers, timeout=timeout) as client:
        run = _Run(client, store, settings, progress, stop or threading.Event(), on_batch, output, timeout, batch_timeout)
        run.start()
        run.loop(store.pending(batch_size, limit=limit, retry_failed=retry_failed))
    progress.seconds = time.monotonic() - started
    return progress


@dataclass
class _Batch:
    records: list[PendingArticle]
    single: bool
    submitted: float


class _Run:
    def __init__(self, client, store, settings, progress, stop, on_batch, output, timeout, batch_timeout):
        self.client, self.store, self.settings, self.progress = client, store, settings, progress
        self.stop, self.on_batch, self.output = stop, on_batch, output
        self.timeout, self.batch_timeout = timeout, batch_timeout
        self.expected = worker_version()
        self.keys = (f"presslens-batch-{uuid.uuid4().hex[:8]}-{n}" for n in itertools.count())
        self.inflight: dict = {}
        self.singles: deque[PendingArticle] = deque()
        self.started = time.monotonic()

    def start(self) -> None:
        try:
            self.client.wait_for_workers(1, timeout=self.timeout)
        except TimeoutError:
            raise errors.NoWorkers(
                f"the scheduler answered but no Dask worker joined within {self.timeout:g} s; start some with "
                "'dask worker ADDRESS --nthreads 1'"
            ) from None
        self.progress.workers = check_workers(self.client, self.expected)
        self.client.register_plugin(PipelineLoader())

    def submit(self, records: list[PendingArticle], single: bool) -> None:
        fut = self.client.submit(run_batch, records, self.settings, self.expected, self.output, key=next(self.keys))
        self.inflight[fut] = _Batch(records, single, time.monotonic())

    def capacity(self) -> int:
        return max(2, 2 * self.progress.workers)

    def loop(self, batches: Iterator[list[PendingArticle]]) -> None:
        exhausted = False
        try:
            while True:
                self.watch_scheduler()
                if not self.stop.is_set():
                    if self.singles:
                        if not any(b.single for b in self.inflight.values()):
                            self.submit([self.singles.popleft()], single=True)
                    while not exhausted and len(self.inflight) < self.capacity():
                        batch = next(batches, None)
                        if batch is None:
                            exhausted = True
                        else:
                            self.submit(batch, single=False)
                if not self.inflight and (self.stop.is_set() or (exhausted and not self.singles)):
                    self.progress.stopped = self.stop.is_set() and not (exhausted and not self.singles)
                    return
                self.collect()
        finally:
            if self.inflight and self._live():
                try:
                    self.client.cancel(list(self.inflight))
                except Exception:  # leaving anyway; the scheduler drops them with this client
                    pass

    def collect(self) -> None:
        """Results of the batches done within one poll (futures update from the client's own thread)."""
        deadline = time.monotonic() + _POLL
        done: list = []
        while not done and time.monotonic() < deadline:
            done = [fut for fut in self.inflight if fut.done()] if self._live() else []
            if not done:
                time.sleep(0.05)
        for fut in done:
            batch = self.inflight.pop(fut)
            if fut.status == "finished":
                self.commit(fut.result())
            elif fut.status == "error":
                self.failed(batch, fut.exception())
            elif self._live():  # cancelled under us (a scheduler that came back): send it again
                self.submit(batch.records, batch.single)
            else:  # the scheduler went away; watch_scheduler decides
                self.inflight[fut] = batch
        self.expire()

    def _live(self) -> bool:
        return self.client.status == "running"

    def failed(self, batch: _Batch, exc: BaseException) -> None:
        from distributed import KilledWorker

        if isinstance(exc, (errors.WorkerVersionMismatch, errors.PartWriteFailed)):
            raise exc
        if not batch.single:  # redo the batch one article at a time, so a second failure names its article
            self.singles.extend(batch.records)
            return
        if isinstance(exc, KilledWorker):
            err: errors.PresslensError = errors.WorkerCrashed(
                "every Dask worker that analysed this article died (out of memory or killed)"
            )
        elif isinstance(exc, errors.PresslensError):
            err = exc
        else:
            err = errors.InternalError(f"internal error on a Dask worker: {type(exc).__name__}: {_short(exc)}")
        self.commit([AnalysisResult(batch.records[0].id, None, err.code, err.message, self.expected)])

    def expire(self) -> None:
        """A batch past its time: give up on it (its worker is restarted) and retry its articles alone."""
        now = time.monotonic()
        late = [(fut, b) for fut, b in self.inflight.items() if now - b.submitted > self.batch_timeout]
        if not late:
            return
        self._restart_workers_of([fut.key for fut, _ in late])
        for fut, batch in late:
            del self.inflight[fut]
            fut.cancel()
            if batch.single:
                err = errors.ArticleTimedOut(f"analysing this article took more than {self.batch_timeout:g} s on a Dask worker")
                self.commit([AnalysisResult(batch.records[0].id, None, err.code, err.message, self.expected)])
            else:
                self.singles.extend(batch.records)

    def _restart_workers_of(self, keys: list[str]) -> None:
        # A Python thread stuck in a parse cannot be stopped, only its process.
        try:
            busy = self.client.processing()
            stuck = [addr for addr, held in busy.items() if any(k in held for k in keys)]
            if stuck:
                self.client.restart_workers(stuck, timeout=self.timeout, raise_for_error=False)
        except Exception:  # best effort: without a nanny the worker stays busy, but the run goes on
            pass

    def watch_scheduler(self) -> None:
        if self._live():
            self.progress.workers = self._workers()
            return
        lost_at = time.monotonic()
        while not self._live():
            if self.client.status in ("closing", "closed") or time.monotonic() - lost_at > self.timeout:
                raise errors.SchedulerLost(
                    f"the Dask scheduler went away and did not come back within {self.timeout:g} s; "
                    f"the {self.progress.done} articles committed in this run are kept; run again (against a new "
                    "scheduler) to continue"
                )
            time.sleep(_POLL)
        # Back (a scheduler restarted at the same address): Dask dropped our futures; send their batches again.
        again = list(self.inflight.values())
        self.inflight.clear()
        for batch in again:
            self.submit(batch.records, batch.single)

    def _workers(self) -> int:
        try:
            return len(self.client.scheduler_info(n_workers=-1).get("workers", {}))
        except Exception:
            return self.progress.workers

    def commit(self, results: list[AnalysisResult]) -> None:
        if self.output is None:
            self.store.write_results(results)
        else:
            write_statuses(self.store, results)
        self.progress.done += len(results)
        self.progress.failed += sum(1 for r in results if r.error_code is not None)
        self.progress.seconds = time.monotonic() - self.started
        if self.on_batch is not None:
            self.on_batch(self.progress)


def write_statuses(store: Store, results: Sequence[AnalysisResult]) -> None:
    """With --output the findings live in the part files; the store keeps each article's status."""
    if not results:
        return
    import datetime as _dt

    now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    with store.transaction() as con:
        con.executemany(
            "UPDATE articles SET status = ?, error_code = ?, error_message = ?, analysis_version = ?, analysed = ?"
            " WHERE id = ?",
            [
                ["analysed" if r.error_code is None else "failed", r.error_code, r.error_message, r.version, now, r.article_id]
                for r in results
            ],
        )
