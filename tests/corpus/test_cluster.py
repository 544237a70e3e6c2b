"""Cluster runs against a real `dask scheduler` and real `dask worker` processes on 127.0.0.1.

Every process a test starts runs in its own process group and is killed (SIGKILL to the
group) by the fixture's finaliser, pass or fail.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from presslens import errors
from presslens.corpus import analyze_store
from presslens.corpus.cluster import analyze_on_cluster
from presslens.store import NewArticle, open_store

BIN = Path(sys.executable).parent
PRESSLENS = [sys.executable, "-c", "from presslens.cli.main import main; main()"]

NAMES = ["Ms. Okafor", "Mr. Lind", "Dr. Tanaka", "Senator Moreau", "Mayor Jones", "Chief Alvarez"]
PLACES = ["Lagos", "Oslo", "Osaka", "Lyon", "Leeds", "Quito"]
VERBS = ["said", "told reporters", "warned", "insisted", "claimed"]
OPENERS = [
    "The council voted {a} to {b} on Monday to close the northern depot.",
    "About {n} people marched through {place} on Saturday, organisers said.",
    "The ministry will cut {n} jobs by March, according to a leaked memo.",
    "Prices in {place} rose {a} percent last month, the statistics office said.",
    "Protesters blocked the bridge in {place} for {a} hours on Friday.",
]
QUOTES = [
    "This is a disgrace and everyone knows it",
    "We have done nothing wrong",
    "The numbers speak for themselves",
    "Nobody asked the families what they wanted",
    "It is a betrayal of the people of {place}",
]


def article(i: int) -> str:
    """Short varied news-like texts, distinct for every i."""
    place = PLACES[i % len(PLACES)]
    opener = OPENERS[i % len(OPENERS)].format(a=i % 7 + 2, b=i % 3 + 1, n=(i + 1) * 37, place=place)
    quote = QUOTES[(i // 2) % len(QUOTES)].format(place=place)
    name, verb = NAMES[(i // 3) % len(NAMES)], VERBS[i % len(VERBS)]
    tail = "" if i % 4 else f" Police in {place} said {i * 3 + 5} people were arrested."
    return f"Report {i}\n\n{opener} \"{quote},\" {name} {verb}.{tail}"


def fill(path: Path, n: int) -> None:
    with open_store(path, create=True) as store:
        store.add_batch([
            NewArticle(f"art-{i}", article(i), source=f"outlet{i % 3}.example", published=f"2024-0{i % 3 + 1}-1{i % 9}")
            for i in range(n)
        ])


def analyses(path: Path) -> dict[str, str]:
    with open_store(path, read_only=True) as store:
        return dict(store.query("SELECT external_id, analysis FROM analyses"))


class Cluster:
    """A scheduler and workers as subprocesses, each in its own process group."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.procs: list[subprocess.Popen] = []
        self.workers: dict[str, subprocess.Popen] = {}
        self.scheduler: subprocess.Popen | None = None
        self.address = ""
        self.n = 0

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen:
        with open(self.tmp / log, "ab") as out:
            proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=self.tmp)
        self.procs.append(proc)
        return proc

    def start_scheduler(self) -> str:
        self.n += 1
        info = self.tmp / f"scheduler-{self.n}.json"
        self.scheduler = self._spawn(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(info)],
            f"scheduler-{self.n}.log",
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if info.exists():
                try:
                    self.address = json.loads(info.read_text())["address"]
                    return self.address
                except (ValueError, KeyError):
                    pass
            assert self.scheduler.poll() is None, (self.tmp / f"scheduler-{self.n}.log").read_text()
            time.sleep(0.1)
        raise AssertionError("the scheduler did not start")

    def start_worker(self, name: str, *extra: str) -> subprocess.Popen:
        proc = self._spawn(
            [str(BIN / "dask"), "worker", self.address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard",
             "--name", name, *extra],
            f"worker-{name}.log",
        )
        self.workers[name] = proc
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def stop(self) -> None:
        for proc in self.procs:
            self.kill(proc)


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path)
    try:
        yield c
    finally:
        c.stop()


def monitor(address: str, workers: int):
    from distributed import Client

    client = Client(address, timeout=60, set_as_default=False)
    client.wait_for_workers(workers, timeout=120)
    return client


def test_cluster_worker_killed_mid_run_every_article_once_and_equal_to_a_local_run(cluster, tmp_path):
    n = 200
    local, dist = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    fill(local, n)
    fill(dist, n)
    with open_store(local) as store:
        analyze_store(store, workers=0)
    address = cluster.start_scheduler()
    cluster.start_worker("w0")
    victim = cluster.start_worker("w1")
    watch = monitor(address, 2)

    def executing(dask_worker) -> tuple[int, int]:  # nested, so it is shipped by value, not imported
        return dask_worker.state.executed_count, len(dask_worker.state.executing)

    try:
        names = {info["name"]: addr for addr, info in watch.scheduler_info(n_workers=-1)["workers"].items()}
        run = subprocess.Popen(
            [*PRESSLENS, "corpus", "analyze", "--db", str(dist), "--scheduler", address, "--batch-size", "3"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )
        cluster.procs.append(run)
        killed = False
        deadline = time.monotonic() + 240
        while run.poll() is None and time.monotonic() < deadline:
            states = watch.run(executing, workers=[names["w1"]])
            done, busy = states.get(names["w1"], (0, 0))
            if done >= 3 and busy:
                cluster.kill(victim)
                killed = True
                break
            time.sleep(0.2)
        assert killed and run.poll() is None, "the worker must die while the run is under way"
        out, err = run.communicate(timeout=240)
    finally:
        watch.close()
    assert run.returncode == 0, err
    assert f"{n} analysed, 0 failed" in out
    with open_store(dist, read_only=True) as store:
        assert store.counts()["analysed"] == n
        assert store.query("SELECT count(*), count(DISTINCT article_id) FROM analyses")[0] == (n, n)
        assert store.query("SELECT count(*) FROM quotes")[0][0] >= n
    expected, got = analyses(local), analyses(dist)
    assert len(expected) == n and got.keys() == expected.keys()
    differ = [key for key in expected if got[key] != expected[key]]
    assert not differ, f"{len(differ)} analyses differ from the local run, e.g. {differ[:3]}"


def test_cluster_scheduler_gone_stops_with_its_code_and_a_new_scheduler_continues(cluster, tmp_path):
    n = 30
    db = tmp_path / "corpus.duckdb"
    fill(db, n)
    address = cluster.start_scheduler()
    first = cluster.start_worker("a0")
    monitor(address, 1).close()
    committed: list[int] = []

    def on_batch(progress) -> None:
        committed.append(progress.done)
        if len(committed) == 1:
            cluster.kill(cluster.scheduler)

    started = time.monotonic()
    with open_store(db) as store:
        with pytest.raises(errors.SchedulerLost) as lost:
            analyze_on_cluster(store, address, batch_size=2, timeout=3, on_batch=on_batch)
        assert time.monotonic() - started < 120
        counts = store.counts()
    assert lost.value.code == "PL542" and "run again" in lost.value.message
    assert counts["analysed"] == committed[-1] > 0 and counts["pending"] == n - committed[-1]
    cluster.kill(first)
    address = cluster.start_scheduler()
    cluster.start_worker("b0")
    with open_store(db) as store:
        progress = analyze_on_cluster(store, address, batch_size=4, timeout=60)
        assert progress.done == n - committed[-1] and progress.failed == 0
        assert store.counts()["analysed"] == n
        assert store.query("SELECT count(*), count(DISTINCT article_id) FROM analyses")[0] == (n, n)


def test_cluster_unreachable_scheduler_is_a_coded_error(tmp_path):
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = tmp_path / "corpus.duckdb"
    fill(db, 2)
    with open_store(db) as store:
        with pytest.raises(errors.SchedulerUnreachable) as exc:
            analyze_on_cluster(store, f"tcp://127.0.0.1:{port}", timeout=1)
    assert exc.value.code == "PL540" and f"127.0.0.1:{port}" in exc.value.message


def test_cluster_worker_with_another_version_is_refused_naming_both(cluster, tmp_path):
    from presslens.corpus.cluster import worker_version

    fake = tmp_path / "other_presslens.py"
    fake.write_text(textwrap.dedent("""
        import presslens.corpus.worker as worker
        worker.__version__ = "0.0.0-other"
        worker.analysis_version.cache_clear()
    """))
    db = tmp_path / "corpus.duckdb"
    fill(db, 4)
    address = cluster.start_scheduler()
    cluster.start_worker("old", "--preload", str(fake))
    run = subprocess.run(
        [*PRESSLENS, "corpus", "analyze", "--db", str(db), "--scheduler", address, "--scheduler-timeout", "60"],
        capture_output=True, text=True, timeout=180,
    )
    assert run.returncode == errors.WorkerVersionMismatch.exit_code, run.stderr
    assert "PL541" in run.stderr and "Traceback" not in run.stderr
    message = " ".join(run.stderr.split())
    assert "0.0.0-other+" in message and worker_version() in message
    with open_store(db, read_only=True) as store:
        assert store.counts()["pending"] == 4


def test_cluster_article_that_kills_its_worker_is_failed_with_its_code_and_the_run_goes_on(cluster, tmp_path):
    crasher = tmp_path / "crash_on_marker.py"
    crasher.write_text(textwrap.dedent("""
        import os
        import presslens.corpus.worker as worker

        real = getattr(worker, "unpatched_analyze_batch", worker.analyze_batch)  # preloads may run twice
        worker.unpatched_analyze_batch = real

        def analyze_batch(records, settings=None):
            if any("CRASH-HERE" in r.text for r in records):
                os._exit(1)  # as an out-of-memory kill would
            return real(records, settings)

        worker.analyze_batch = analyze_batch
    """))
    db = tmp_path / "corpus.duckdb"
    with open_store(db, create=True) as store:
        store.add_batch([NewArticle(f"art-{i}", article(i) + (" CRASH-HERE" if i == 1 else "")) for i in range(4)])
    os.environ["DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES"] = "0"  # give up after one death, not three
    try:
        address = cluster.start_scheduler()
    finally:
        del os.environ["DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES"]
    cluster.start_worker("fragile", "--preload", str(crasher))
    monitor(address, 1).close()
    with open_store(db) as store:
        progress = analyze_on_cluster(store, address, batch_size=2, timeout=120)
        assert (progress.done, progress.failed) == (4, 1)
        rows = dict(store.query("SELECT external_id, coalesce(error_code, status) FROM articles"))
        assert rows == {"art-0": "analysed", "art-1": "PL520", "art-2": "analysed", "art-3": "analysed"}
        assert store.query("SELECT count(*), count(DISTINCT article_id) FROM analyses")[0] == (3, 3)
