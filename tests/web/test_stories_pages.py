"""/stories and /api/stories over a real store holding the project's own multi-outlet example set."""

from __future__ import annotations

import json

import pytest

from presslens.web import ServeConfig

from .conftest import ROOT, live_markup, make_client

STORIES = ROOT / "examples" / "stories"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("stories") / "web.duckdb"
    config = ServeConfig(pool="thread", db=str(db), rate_per_minute=10_000, rate_burst=1000)
    with make_client(config) as c:
        c.ids = {}
        for line in (STORIES / "stories.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            text = (STORIES / rec["file"]).read_text(encoding="utf-8")
            resp = c.post("/api/analyze?store=true", json={"text": text, "source": rec["source"], "published": rec["published"]})
            assert resp.status_code == 201, resp.text
            c.ids[rec["file"]] = int(resp.headers["location"].rsplit("/", 1)[1])
        yield c


def _march(client) -> dict:
    items = client.get("/api/stories", params={"min_outlets": 2}).json()["items"]
    return next(s for s in items if any(a["id"] == client.ids["wire-march.txt"] for a in s["articles"]))


def test_stories_pages_group_the_march_across_outlets(client):
    story = _march(client)
    members = {a["id"] for a in story["articles"]}
    assert {client.ids[f] for f in ("../rally-report.txt", "wire-march.txt", "reprint-march.txt")} <= members
    assert client.ids["../local-numbers.txt"] not in members
    copy = next(a for a in story["articles"] if a["id"] == client.ids["reprint-march.txt"])
    assert copy["copy_of"] == client.ids["wire-march.txt"]
    assert any(c["kind"] == "quantity_conflict" for c in story["conflicts"])


def test_stories_pages_evidence_spans_are_true(client):
    story = client.get(f"/api/stories/{_march(client)['story']}").json()
    texts = {}
    for conflict in story["conflicts"]:
        for ev in conflict["evidence"]:
            if ev["article"] not in texts:
                texts[ev["article"]] = client.get(f"/api/articles/{ev['article']}").json()["document"]["text"]
            start, end = ev["span"]
            assert texts[ev["article"]][start:end] == ev["text"]


def test_stories_pages_html_list_and_side_by_side(client):
    story = _march(client)
    page = client.get("/stories")
    assert page.status_code == 200 and f"/stories/{story['story']}" in page.text
    assert "'unsafe-inline'" not in page.headers["content-security-policy"]
    side = client.get(f"/stories/{story['story']}")
    assert side.status_code == 200 and "Meridian Wire" in side.text and "Voice of Resolve" in side.text
    assert live_markup(side.text) == []
    rows = client.get("/stories", params={"format": "csv"}).text.splitlines()
    assert rows[0].startswith("story,title,outlets") and len(rows) >= 2


def test_stories_pages_errors(client):
    missing = client.get("/api/stories/no-such-story")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "PL652"
    bad = client.get("/api/stories", params={"from": "yesterday"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "PL611"
