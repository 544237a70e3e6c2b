"""Corpus analysis on Dask against the local process pool and bare spaCy, as ratios.

    python benchmarks/bench_cluster.py [--n 40] [--batch-size 4] [--json]

Real processes on 127.0.0.1: a `dask scheduler` and 1, then 2, `dask worker --nthreads 1`
(started, warmed up with the pipeline loaded, then timed), the local process pool of
`corpus analyze` with 1 and 2 workers, and bare spaCy parsing in this process. Each run gets a
fresh copy of one store. Rates are "steady": articles committed after the first batch, over the
time from the first commit to the last, so process start-up and model loading (paid once per
worker, not per article) are left out; the end-to-end rate is printed too.
Overhead per batch: the round trip of a no-op task carrying one batch of articles to a worker
and its answer back. Memory: resident set of each Dask worker process after its run.
It records and prints; it never fails on a missed target.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analyze import load_texts  # noqa: E402

BIN = Path(sys.executable).parent
TARGET = 0.85  # 2 Dask workers against the local 2-process pool


def make_store(path: Path, texts: list[str]) -> None:
    from presslens.store import NewArticle, open_store

    seen: dict[str, int] = {}
    items = []
    for i, text in enumerate(texts):
        copy = seen.get(text, 0)
        seen[text] = copy + 1
        body = text if copy == 0 else f"{text}\n\n(Reprint {copy}.)"  # a cycled text must not be linked as a copy
        items.append(NewArticle(f"bench-{i}", body, source=f"outlet{i % 4}.example", published="2024-05-01"))
    with open_store(path, create=True) as store:
        store.add_batch(items)


class Timer:
    """on_batch callback: when each batch was committed, for the steady rate."""

    def __init__(self) -> None:
        self.marks: list[tuple[float, int]] = []

    def __call__(self, progress) -> None:
        self.marks.append((time.perf_counter(), progress.done))

    def steady(self) -> float:
        if len(self.marks) < 2:
            return float("nan")
        (t0, d0), (t1, d1) = self.marks[0], self.marks[-1]
        return (d1 - d0) / (t1 - t0)


def run_local(store_file: Path, workers: int, batch_size: int) -> dict:
    from presslens.corpus import analyze_store
    from presslens.store import open_store

    timer = Timer()
    started = time.perf_counter()
    with open_store(store_file) as store:
        progress = analyze_store(store, workers=workers, batch_size=batch_size, on_batch=timer)
    total = time.perf_counter() - started
    return {"steady": timer.steady(), "end_to_end": progress.done / total, "failed": progress.failed}


class DaskProcs:
    def __init__(self, tmp: Path):
        self.tmp, self.procs, self.workers = tmp, [], []

    def spawn(self, args: list[str]) -> subprocess.Popen:
        log = open(self.tmp / f"proc-{len(self.procs)}.log", "wb")
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.procs.append(proc)
        return proc

    def scheduler(self) -> str:
        info = self.tmp / f"scheduler-{len(self.procs)}-{time.monotonic_ns()}.json"
        self.spawn([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                    "--scheduler-file", str(info)])
        for _ in range(600):
            if info.exists():
                try:
                    return json.loads(info.read_text())["address"]
                except (ValueError, KeyError):
                    pass
            time.sleep(0.1)
        raise SystemExit("the scheduler did not start")

    def worker(self, address: str, name: str) -> None:
        self.workers.append(self.spawn([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                                        "--no-dashboard", "--name", name]))

    def stop(self) -> None:
        for proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


def _warm() -> int:
    from presslens import nlp

    nlp.load()
    return os.getpid()


def _noop(records, settings, expected, output=None) -> list:
    return [len(r.text) for r in records]


def run_dask(tmp: Path, store_file: Path, workers: int, batch_size: int) -> dict:
    import psutil
    from distributed import Client

    from presslens.corpus.cluster import analyze_on_cluster, worker_version
    from presslens.config import Settings
    from presslens.store import open_store

    procs = DaskProcs(tmp)
    try:
        address = procs.scheduler()
        for n in range(workers):
            procs.worker(address, f"bench-{n}")
        with Client(address, timeout=120, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=300)
            pids = client.run(_warm)  # every worker holds the pipeline before the clock starts
            with open_store(store_file, read_only=True) as store:
                batch = next(store.pending(batch_size))
            client.submit(_noop, batch, Settings(), "", pure=False).result()
            trips = []
            for _ in range(20):
                started = time.perf_counter()
                client.submit(_noop, batch, Settings(), worker_version(), pure=False).result()
                trips.append(time.perf_counter() - started)
        timer = Timer()
        started = time.perf_counter()
        with open_store(store_file) as store:
            progress = analyze_on_cluster(store, address, batch_size=batch_size, on_batch=timer, timeout=120)
        total = time.perf_counter() - started
        rss = [psutil.Process(pid).memory_info().rss / 2**20 for pid in pids.values()]
    finally:
        procs.stop()
    trips.sort()
    return {
        "steady": timer.steady(), "end_to_end": progress.done / total, "failed": progress.failed,
        "batch_round_trip_ms": 1000 * trips[len(trips) // 2], "worker_rss_mb": [round(r) for r in rss],
    }


def run_bare(texts: list[str]) -> float:
    from presslens import nlp

    bare = nlp.load_bare()
    list(bare.pipe(texts[:4]))
    started = time.perf_counter()
    for _ in bare.pipe(texts):
        pass
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    texts, source = load_texts(args.n)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as folder:
        tmp = Path(folder)
        master = tmp / "master.duckdb"
        make_store(master, texts)

        def fresh(name: str) -> Path:
            path = tmp / f"{name}.duckdb"
            shutil.copy(master, path)
            return path

        res = {"bare": run_bare(texts)}
        for name, run in (
            ("local_1", lambda: run_local(fresh("l1"), 1, args.batch_size)),
            ("local_2", lambda: run_local(fresh("l2"), 2, args.batch_size)),
            ("dask_1", lambda: run_dask(tmp, fresh("d1"), 1, args.batch_size)),
            ("dask_2", lambda: run_dask(tmp, fresh("d2"), 2, args.batch_size)),
        ):
            res[name] = run()
            print(f"{name}: {res[name]} (load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)
    bare = res["bare"]
    out = {
        "articles": len(texts), "characters": sum(map(len, texts)), "source": source, "batch_size": args.batch_size,
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}",
        "load_average_at_start": [round(x, 1) for x in load], "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        "bare_spacy_per_s": round(bare, 2),
        "runs": res,
        "ratios": {
            "dask_2 / local_2": res["dask_2"]["steady"] / res["local_2"]["steady"],
            "dask_1 / local_1": res["dask_1"]["steady"] / res["local_1"]["steady"],
            "dask_2 / dask_1": res["dask_2"]["steady"] / res["dask_1"]["steady"],
            "local_2 / bare": res["local_2"]["steady"] / bare,
            "dask_1 / bare": res["dask_1"]["steady"] / bare,
            "dask_2 / bare": res["dask_2"]["steady"] / bare,
        },
        "target": f"dask_2 / local_2 >= {TARGET}",
    }
    out["ratios"] = {k: round(v, 3) for k, v in out["ratios"].items()}
    if args.json:
        print(json.dumps(out, indent=2, default=str))
        return
    print(f"{out['articles']} articles ({out['characters']:,} characters) from {source}; batch {args.batch_size}; "
          f"load average {out['load_average_at_start']} -> {out['load_average_at_end']}")
    print(f"bare spaCy, one process: {bare:.2f} articles/s")
    for name in ("local_1", "local_2", "dask_1", "dask_2"):
        r = res[name]
        extra = ""
        if "batch_round_trip_ms" in r:
            extra = f"; batch round trip {r['batch_round_trip_ms']:.1f} ms; worker RSS {r['worker_rss_mb']} MB"
        print(f"{name:8} steady {r['steady']:.2f}/s, end to end {r['end_to_end']:.2f}/s, failed {r['failed']}{extra}")
    for k, v in out["ratios"].items():
        print(f"{k:18} {v:.3f}")
    print(out["target"])


if __name__ == "__main__":
    main()
