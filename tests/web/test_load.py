"""Load: 200 POST /api/analyze at concurrency 8 against a real server on 127.0.0.1. Every answer
is an analysis or a 429/503 with Retry-After, never another error, and /api/health keeps answering."""

from __future__ import annotations

import httpx
import pytest

from presslens.model import Analysis

from .conftest import fire, running_server

REQUESTS = 200
CONCURRENCY = 8
TEXT = "Officials said on {day} that {n} people joined the march in Marlow Bay, police said."
DAYS = ("Monday", "Tuesday", "Friday")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # one worker, a short queue and a rate limit below the offered load: all three answers occur;
    # a store, so that kept analyses are written while others are read and analysed
    db = tmp_path_factory.mktemp("load") / "load.duckdb"
    with running_server("--workers", "1", "--queue", "4", "--rate-limit", "1200", "--db", str(db)) as base:
        yield base


def test_load_200_requests_at_concurrency_8(server):
    bodies = [{"text": TEXT.format(day=DAYS[i % 3], n=100 + i), "source": f"Outlet {i % 5}"} for i in range(REQUESTS)]
    run = fire(server, bodies, concurrency=CONCURRENCY, timeout=60, store_every=4)
    answers = run["answers"]
    assert len(answers) == REQUESTS
    statuses = {a["status"] for a in answers}
    assert statuses <= {200, 201, 429, 503}, statuses
    ok = [a for a in answers if a["status"] in (200, 201)]
    kept = [a for a in ok if a["stored"]]
    assert all(a["status"] == 201 and a["location"].startswith("/articles/") for a in kept)
    assert all(a["status"] == 200 for a in ok if not a["stored"])
    after = httpx.post(server + "/api/analyze?store=true", json={"text": TEXT.format(day="Sunday", n=7)}, timeout=60)
    assert after.status_code == 201  # once the flood is over, the server takes work again
    listed = httpx.get(server + "/api/articles", params={"limit": 500}, timeout=30).json()["items"]
    assert {f"/articles/{r['id']}" for r in listed} == {a["location"] for a in kept} | {after.headers["location"]}
    assert len(ok) >= CONCURRENCY  # the server did real work, not only refusals
    for a in ok:
        analysis = Analysis.model_validate_json(a["body"])
        assert analysis.document.text.startswith("Officials said on")
    for a in answers:
        if a["status"] not in (200, 201):
            assert a["retry_after"] and int(a["retry_after"]) >= 1
    # health answered throughout, each within a second (generous: it never waits for the pool)
    assert len(run["health"]) >= 3
    assert max(run["health"]) < 1.0, sorted(run["health"])[-5:]
