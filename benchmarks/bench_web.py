"""Latency and throughput of `presslens serve` under concurrent POST /api/analyze.

    python benchmarks/bench_web.py [--n 60] [--concurrency 4] [--workers 2] [--json]

Starts a real server (uvicorn, process workers) on 127.0.0.1 and a free port, sends the example
articles (cycled up to --n) from --concurrency client threads while a health probe runs, and
prints p50/p95 latency of analyses and of /api/health, and analyses per second, also as a
ratio to presslens.analyze run serially in this process on the same texts (the machine's speed
at that moment: on a shared machine the absolute figures move with its load). Records; never
fails on a figure. The rate limit is raised out of the way: this measures the workers.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.conftest import fire, running_server  # noqa: E402  (the same server fixture as the tests)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _serial_rate(texts: list[str]) -> float:
    """Articles per second of presslens.analyze in this process, one after another (the baseline)."""
    import time

    from presslens import analyze

    analyze(texts[0])
    t0 = time.perf_counter()
    for text in texts * 2:
        analyze(text)
    return 2 * len(texts) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    bodies = [{"text": t} for t in islice(cycle(texts), args.n)]
    with running_server("--workers", str(args.workers), "--queue", str(args.n), "--rate-limit", "100000") as base:
        fire(base, bodies[: args.workers * 2], concurrency=args.workers)  # warm every worker
        run = fire(base, bodies, concurrency=args.concurrency)
    serial = _serial_rate(texts)
    ok = [a["seconds"] for a in run["answers"] if a["status"] == 200]
    result = {
        "requests": args.n, "concurrency": args.concurrency, "workers": args.workers,
        "ok": len(ok), "other": sorted({a["status"] for a in run["answers"]} - {200}),
        "words_per_article": round(statistics.mean(len(t.split()) for t in texts)),
        "latency_p50_s": round(_pct(ok, 0.5), 3), "latency_p95_s": round(_pct(ok, 0.95), 3),
        "throughput_per_s": round(len(ok) / run["seconds"], 2),
        "serial_in_process_per_s": round(serial, 2),
        "throughput_vs_serial": round(len(ok) / run["seconds"] / serial, 2),
        "health_p50_ms": round(1000 * _pct(run["health"], 0.5), 1), "health_p95_ms": round(1000 * _pct(run["health"], 0.95), 1),
        "health_max_ms": round(1000 * max(run["health"], default=float("nan")), 1),
        "machine": f"{platform.machine()}, {platform.python_version()}",
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        print(f"{key:>18}: {value}")


if __name__ == "__main__":
    main()
