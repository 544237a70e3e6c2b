"""The app in-process (FastAPI's test client): every endpoint, every error status, auth, headers."""

from __future__ import annotations

import base64
import json
import threading

import pytest

from presslens import SCHEMA_VERSION
from presslens.config import Settings
from presslens.model import Analysis
from presslens.web import ServeConfig, jobs

from .conftest import ARTICLE, live_markup, make_client

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options")


def assert_error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    assert "Traceback" not in resp.text
    return body


def assert_safe_headers(resp) -> None:
    for name in SECURITY_HEADERS:
        assert name in resp.headers, name
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["x-frame-options"] == "DENY"
    assert "unsafe-inline" not in resp.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
    assert "server" not in resp.headers


# --------------------------------------------------------------------------- the real library


def test_app_analyze_returns_the_analysis_json(client):
    resp = client.post("/api/analyze", json={"text": ARTICLE, "source": "The Marlow Tide", "published": "2025-03-04"})
    assert resp.status_code == 200, resp.text
    analysis = Analysis.model_validate_json(resp.content)
    assert analysis.schema_ == SCHEMA_VERSION if hasattr(analysis, "schema_") else resp.json()["schema"] == SCHEMA_VERSION
    assert analysis.document.text == ARTICLE
    assert analysis.document.source == "The Marlow Tide" and analysis.document.published == "2025-03-04"
    assert analysis.quotes and analysis.entities
    for q in analysis.quotes:
        assert ARTICLE[q.span[0]:q.span[1]] == q.text
    assert_safe_headers(resp)


def test_app_form_answers_with_the_html_report(client):
    resp = client.post("/", data={"text": ARTICLE.replace("\n", "\r\n"), "title": "Ferry plan", "source": "Tide"})
    assert resp.status_code == 200, resp.text
    html = resp.text
    assert 'id="article"' in html and "aside" in html and "hl-quote" in html
    assert 'href="/"' in html  # the way back to the analyse page
    csp = resp.headers["content-security-policy"]
    assert "script-src 'sha256-" in csp and "unsafe" not in csp
    # the header CSP allows exactly the report's own hashed script and style
    meta = html.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0].replace("&#39;", "'")
    for part in ("script-src", "style-src"):
        assert next(p for p in meta.split("; ") if p.startswith(part)) in csp
    assert_safe_headers(resp)


def test_app_form_upload_of_each_kind(client):
    files = {
        "story.txt": (ARTICLE.encode(), "text/plain"),
        "story.html": (f"<html><head><title>Ferry plan</title></head><body><article>{''.join(f'<p>{p}</p>' for p in ARTICLE.split(chr(10)*2))}</article></body></html>".encode(), "text/html"),
        "story.json": (json.dumps({"text": ARTICLE, "title": "Ferry plan"}).encode(), "application/json"),
    }
    for name, (data, ctype) in files.items():
        resp = client.post("/", files={"file": (name, data, ctype)}, data={"source": "Tide"})
        assert resp.status_code == 200, (name, resp.text[:500])
        assert "hl-quote" in resp.text, name


def test_app_form_refuses_a_file_of_several_articles(client):
    lines = b'{"text": "One article here."}\n{"text": "Another article."}\n'
    resp = client.post("/", files={"file": ("two.jsonl", lines, "application/x-ndjson")})
    assert resp.status_code == 400 and "PL300" in resp.text and "2 articles" in resp.text


def test_app_form_refuses_an_unknown_upload_kind_on_the_form_page(client):
    for name in ("x.exe", "feed.rss", "table.csv"):
        resp = client.post("/", files={"file": (name, b"MZ\x00\x00", "application/octet-stream")})
        assert resp.status_code == 400
        assert "PL108" in resp.text and "<form" in resp.text


def test_app_form_error_keeps_the_input_escaped(client):
    hostile = '</textarea><script>alert(1)</script>'
    resp = client.post("/", data={"text": "   ", "title": hostile, "url": ""})
    assert resp.status_code == 400
    assert "PL300" in resp.text
    assert "<script>alert(1)" not in resp.text and "&lt;/textarea&gt;&lt;script&gt;" in resp.text
    assert resp.headers["content-security-policy"].startswith("default-src 'none'; style-src 'self'")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": ""}, 400, "PL102"),
        ({"text": "   \n "}, 400, "PL102"),
        ({"text": "Some text here.", "published": "2025-13-45"}, 400, "PL301"),
        ({"url": "ftp://example.org/x"}, 400, "PL108"),
        ({"url": "/etc/passwd"}, 400, "PL108"),
        ({"url": "file:///etc/passwd"}, 400, "PL108"),
        ({"url": "http://127.0.0.1:9/x"}, 400, "PL601"),
        ({}, 422, "PL604"),
        ({"text": 5}, 422, "PL604"),
        ({"text": "ok", "colour": "red"}, 422, "PL604"),
    ],
)
def test_app_analyze_bad_input_gets_a_coded_error(client, body, status, code):
    assert_error(client.post("/api/analyze", json=body), status, code)


def test_app_analyze_body_that_is_not_json_is_400(client):
    resp = client.post("/api/analyze", content=b"{not json", headers={"content-type": "application/json"})
    assert_error(resp, 400, "PL611")


def test_app_analyze_text_over_the_cap_is_413():
    config = ServeConfig(pool="thread", settings=Settings(max_bytes=1000))
    with make_client(config, runner=jobs.run) as c:
        assert_error(c.post("/api/analyze", json={"text": "word " * 300}), 413, "PL104")  # under the body cap
        big = json.dumps({"text": "x" * (config.max_body + 10)}).encode()
        resp = c.post("/api/analyze", content=big, headers={"content-type": "application/json"})
        assert_error(resp, 413, "PL603")
        assert_safe_headers(resp)


def test_app_body_over_the_cap_without_length_is_413():
    config = ServeConfig(pool="thread", settings=Settings(max_bytes=1000))

    def chunks():
        for _ in range(200):
            yield b"x" * 1000

    with make_client(config, runner=_ok) as c:
        resp = c.post("/api/analyze", content=chunks(), headers={"content-type": "application/json"})
        assert_error(resp, 413, "PL603")
        resp = c.post("/", content=chunks(), headers={"content-type": "multipart/form-data; boundary=xyz"})
        assert resp.status_code == 413


def test_app_unknown_path_and_wrong_method(client):
    assert_error(client.get("/api/nothing"), 404, "PL605")
    assert_error(client.get("/api/analyze"), 405, "PL610")
    page = client.get("/nothing", headers={"accept": "text/html"})
    assert page.status_code == 404 and "PL605" in page.text and "<html" in page.text


def test_app_health_and_docs(client):
    health = client.get("/api/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok" and health.json()["schema"] == SCHEMA_VERSION
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/analyze" in docs.text and "/openapi.json" in docs.text
    assert "cdn" not in docs.text.lower() and "<script" not in docs.text
    spec = client.get("/openapi.json").json()
    assert "/api/analyze" in spec["paths"] and "/api/health" in spec["paths"]
    assert client.get("/redoc").status_code == 404
    home = client.get("/")
    assert home.status_code == 200 and '<form method="post" action="/" enctype="multipart/form-data">' in home.text
    css = client.get("/static/web.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    for resp in (health, docs, home, css):
        assert_safe_headers(resp)


# --------------------------------------------------------------------------- fakes: load, limits, auth


def _ok(job: jobs.Job) -> jobs.Outcome:
    return jobs.Outcome(json=json.dumps({"schema": SCHEMA_VERSION, "document": {"text": job.text}}), html="<html></html>")


def _boom(job: jobs.Job) -> jobs.Outcome:
    raise RuntimeError("a bug with a secret path /home/x")


def test_app_queue_full_answers_503_with_retry_after():
    gate = threading.Event()

    def slow(job):
        gate.wait(10)
        return _ok(job)

    config = ServeConfig(pool="thread", workers=1, queue=0, rate_per_minute=10_000, rate_burst=100)
    with make_client(config, runner=slow) as c:
        results = []
        first = threading.Thread(target=lambda: results.append(c.post("/api/analyze", json={"text": "one"})))
        first.start()
        try:
            for _ in range(100):
                if c.get("/api/health").json()["in_flight"] == 1:
                    break
                threading.Event().wait(0.02)
            busy = c.post("/api/analyze", json={"text": "two"})
            assert_error(busy, 503, "PL607")
            assert int(busy.headers["retry-after"]) >= 1
            assert c.get("/api/health").status_code == 200  # health never waits for the pool
        finally:
            gate.set()
            first.join(10)
        assert results[0].status_code == 200


def test_app_analysis_over_the_time_budget_answers_503():
    gate = threading.Event()

    def stuck(job):
        gate.wait(10)
        return _ok(job)

    config = ServeConfig(pool="thread", workers=1, answer_timeout=0.2)
    with make_client(config, runner=stuck) as c:
        try:
            resp = c.post("/api/analyze", json={"text": "slow"})
            assert_error(resp, 503, "PL608")
            assert "retry-after" in resp.headers
        finally:
            gate.set()


def test_app_rate_limit_answers_429_with_retry_after():
    config = ServeConfig(pool="thread", rate_per_minute=1, rate_burst=2)
    with make_client(config, runner=_ok) as c:
        assert c.post("/api/analyze", json={"text": "a"}).status_code == 200
        assert c.post("/api/analyze", json={"text": "b"}).status_code == 200
        resp = c.post("/api/analyze", json={"text": "c"})
        assert_error(resp, 429, "PL606")
        assert int(resp.headers["retry-after"]) >= 1
        assert c.get("/api/health").status_code == 200  # reads are not counted


def test_app_internal_error_is_a_coded_500_without_traceback():
    with make_client(ServeConfig(pool="thread"), runner=_boom) as c:
        resp = c.post("/api/analyze", json={"text": "x"})
        body = assert_error(resp, 500, "PL999")
        assert "secret" not in body["error"]["message"]
        assert_safe_headers(resp)


def _basic(token: str) -> str:
    return "Basic " + base64.b64encode(f"anyone:{token}".encode()).decode()


def test_app_token_guards_writes_and_reads():
    config = ServeConfig(pool="thread", token="s3cret")
    with make_client(config, runner=_ok) as c:
        resp = c.post("/api/analyze", json={"text": "x"})
        assert_error(resp, 401, "PL602")
        assert resp.headers["www-authenticate"].startswith("Bearer")
        assert_error(c.post("/api/analyze", json={"text": "x"}, headers={"authorization": "Bearer wrong"}), 401, "PL602")
        assert c.post("/api/analyze", json={"text": "x"}, headers={"authorization": "Bearer s3cret"}).status_code == 200
        assert c.post("/api/analyze", json={"text": "x"}, headers={"authorization": _basic("s3cret")}).status_code == 200
        page = c.get("/", headers={"accept": "text/html"})
        assert page.status_code == 401 and page.headers["www-authenticate"].startswith("Basic")
        assert c.get("/", headers={"authorization": "Bearer s3cret"}).status_code == 200
        assert c.post("/", data={"text": "x"}).status_code == 401
        assert c.get("/docs").status_code == 401 and c.get("/openapi.json").status_code == 401
        assert c.get("/openapi.json", headers={"authorization": "Bearer s3cret"}).status_code == 200
        assert c.get("/api/health").status_code == 200


def test_app_public_read_opens_reads_only():
    config = ServeConfig(pool="thread", token="s3cret", public_read=True)
    with make_client(config, runner=_ok) as c:
        assert c.get("/").status_code == 200 and c.get("/docs").status_code == 200
        assert_error(c.post("/api/analyze", json={"text": "x"}), 401, "PL602")
        assert c.post("/", data={"text": "x"}).status_code == 401


def test_app_loopback_server_refuses_foreign_host_names():
    with make_client(ServeConfig(pool="thread"), runner=_ok) as c:
        resp = c.get("/api/health", headers={"host": "attacker.example"})
        assert_error(resp, 403, "PL609")
        assert_safe_headers(resp)
        assert c.get("/api/health", headers={"host": "localhost:8000"}).status_code == 200
        assert c.get("/api/health", headers={"host": "[::1]:8000"}).status_code == 200


def test_app_form_posted_from_another_site_is_refused():
    with make_client(ServeConfig(pool="thread"), runner=_ok) as c:
        resp = c.post("/", data={"text": "x"}, headers={"origin": "https://evil.example"})
        assert resp.status_code == 403
        resp = c.post("/", data={"text": "x"}, headers={"sec-fetch-site": "cross-site"})
        assert resp.status_code == 403
        assert c.post("/", data={"text": "x"}, headers={"origin": "http://127.0.0.1"}).status_code == 200


# --------------------------------------------------------------------------- hostile markup on every page

@pytest.mark.parametrize("which", ["hostile_analysis", "hostile_with_later_layers"])
def test_app_hostile_report_is_escaped(render_fixtures, which):
    from presslens.render.html import render_html

    analysis = getattr(render_fixtures, which)()

    def hostile(job):
        return jobs.Outcome(json=analysis.model_dump_json(), html=render_html(analysis))

    with make_client(ServeConfig(pool="thread"), runner=hostile) as c:
        resp = c.post("/", data={"text": "x"})
        assert resp.status_code == 200
        assert live_markup(resp.text, scripts=2) == []
        assert 'href="javascript' not in resp.text


def test_app_hostile_text_through_the_real_pipeline(client, render_fixtures):
    for text in (render_fixtures.HOSTILE_TEXT, render_fixtures.HOSTILE_MARKUP):
        resp = client.post("/", data={"text": text, "title": render_fixtures.HOSTILE_MARKUP, "source": "<b onclick=alert(7)>S</b>"})
        assert resp.status_code == 200, resp.text[:300]
        assert live_markup(resp.text, scripts=2) == []
        api = client.post("/api/analyze", json={"text": text})
        assert api.status_code == 200 and api.json()["document"]["text"] == text


def test_app_hostile_input_on_error_pages(client, render_fixtures):
    m = render_fixtures.HOSTILE_MARKUP
    for resp in (
        client.post("/", data={"text": m, "published": m, "title": m, "source": m}),  # PL301 re-renders the form
        client.get("/" + m, headers={"accept": "text/html"}),
    ):
        assert resp.status_code in (400, 404) and resp.headers["content-type"].startswith("text/html")
        assert live_markup(resp.text) == []
    api = client.post("/api/analyze", json={"text": m, "published": m})  # JSON, never read as a page
    assert api.status_code == 400 and api.headers["content-type"] == "application/json"
    assert api.headers["x-content-type-options"] == "nosniff"
