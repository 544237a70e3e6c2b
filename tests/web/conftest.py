"""Fixtures for the web tests: apps in-process (thread workers), a real uvicorn in a subprocess,
and the hostile analyses of the report tests (loaded from tests/render/conftest.py by path:
conftest modules cannot be imported by name under importlib mode)."""

from __future__ import annotations

import contextlib
from html.parser import HTMLParser
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from presslens.web import ServeConfig
from presslens.web.app import create_app
from presslens.web.pool import AnalysisPool

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ARTICLE = (
    "Harbour council backs ferry plan\n\n"
    "MARLOW BAY — The harbour council voted on Tuesday to add two ferries to the island route, "
    "a plan that will cost about 4.5 million dollars.\n\n"
    "“We have waited twelve years for this,” said council chair Dana Okafor. “The island deserves better.”\n\n"
    "Residents' group Save the Quay warned that some 300 parking spaces would be lost.\n"
)


def _render_fixtures():
    spec = importlib.util.spec_from_file_location("_presslens_render_fixtures", ROOT / "tests" / "render" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def render_fixtures():
    return _render_fixtures()


def make_client(config: ServeConfig | None = None, *, runner=None, warm: bool = False, **pool_kw):
    """A TestClient on 127.0.0.1 (the Host the loopback server answers to), thread workers."""
    from fastapi.testclient import TestClient

    config = config or ServeConfig(pool="thread")
    kw = {"runner": runner} if runner is not None else {}
    pool = AnalysisPool(pool_kw.pop("workers", config.workers), pool_kw.pop("queue", config.queue), kind="thread", warm=warm, **kw)
    return TestClient(create_app(config, pool=pool), base_url="http://127.0.0.1", raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client():
    """The real library behind thread workers; one per test module (loading spaCy once)."""
    with make_client(ServeConfig(pool="thread", rate_per_minute=10_000, rate_burst=1000)) as c:
        yield c


# --------------------------------------------------------------------------- a real server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(*args: str, env: dict[str, str] | None = None, ready_s: float = 120.0):
    """`presslens serve` in a subprocess on 127.0.0.1 and a free port; stopped in a finally."""
    port = free_port()
    cmd = [sys.executable, "-c", "from presslens.cli.main import main; main()", "serve", "--port", str(port), *args]
    log = open(os.devnull, "w")  # noqa: SIM115
    # its own session, so the server's analysis workers go with it whatever happens to the test
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"presslens serve exited with {proc.returncode}")
            try:
                health = httpx.get(base + "/api/health", timeout=2).json()
                if health["workers_ready"] >= health["workers"]:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("presslens serve did not get ready in time")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # any worker the server left behind
        except ProcessLookupError:
            pass
        log.close()


# --------------------------------------------------------------------------- hostile markup

# Every element the app's pages and the report use; hostile text must never add another.
PAGE_TAGS = {
    "html", "head", "meta", "link", "title", "style", "body", "header", "h1", "h2", "h3", "p", "div",
    "fieldset", "legend", "label", "input", "span", "main", "article", "aside", "section", "ul", "li",
    "a", "em", "strong", "table", "thead", "tbody", "tr", "th", "td", "br", "footer", "script",
    "button", "details", "summary", "ol", "nav", "form", "textarea", "code", "pre", "select", "option",
    "svg", "g", "rect", "text", "line", "title", "caption",
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag not in PAGE_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "script":
            self.scripts.append(dict(attrs))
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(("javascript:", "data:text")):
                self.problems.append(f"<{tag} {name}={value}>")


def live_markup(html: str, *, scripts: int = 0) -> list[str]:
    """What in ``html`` could run or is an element no page makes; at most ``scripts`` <script> elements
    (the report's two: its JSON data block and its own hashed code)."""
    parser = _Tags()
    parser.feed(html)
    problems = list(parser.problems)
    if len(parser.scripts) > scripts:
        problems.append(f"{len(parser.scripts)} <script> elements")
    return problems


# --------------------------------------------------------------------------- load (the load test and benchmarks/bench_web.py)


def fire(
    base: str, bodies: list[dict], *, concurrency: int, timeout: float = 120.0, health_every: float = 0.2, store_every: int = 0
) -> dict:
    """POST every body to /api/analyze from ``concurrency`` threads while another thread times
    GET /api/health; returns each answer (status, Retry-After, Location, seconds, body) and the
    health timings. With ``store_every`` = k, every k-th request asks to keep the analysis."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    answers: list[dict] = []
    health: list[float] = []
    stop = threading.Event()
    local = threading.local()

    def one(numbered: tuple[int, dict]) -> dict:
        i, body = numbered
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, timeout=timeout)
        keep = store_every > 0 and i % store_every == 0
        t0 = time.perf_counter()
        resp = local.client.post("/api/analyze" + ("?store=true" if keep else ""), json=body)
        return {"status": resp.status_code, "retry_after": resp.headers.get("retry-after"), "stored": keep,
                "location": resp.headers.get("location"), "seconds": time.perf_counter() - t0, "body": resp.content}

    def poll() -> None:
        with httpx.Client(base_url=base, timeout=timeout) as c:
            while not stop.is_set():
                t0 = time.perf_counter()
                ok = c.get("/api/health").status_code == 200
                health.append(time.perf_counter() - t0 if ok else float("inf"))
                stop.wait(health_every)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    t0 = time.perf_counter()
    try:
        with ThreadPoolExecutor(concurrency) as pool:
            answers = list(pool.map(one, enumerate(bodies)))
    finally:
        stop.set()
        poller.join(timeout)
    return {"answers": answers, "health": health, "seconds": time.perf_counter() - t0}
