"""A bounded pool of analysis workers with a bounded queue.

At most ``workers`` analyses run at once and at most ``queue`` more wait; beyond that a request
is refused at once with 503 (`ServerBusy`) instead of piling up. A request that waits longer than
the answer timeout gets a 503 too, while its analysis finishes in the background and still counts
against the bound, so a slow input cannot make the server take more work than it can hold.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import logging
import multiprocessing
from typing import Callable

from .. import errors
from . import jobs

log = logging.getLogger("presslens.web")


class AnalysisPool:
    def __init__(self, workers: int, queue: int, *, kind: str = "process", runner: Callable = jobs.run, warm: bool = True):
        self.workers, self.queue, self.kind = workers, queue, kind
        self.runner = runner
        self.warm = warm
        self.in_flight = 0
        self.done = 0
        self.ready = 0
        self._executor: cf.Executor | None = None

    # ------------------------------------------------------------------ life cycle

    def start(self) -> None:
        self._executor = self._new_executor()
        if self.warm:
            for _ in range(self.workers):
                self._executor.submit(jobs.warm_up).add_done_callback(self._warmed)

    def _warmed(self, fut: cf.Future) -> None:
        if fut.exception() is None:
            self.ready += 1
        else:
            log.warning("a worker failed to warm up: %s", fut.exception())

    def _new_executor(self) -> cf.Executor:
        if self.kind == "thread":
            return cf.ThreadPoolExecutor(self.workers, thread_name_prefix="presslens-analysis")
        # spawn: a fresh interpreter per worker, never a fork of the server's threads
        return cf.ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    @property
    def capacity(self) -> int:
        return self.workers + self.queue

    def retry_after(self) -> int:
        """Seconds a refused client should wait: about one analysis per worker ahead of it."""
        return max(1, min(60, 1 + self.in_flight // max(1, self.workers)))

    # ------------------------------------------------------------------ work

    async def submit(self, job: jobs.Job, timeout: float) -> jobs.Outcome:
        if self.in_flight >= self.capacity:
            raise errors.ServerBusy(
                f"all {self.workers} analysis workers are busy and {self.queue} requests are waiting; try again shortly"
            )
        if self._executor is None:
            raise errors.ServerBusy("the analysis workers are not running")
        loop = asyncio.get_running_loop()
        self.in_flight += 1
        try:
            fut = loop.run_in_executor(self._executor, self.runner, job)
        except (cf.BrokenExecutor, RuntimeError):
            self.in_flight -= 1
            self._restart()
            raise errors.ServerBusy("the analysis workers were restarted; try again") from None
        fut.add_done_callback(self._finished)
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout)
        except asyncio.TimeoutError:
            raise errors.AnalysisTimedOut(f"the analysis took longer than {timeout:g} seconds") from None
        except cf.BrokenExecutor:
            self._restart()
            raise errors.ServerBusy("an analysis worker stopped unexpectedly; the workers were restarted, try again") from None

    def _finished(self, fut: asyncio.Future) -> None:
        self.in_flight -= 1
        self.done += 1
        if not fut.cancelled() and fut.exception() is not None and not isinstance(fut.exception(), cf.BrokenExecutor):
            log.error("analysis worker failed: %r", fut.exception())

    def _restart(self) -> None:
        old = self._executor
        self.ready = 0
        self.start()
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)
