"""RSS and Atom feeds, served with their pages from a local http.server on 127.0.0.1."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from presslens import errors, ingest

PAGE = """<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>{body}</p><p>The committee will meet again next month to review the figures, officials said.</p></article></body></html>"""
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Herald</title><link>{base}/</link><description>News</description>
<item><title>Ferry back in service</title><link>{base}/ferry</link><guid isPermaLink="false">hh-1</guid>
<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate><description>The ferry is back.</description></item>
<item><title>Bridge closed</title><link>{base}/missing</link><guid>hh-2</guid>
<pubDate>not a date</pubDate><description>Engineers closed the old bridge on Tuesday to check cracks found in a survey.</description></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Times</title><id>urn:vt</id><updated>2024-03-06T09:00:00Z</updated>
<entry><title>School roof repaired</title><id>urn:vt:7</id><link href="{base}/school"/><updated>2024-03-06T09:00:00Z</updated>
<content type="html">&lt;p&gt;Builders finished repairing the school roof on Wednesday, the head teacher said.&lt;/p&gt;&lt;p&gt;Classes restart on Monday.&lt;/p&gt;</content>
</entry></feed>"""


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        routes = {
            "/rss": ("application/rss+xml", RSS.format(base=base)),
            "/atom": ("application/atom+xml", ATOM.format(base=base)),
            "/ferry": ("text/html; charset=utf-8", PAGE.format(
                title="Ferry returns", body="The ferry returned to service on Monday after repairs, the harbour office said.")),
            "/broken": ("application/rss+xml", "this is { not xml at all"),
        }
        if self.path not in routes:
            self.send_error(404, "Not Found")
            return
        ctype, body = routes[self.path]
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_feeds_rss_items_fetch_their_pages_and_keep_feed_metadata(server):
    items = list(ingest.read(f"{server}/rss", options=ingest.ReadOptions(lenient_dates=True)))
    assert [it.external_id for it in items] == ["hh-1", "hh-2"]
    first = items[0]
    assert first.ok and "harbour office said" in first.article.text  # the page, not the one-line summary
    assert first.article.title == "Ferry back in service" and first.article.source == "Harbour Herald"
    assert first.article.published == "2024-03-05" and first.article.url == f"{server}/ferry"
    assert items[1].error is not None and items[1].error.code == "PL107"  # its page is gone: recorded, run goes on


def test_feeds_no_fetch_keeps_the_summary_and_odd_dates_as_given(server):
    items = list(ingest.read(f"{server}/rss", options=ingest.ReadOptions(lenient_dates=True, fetch_pages=False)))
    second = items[1]
    assert second.ok and second.article.text.startswith("Engineers closed the old bridge")
    assert second.published_raw == "not a date" and second.article.published is None
    assert any(w.startswith("PL530") for w in second.article.warnings)


def test_feeds_atom_content_is_used_without_fetching(server, tmp_path):
    items = list(ingest.read(f"{server}/atom"))
    assert len(items) == 1 and items[0].external_id == "urn:vt:7"
    art = items[0].article
    assert art.text == "Builders finished repairing the school roof on Wednesday, the head teacher said.\n\nClasses restart on Monday."
    assert art.source == "Valley Times" and art.published == "2024-03-06"
    saved = tmp_path / "valley.atom"
    saved.write_text(ATOM.format(base=server))
    assert [it.external_id for it in ingest.read(str(saved))] == ["urn:vt:7"]


def test_feeds_a_feed_that_is_not_xml_is_pl511(server, tmp_path):
    with pytest.raises(errors.NotAFeed) as info:
        list(ingest.read(f"{server}/broken"))
    assert info.value.code == "PL511"
    bad = tmp_path / "news.rss"
    bad.write_text("<html><body>not a feed</body></html>")
    with pytest.raises(errors.NotAFeed):
        list(ingest.read(str(bad)))


def test_feeds_corpus_add_from_a_served_feed(server, tmp_path):
    from presslens.corpus import add_sources
    from presslens.store import open_store

    with open_store(tmp_path / "c.duckdb", create=True) as store:
        counts = add_sources(store, [f"{server}/rss", f"{server}/atom", f"{server}/broken"])
        assert (counts.added, counts.failed) == (2, 2)
        assert sorted(r[0] for r in store.query("SELECT external_id FROM articles")) == ["hh-1", "urn:vt:7"]
        assert sorted(e.error_code for e in store.last_errors()) == ["PL107", "PL511"]
        again = add_sources(store, [f"{server}/rss", f"{server}/atom"])
        assert (again.added, again.known) == (0, 2)
