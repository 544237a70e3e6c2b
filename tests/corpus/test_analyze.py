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

from presslens.config import Settings
from presslens.corpus import analyze_batch, analyze_store
from presslens.store import NewArticle, PendingArticle, open_store, schema

PRESSLENS = [sys.executable, "-c", "from presslens.cli.main import main; main()"]
NAMES = ["Smith", "Jones", "Okafor", "Lind", "Moreau", "Tanaka"]


def _article(i: int) -> str:
    name = NAMES[i % len(NAMES)]
    return (
        f"Report {i}: council vote\n\n"
        f'The council voted {i + 3} to 2 on Monday. "This plan is a disgrace," said Mr. {name}, who leads the opposition. '
        f"Police said about {i * 10 + 20} people protested outside the hall on Friday."
    )


def _store(path: Path, n: int) -> None:
    with open_store(path, create=True) as store:
        store.add_batch([NewArticle(f"art-{i}", _article(i), source=f"Outlet {i % 3}") for i in range(n)])


def _assert_exactly_once(path: Path, n: int) -> None:
    with open_store(path, read_only=True) as store:
        not_analysed = store.query("SELECT external_id, status, error_code, error_message FROM articles WHERE status <> 'analysed'")
        assert store.counts()["analysed"] == n, not_analysed
        assert store.query("SELECT count(*), count(DISTINCT article_id) FROM analyses")[0] == (n, n)
        for (art_id,) in store.query("SELECT id FROM articles"):
            analysis = store.analysis(art_id)
            expected = {
                "quotes": len(analysis.quotes), "entities": len(analysis.entities), "events": len(analysis.events),
                "quantities": len(analysis.quantities), "techniques": len(analysis.techniques),
                "checks": len(analysis.checks), "voices": len(analysis.sourcing.voices),
            }
            for table in schema.FINDING_TABLES:
                got = store.query(f"SELECT count(*), count(DISTINCT n) FROM {table} WHERE article_id = ?", [art_id])[0]
                assert got == (expected[table], expected[table]), (table, art_id)
        assert store.query("SELECT count(*) FROM quotes")[0][0] >= n  # every article quotes someone


def test_analyze_batch_gives_json_or_a_coded_error_per_record():
    recs = [PendingArticle(1, "a", _article(1)), PendingArticle(2, "b", "x" * 300)]
    out = analyze_batch(recs, Settings(max_bytes=200))
    assert [r.article_id for r in out] == [1, 2]
    assert out[0].analysis_json is not None and json.loads(out[0].analysis_json)["document"]["text"] == _article(1)
    assert out[1].analysis_json is None and out[1].error_code == "PL104"
    assert out[0].version == out[1].version and out[0].version.startswith("0.")


def test_analyze_store_in_process_then_retry_failed(tmp_path):
    path = tmp_path / "c.duckdb"
    _store(path, 3)
    with open_store(path) as store:
        store.add_batch([NewArticle("big", "A long one. " * 40)])
        done = analyze_store(store, workers=0, batch_size=2, settings=Settings(max_bytes=400))
        assert (done.done, done.failed) == (4, 1)
        assert store.query("SELECT external_id, error_code FROM articles WHERE status = 'failed'") == [("big", "PL104")]
        assert analyze_store(store, workers=0).done == 0  # nothing pending
        again = analyze_store(store, workers=0, retry_failed=True)
        assert (again.done, again.failed) == (1, 0)
    _assert_exactly_once(path, 4)


def test_analyze_store_stops_when_asked(tmp_path):
    path = tmp_path / "c.duckdb"
    _store(path, 4)

    class StopAfterFirst:
        calls = 0

        def is_set(self) -> bool:
            self.calls += 1
            return self.calls > 1

    with open_store(path) as store:
        done = analyze_store(store, workers=0, batch_size=2, stop=StopAfterFirst())
        assert done.stopped and done.done == 2
        assert store.count_pending() == 2


def _wal_changes(wal: Path, last: tuple | None) -> tuple | None:
    try:
        st = wal.stat()
    except FileNotFoundError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _session_gone(sid: int, within: float = 60.0) -> bool:
    """Orphaned workers notice their parent is gone (once they finish loading) and exit."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not subprocess.run(["pgrep", "-s", str(sid)], capture_output=True, text=True).stdout.split():
            return True
        time.sleep(0.2)
    return False


def test_analyze_killed_at_several_points_ends_with_every_article_once(tmp_path):
    """SIGKILL the analysing process before its first commit, right after commits, and mid-run; rerun."""
    path = tmp_path / "c.duckdb"
    n = 24
    _store(path, n)
    wal = Path(str(path) + ".wal")
    cmd = [*PRESSLENS, "corpus", "analyze", "--db", str(path), "--workers", "1", "--batch-size", "2"]
    env = {**os.environ, "PRESSLENS_STRICT": "1"}
    # (commits to wait for, extra seconds before the kill)
    plan = [(0, 0.5), (1, 0.0), (2, 0.15), (1, 0.4)]
    for commits, delay in plan:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            seen, last = 0, _wal_changes(wal, None)
            deadline = time.monotonic() + 120
            while seen < commits and proc.poll() is None and time.monotonic() < deadline:
                now = _wal_changes(wal, last)
                if now != last and now is not None:
                    seen += 1
                    last = now
                time.sleep(0.02)
            time.sleep(delay)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            assert _session_gone(proc.pid), "a worker outlived its killed parent"
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    with open_store(path, read_only=True) as store:
        assert store.counts()["pending"] > 0  # the kills did interrupt the run
    final = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, start_new_session=True)
    assert final.returncode == 0, final.stderr
    _assert_exactly_once(path, n)


def test_analyze_killed_inside_a_transaction_loses_nothing(tmp_path):
    """A kill after the old rows were deleted and some new ones inserted, before COMMIT."""
    path = tmp_path / "c.duckdb"
    _store(path, 2)
    with open_store(path) as store:
        analyze_store(store, workers=0, limit=1)
        before = {t: store.query(f"SELECT count(*) FROM {t}")[0][0] for t in schema.RESULT_TABLES}
    script = textwrap.dedent(f"""
        import os, signal
        from presslens.store import db, open_store
        from presslens.corpus import analyze_batch
        real, calls = db._insert, []
        def dying(con, table, rows):
            calls.append(table)
            real(con, table, rows)
            if len(calls) == 3:
                os.kill(os.getpid(), signal.SIGKILL)
        db._insert = dying
        store = open_store({str(path)!r})
        recs = [a for b in store.pending(retry_failed=True) for a in b]
        recs += [a for (i,) in store.query("SELECT id FROM articles WHERE status = 'analysed'")
                 for a in [db.PendingArticle(i, None, store.query("SELECT text FROM articles WHERE id = ?", [i])[0][0])]]
        store.write_results(analyze_batch(recs))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with open_store(path) as store:
        assert {t: store.query(f"SELECT count(*) FROM {t}")[0][0] for t in schema.RESULT_TABLES} == before
        assert store.counts()["pending"] == 1
        analyze_store(store, workers=0)
    _assert_exactly_once(path, 2)


def _wait_for_commits(proc: subprocess.Popen, wal: Path, commits: int, within: float = 300) -> None:
    seen, last = 0, _wal_changes(wal, None)
    deadline = time.monotonic() + within
    while seen < commits and proc.poll() is None and time.monotonic() < deadline:
        now = _wal_changes(wal, last)
        if now != last and now is not None:
            seen, last = seen + 1, now
        time.sleep(0.02)
    assert seen >= commits, "the run committed nothing"


def test_analyze_ctrl_c_stops_after_the_batches_in_hand(tmp_path):
    path = tmp_path / "c.duckdb"
    n = 30
    _store(path, n)
    cmd = [*PRESSLENS, "corpus", "analyze", "--db", str(path), "--workers", "1", "--batch-size", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_for_commits(proc, Path(str(path) + ".wal"), 1)
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 130, err
        assert "Traceback" not in err and "stopping after the batches in hand" in err
        assert "pending" in out
        assert _session_gone(proc.pid)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    with open_store(path) as store:
        counts = store.counts()
        assert counts["analysed"] + counts["pending"] == n and 0 < counts["analysed"] < n
        analyze_store(store, workers=0)
    _assert_exactly_once(path, n)


def test_analyze_worker_killed_mid_run_is_replaced_and_its_batch_redone(tmp_path):
    import psutil

    path = tmp_path / "c.duckdb"
    n = 16
    _store(path, n)
    cmd = [*PRESSLENS, "corpus", "analyze", "--db", str(path), "--workers", "1", "--batch-size", "4"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_for_commits(proc, Path(str(path) + ".wal"), 1)
        workers = [
            p for p in psutil.Process(proc.pid).children(recursive=True) if "resource_tracker" not in " ".join(p.cmdline())
        ]
        assert len(workers) == 1
        workers[0].kill()  # as the out-of-memory killer would
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        assert out.startswith(f"{n} analysed, 0 failed") or "0 failed" in out, out
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    _assert_exactly_once(path, n)
