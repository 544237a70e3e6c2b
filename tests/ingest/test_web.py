"""URL input, fetched from a local http.server on 127.0.0.1 (an ephemeral port, in a thread)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from presslens import errors, ingest
from presslens.config import Settings
from presslens.ingest import web

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
PAGE = (DATA / "ferry.html").read_bytes()
PLAIN = "Ferry Returns\n\nThe ferry returned to service on Monday, the harbour office said.\n"


class Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, str | None, bytes]] = {
        "/article.html": (200, "text/html; charset=utf-8", PAGE),
        "/article.txt": (200, "text/plain; charset=utf-8", PLAIN.encode()),
        "/legacy.txt": (200, "text/plain; charset=windows-1252", b"She said \x93yes\x94 to the plan on Monday.\n"),
        "/untyped": (200, None, PAGE),
        "/records": (200, "application/json", b'[{"text": "One record here."}, {"text": "Another one."}]'),
        "/scan.pdf": (200, "application/pdf", b"%PDF-1.4\n"),
        "/disguised": (200, "application/octet-stream", b"%PDF-1.4\n"),
        "/menu.html": (200, "text/html", (DATA / "menu-only.html").read_bytes()),
        "/big.txt": (200, "text/plain", b"word " * 1000),
    }

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/article.txt")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path == "/big-unsized":  # no Content-Length: the cap must hold while reading
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"word " * 1000)
            return
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        status, ctype, body = route
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep test output clean
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # the timeout test hangs up early
        pass


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


SETTINGS = Settings(fetch_timeout=5.0)


def read_all(url: str, settings: Settings = SETTINGS) -> list[ingest.Loaded]:
    return list(ingest.read(url, settings=settings))


def test_web_fetches_html_page(server):
    items = read_all(server + "/article.html")
    assert len(items) == 1
    article = items[0].article
    assert article.url == server + "/article.html"
    assert article.source == "The Alder Gazette"
    assert article.title == "Ferry Service to Larch Island Resumes"
    assert "harbour master Ines Valcourt" in article.text


def test_web_fetches_plain_text_unchanged(server):
    article = read_all(server + "/article.txt")[0].article
    assert article.text == PLAIN
    assert article.title == "Ferry Returns"
    assert article.url == server + "/article.txt"


def test_web_uses_the_charset_the_server_declares(server):
    article = read_all(server + "/legacy.txt")[0].article
    assert article.text == "She said “yes” to the plan on Monday.\n"
    assert article.warnings == []


def test_web_follows_redirects(server):
    article = read_all(server + "/moved")[0].article
    assert article.text == PLAIN
    assert article.url == server + "/article.txt"


def test_web_sniffs_untyped_response(server):
    assert read_all(server + "/untyped")[0].article.source == "The Alder Gazette"


def test_web_json_response_gives_records(server):
    items = read_all(server + "/records")
    assert [i.article.text for i in items] == ["One record here.", "Another one."]


def test_web_404_is_pl107(server):
    with pytest.raises(errors.FetchFailed) as info:
        read_all(server + "/missing")
    assert str(info.value).startswith("PL107: could not fetch")
    assert "HTTP 404" in str(info.value)


def test_web_connection_refused_is_pl107():
    with pytest.raises(errors.FetchFailed):
        read_all("http://127.0.0.1:9/nothing-listens-here")


def test_web_timeout_is_pl107(server):
    with pytest.raises(errors.FetchFailed, match="no answer within"):
        read_all(server + "/slow", Settings(fetch_timeout=0.3))


@pytest.mark.parametrize("path", ["/big.txt", "/big-unsized"])
def test_web_too_large_response(server, path):
    with pytest.raises(errors.InputTooLarge) as info:
        read_all(server + path, Settings(fetch_max_bytes=1000, fetch_timeout=5.0))
    assert str(info.value).startswith("PL104: ")
    assert "fetch limit of 1,000 bytes" in str(info.value)


def test_web_binary_responses_are_not_text(server):
    with pytest.raises(errors.NotText, match="application/pdf"):
        read_all(server + "/scan.pdf")
    with pytest.raises(errors.NotText, match="PDF"):
        read_all(server + "/disguised")


def test_web_page_without_body_is_pl105(server):
    with pytest.raises(errors.NoArticleBody):
        read_all(server + "/menu.html")


def test_web_is_url_only_for_http_and_https():
    assert web.is_url("https://example.org/a") and web.is_url("HTTP://example.org")
    assert not web.is_url("ftp://example.org/a") and not web.is_url("example.org/a.txt")
    with pytest.raises(errors.UnsupportedInput):
        web.fetch("http://", settings=SETTINGS)
