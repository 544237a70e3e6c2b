"""The corpus side at size: adding, analysing with 1 and 2 workers, store size, and stats on 100,000 articles.

    python benchmarks/bench_corpus.py [--n 2000] [--workers 1,2] [--stats-n 100000] [--json]
    python benchmarks/bench_corpus.py --skip-analysis          # only the synthetic stats timings

Part 1 (needs ../shared/data; skipped without it): N articles from PTC's training articles and
PolNeAR's train texts (outlet and date from PolNeAR's file names), repeated with a numbered last
line when N is larger than what is there (so each copy is a distinct text, not a linked duplicate),
written to a JSONL file in a temporary folder (never into the repository) and added with
`corpus.add_sources`; then analysed from a copy of that store with each worker count. Reported:
add rate, analyse rate (overall, and steady: after each worker's first batch, which carries
the pipeline load), scaling efficiency rate(2) / (2 x rate(1)), store size per 1,000 articles,
and the peak RSS (VmHWM) of every worker process.

Part 2 (no data needed): a store of --stats-n synthetic articles whose finding rows are generated
by DuckDB itself (INSERT ... SELECT FROM range()), then every `corpus stats` grouping, the
dashboard's own queries and a full-text query are timed (best of --repeat).

It records and prints; it never fails on a missed target.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from itertools import cycle, islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
PTC = SHARED / "ptc-train" / "articles"
POLNEAR = SHARED / "polnear" / "train" / "text"  # the train split only (dev/test are never read here)

TARGET_EFFICIENCY = 0.85
TARGET_STATS_S = 1.0
TARGET_WORKER_MB = 500.0


# ---------------------------------------------------------------------- part 1: add and analyse


def corpus_records(n: int) -> list[dict[str, Any]]:
    """N records (id, title, text, source, published); copies beyond the data get a numbered last line."""
    base: list[dict[str, Any]] = []
    for path in sorted(POLNEAR.glob("*.txt")) if POLNEAR.is_dir() else []:
        outlet, day, *_ = path.stem.split("_") + ["", ""]
        base.append({"source": outlet, "published": day or None, "path": path})
    for path in sorted(PTC.glob("*.txt")) if PTC.is_dir() else []:
        base.append({"source": "ptc", "published": None, "path": path})
    out = []
    for i, rec in enumerate(islice(cycle(base), n)):
        text = rec["path"].read_text(encoding="utf-8", errors="replace")
        copy = i // len(base)
        if copy:
            text = f"{text.rstrip()}\n\nBenchmark copy {copy}."
        title = next((line.strip() for line in text.splitlines() if line.strip()), None)
        out.append({"id": f"bench-{i}", "title": title, "text": text, "source": rec["source"], "published": rec["published"]})
    return out


class RssWatch:
    """Samples the peak RSS (VmHWM) of this process's children while a run goes on."""

    def __init__(self, every: float = 0.5):
        self.every = every
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "RssWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            for child in me.children(recursive=True):
                mb = _vmhwm_mb(child.pid)
                if mb is not None:
                    self.peaks[child.pid] = max(mb, self.peaks.get(child.pid, 0.0))
            self._stop.wait(self.every)


def _vmhwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6


def bench_analysis(n: int, workers_list: list[int], batch_size: int, tmp: Path) -> dict[str, Any]:
    from presslens.corpus import add_sources, analyze_store
    from presslens.store import open_store

    records = corpus_records(n)
    source = tmp / "corpus.jsonl"
    with open(source, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    chars = sum(len(r["text"]) for r in records)
    added_path = tmp / "added.duckdb"
    with open_store(added_path, create=True) as store:
        t0 = time.perf_counter()
        counts = add_sources(store, [str(source)])
        add_s = time.perf_counter() - t0
        store.con.execute("CHECKPOINT")
    out: dict[str, Any] = {
        "articles": n, "characters": chars, "added": counts.added, "duplicate": counts.duplicate,
        "failed_to_add": counts.failed, "add_seconds": add_s, "add_rate": counts.added / add_s,
        "store_mb_per_1000_added": _size_mb(added_path) / n * 1000, "runs": {},
    }
    for workers in workers_list:
        path = tmp / f"analysed-{workers}.duckdb"
        shutil.copy(added_path, path)
        commits: list[tuple[float, int]] = []
        with open_store(path) as store, RssWatch() as watch:
            t0 = time.perf_counter()
            result = analyze_store(store, workers=workers, batch_size=batch_size,
                                   on_batch=lambda p: commits.append((time.perf_counter() - t0, p.done)))
            store.con.execute("CHECKPOINT")
        # Steady rate: from the commit that ends the first batch of every worker to the last commit.
        k = min(len(commits) - 1, max(0, workers - 1))
        steady = (commits[-1][1] - commits[k][1]) / (commits[-1][0] - commits[k][0]) if len(commits) > k + 1 else None
        peaks = sorted(watch.peaks.values(), reverse=True)[:workers]
        out["runs"][workers] = {
            "seconds": result.seconds, "done": result.done, "failed": result.failed,
            "rate": result.done / result.seconds if result.seconds else 0.0, "steady_rate": steady,
            "worker_peak_rss_mb": peaks, "store_mb_per_1000": _size_mb(path) / n * 1000,
        }
    runs = out["runs"]
    if 1 in runs and 2 in runs:
        out["efficiency"] = runs[2]["rate"] / (2 * runs[1]["rate"])
        if runs[1]["steady_rate"] and runs[2]["steady_rate"]:
            out["steady_efficiency"] = runs[2]["steady_rate"] / (2 * runs[1]["steady_rate"])
    return out


# ---------------------------------------------------------------------- part 2: stats on synthetic rows

_OUTLETS = 50
_FAMILY_LABELS = ("Loaded_Language", "Doubt", "Name_Calling,Labeling", "Flag-Waving", "Slogans", "Repetition",
                  "Appeal_to_Authority", "Exaggeration,Minimisation")
_EVENTS = ("PROTEST", "ACCUSE", "CONSULT", "ASSAULT", "SUPPORT", "REQUEST")
_CHECKS = ("quantity_conflict", "date_conflict", "unattributed_claim")


def make_synthetic_store(path: Path, n: int) -> dict[str, float]:
    """A store of n analysed articles with generated finding rows; returns seconds per table."""
    from presslens.store import open_store

    timings: dict[str, float] = {}
    labels = "[" + ", ".join(f"'{x}'" for x in _FAMILY_LABELS) + "]"
    events = "[" + ", ".join(f"'{x}'" for x in _EVENTS) + "]"
    checks = "[" + ", ".join(f"'{x}'" for x in _CHECKS) + "]"
    head = "a.id, a.external_id, 'synthetic'"
    statements = {
        "articles": (
            "INSERT INTO articles (id, external_id, source, title, published, words, content_hash, added, status,"
            " analysis_version, analysed, text) SELECT i + 1, 'syn-' || i, 'outlet-' || (hash(i) % ?),"
            " 'Title ' || i, DATE '2024-01-01' + CAST(hash(i * 7) % 730 AS INTEGER), 300 + CAST(hash(i * 3) % 1200 AS INTEGER),"
            " md5(i::VARCHAR), now(), 'analysed', 'synthetic', now(),"
            " 'Article ' || i || ' on harbour policy, council votes and the budget of year ' || (i % 30)"
            " FROM range(?) t(i)",
            [_OUTLETS, n],
        ),
        "analyses": (
            f"INSERT INTO analyses SELECT {head}, (hash(a.id) % 100) / 100.0, hash(a.id * 5) % 3 = 0, NULL, [], now(), '{{}}'"
            " FROM articles a", []),
        "quotes": (
            f"INSERT INTO quotes SELECT {head}, q, 'Q' || q, 'direct', 10 * q, 10 * q + 8, 'quote text',"
            " 'Speaker ' || (hash(a.id * 7 + q) % 400), 0, 5, NULL, 'Speaker ' || (hash(a.id * 7 + q) % 400), 'person',"
            " 'said', 9, 13, 'speech' FROM articles a, range(5) r(q)", []),
        "voices": (
            f"INSERT INTO voices SELECT {head}, v, 'Speaker ' || (hash(a.id * 11 + v) % 400), NULL, 'person', NULL,"
            " 1 + v, 20, 'neutral', ['Q' || v], 0, 5, 'Speaker', 2 FROM articles a, range(3) r(v)", []),
        "entities": (
            f"INSERT INTO entities SELECT {head}, e, 'E' || e, 'Entity ' || (hash(a.id * 13 + e) % 2000), 'PERSON', NULL,"
            " [], [], 0, 5, 'Entity', 1 + e % 3, [[0, 5]] FROM articles a, range(8) r(e)", []),
        "events": (
            f"INSERT INTO events SELECT {head}, v, 'V' || v, {events}[1 + (hash(a.id * 17 + v) % 6)::BIGINT], 0, 5, 'march',"
            " [], [], NULL, NULL, NULL, NULL, NULL, NULL FROM articles a, range(3) r(v)", []),
        "techniques": (
            f"INSERT INTO techniques SELECT {head}, t, {labels}[1 + (hash(a.id * 19 + t) % 8)::BIGINT], 0, 5, 'words', 0.8, 'rule',"
            " CASE WHEN hash(a.id * 23 + t) % 4 = 0 THEN NULL ELSE 'Q1' END, 'x' FROM articles a, range(6) r(t)", []),
        "checks": (
            f"INSERT INTO checks SELECT {head}, 0, {checks}[1 + (hash(a.id) % 3)::BIGINT], 'warning', 'm', 0, 5, 'words', [[0, 5]]"
            " FROM articles a", []),
    }
    with open_store(path, create=True) as store:
        for table, (sql, params) in statements.items():
            t0 = time.perf_counter()
            with store.transaction() as con:
                con.execute(sql, params)
            timings[table] = time.perf_counter() - t0
        store.con.execute("CHECKPOINT")
    return timings


def bench_stats(n: int, repeat: int, tmp: Path, search: bool) -> dict[str, Any]:
    from presslens.corpus.report import corpus_report, dense_articles
    from presslens.corpus.search import build_index
    from presslens.corpus.search import search as run_search
    from presslens.corpus.stats import corpus_stats
    from presslens.store import open_store

    path = tmp / "synthetic.duckdb"
    t0 = time.perf_counter()
    per_table = make_synthetic_store(path, n)
    out: dict[str, Any] = {"articles": n, "build_seconds": time.perf_counter() - t0, "build_per_table": per_table,
                           "store_mb": _size_mb(path), "queries": {}}
    with open_store(path) as store:
        out["rows"] = {t: store.query(f"SELECT count(*) FROM {t}")[0][0] for t in per_table}
        cases: dict[str, Any] = {
            f"stats --by {by}": (lambda by=by: corpus_stats(store, by)) for by in ("source", "day", "week", "month", "source,month")
        }
        cases["stats --by source --from 2025-01-01 --to 2025-03-31"] = lambda: corpus_stats(
            store, "source", date_from="2025-01-01", date_to="2025-03-31")
        cases["stats --by month --source outlet-7"] = lambda: corpus_stats(store, "month", sources=["outlet-7"])
        cases["report: densest own-words articles"] = lambda: dense_articles(store.con)
        cases["report: whole page"] = lambda: corpus_report(store)
        for name, fn in cases.items():
            best = float("inf")
            for _ in range(repeat):
                t0 = time.perf_counter()
                found = fn()
                best = min(best, time.perf_counter() - t0)
            out["queries"][name] = {"seconds": best, "rows": len(found) if isinstance(found, list) else None}
        if search:
            t0 = time.perf_counter()
            build_index(store)
            out["search_index_seconds"] = time.perf_counter() - t0
            best = float("inf")
            for _ in range(repeat):
                t0 = time.perf_counter()
                run_search(store, "harbour budget", 20)
                best = min(best, time.perf_counter() - t0)
            out["queries"]["search 'harbour budget' (top 20)"] = {"seconds": best, "rows": 20}
    return out


# ---------------------------------------------------------------------- report


def _print(result: dict[str, Any]) -> None:
    print(f"machine: {result['machine']}")
    a = result.get("analysis")
    if a is None:
        print(f"part 1 skipped: {result.get('analysis_skipped')}")
    else:
        print(f"\ncorpus: {a['articles']} articles, {a['characters']:,} characters; added {a['added']} "
              f"(duplicate {a['duplicate']}, failed {a['failed_to_add']})")
        print(f"add: {a['add_rate']:.1f} articles/s ({a['add_seconds']:.1f} s); store {a['store_mb_per_1000_added']:.1f} MB per 1,000 articles (texts only)")
        for w, r in a["runs"].items():
            steady = f"{r['steady_rate']:.2f}" if r["steady_rate"] else "-"
            rss = ", ".join(f"{m:.0f}" for m in r["worker_peak_rss_mb"]) or "-"
            print(f"analyse, {w} worker{'s' if w != 1 else ''}: {r['rate']:.2f} articles/s overall, {steady} steady "
                  f"({r['done']} in {r['seconds']:.1f} s, {r['failed']} failed); peak RSS per worker {rss} MB "
                  f"(target <= {TARGET_WORKER_MB:.0f}); store {r['store_mb_per_1000']:.1f} MB per 1,000 analysed articles")
        if "efficiency" in a:
            steady = f", steady {a['steady_efficiency']:.2f}" if "steady_efficiency" in a else ""
            print(f"scaling efficiency rate(2) / (2 x rate(1)): {a['efficiency']:.2f}{steady} (target >= {TARGET_EFFICIENCY})")
    s = result.get("stats")
    if s:
        print(f"\nsynthetic store: {s['articles']:,} articles, built in {s['build_seconds']:.1f} s, {s['store_mb']:.0f} MB; rows: "
              + ", ".join(f"{t} {c:,}" for t, c in s["rows"].items()))
        for name, q in s["queries"].items():
            mark = "" if q["seconds"] < TARGET_STATS_S or not name.startswith("stats") else "  (over the 1 s target)"
            print(f"  {name:<55} {q['seconds']:7.3f} s{mark}")
        if "search_index_seconds" in s:
            print(f"  search index build over {s['articles']:,} articles: {s['search_index_seconds']:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="articles to add and analyse (default 2000)")
    ap.add_argument("--workers", default="1,2", help="worker counts to analyse with (default 1,2)")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--stats-n", type=int, default=100_000, help="synthetic articles for the stats timings (0 skips)")
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs per stats query")
    ap.add_argument("--skip-analysis", action="store_true", help="only the synthetic stats timings")
    ap.add_argument("--no-search", action="store_true", help="skip the full-text index and query timing")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    result: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
                   f"load average {os.getloadavg()[0]:.1f} at start",
    }
    with tempfile.TemporaryDirectory(prefix="presslens-bench-") as tmpdir:
        tmp = Path(tmpdir)
        if args.skip_analysis:
            result["analysis_skipped"] = "--skip-analysis"
        elif not (PTC.is_dir() or POLNEAR.is_dir()):
            result["analysis_skipped"] = f"no {SHARED} (PTC / PolNeAR texts)"
        else:
            workers = [int(w) for w in args.workers.split(",") if w.strip()]
            result["analysis"] = bench_analysis(args.n, workers, args.batch_size, tmp)
        if args.stats_n > 0:
            result["stats"] = bench_stats(args.stats_n, args.repeat, tmp, not args.no_search)
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        _print(result)


if __name__ == "__main__":
    main()
