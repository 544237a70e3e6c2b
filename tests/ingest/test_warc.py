"""WARC input: archives built here with warcio from the project's own pages."""

from __future__ import annotations

import gzip
import io

import pytest

from presslens import errors, ingest

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="{site}"></head><body><article><h1>{title}</h1>
<p>{body}</p><p>Residents said they would wait to see what the council decides next week.</p></article></body></html>"""
PAGES = [
    ("https://www.harbour-news.co.uk/ferry", "Ferry back in service", "Harbour News",
     "The ferry returned to service on Monday after repairs, the harbour office said in a statement."),
    ("https://example.org/bridge", "Bridge closed for checks", "Example Times",
     "Engineers closed the old bridge on Tuesday to check cracks found during a routine survey."),
]


def _response(writer, url: str, status: str, ctype: str, body: bytes):
    from warcio.statusandheaders import StatusAndHeaders

    headers = StatusAndHeaders(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)


def build_warc(path, *, gz: bool = True) -> list[str]:
    """Two HTML pages, a 404, an image and a request record; returns the pages' record ids."""
    from warcio.warcwriter import WARCWriter

    ids = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, title, site, body in PAGES:
            rec = _response(writer, url, "200 OK", "text/html; charset=utf-8", PAGE.format(title=title, site=site, body=body).encode())
            ids.append(rec.rec_headers.get_header("WARC-Record-ID"))
            writer.write_record(rec)
        writer.write_record(_response(writer, "https://example.org/gone", "404 Not Found", "text/html", b"<html>gone</html>"))
        writer.write_record(_response(writer, "https://example.org/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n"))
        writer.write_record(
            writer.create_warc_record("https://example.org/bridge", "request", payload=io.BytesIO(b"GET /bridge HTTP/1.1\r\n\r\n"))
        )
    return ids


@pytest.mark.parametrize("name,gz", [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_warc_html_responses_become_articles_and_others_are_skipped(tmp_path, name, gz):
    path = tmp_path / name
    ids = build_warc(path, gz=gz)
    skipped = []
    items = list(ingest.read(str(path), options=ingest.ReadOptions(on_skip=skipped.append)))
    assert [it.external_id for it in items] == ids
    assert all(it.ok for it in items)
    first = items[0].article
    assert first.title == "Ferry back in service" and first.source == "Harbour News"
    assert first.url == PAGES[0][0] and "harbour office said" in first.text
    assert len(skipped) == 3 and any("404" in s for s in skipped) and any("image/png" in s for s in skipped)


def test_warc_truncated_gzip_keeps_the_records_before_the_damage(tmp_path):
    path = tmp_path / "cut.warc.gz"
    build_warc(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])  # the last member loses its end
    got = []
    with pytest.raises(errors.CorruptArchive) as info:
        for item in ingest.read(str(path)):
            got.append(item)
    assert info.value.code == "PL510"
    assert len(got) == 2 and all(it.ok for it in got)


def test_warc_corrupt_file_is_pl510(tmp_path):
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(gzip.compress(b"WARC/1.0\r\nthis is not a header block\r\n\r\n") + b"garbage" * 50)
    with pytest.raises(errors.CorruptArchive):
        list(ingest.read(str(path)))
    plain = tmp_path / "bad.warc"
    plain.write_bytes(b"\x00\x01 not an archive at all")
    with pytest.raises(errors.CorruptArchive):
        list(ingest.read(str(plain)))


def test_warc_corpus_add_keeps_record_ids_counts_skips_and_survives_damage(tmp_path):
    from presslens.corpus import add_sources
    from presslens.store import open_store

    good, cut = tmp_path / "a.warc.gz", tmp_path / "b.warc.gz"
    ids = build_warc(good)
    build_warc(cut)
    cut.write_bytes(cut.read_bytes()[:-40])
    with open_store(tmp_path / "c.duckdb", create=True) as store:
        counts = add_sources(store, [str(good)])
        assert (counts.added, counts.skipped, counts.failed) == (2, 3, 0)
        assert sorted(r[0] for r in store.query("SELECT external_id FROM articles")) == sorted(ids)
        assert store.query("SELECT DISTINCT source FROM articles ORDER BY 1") == [("Example Times",), ("Harbour News",)]
        damaged = add_sources(store, [str(cut)])  # same pages again (copies), then the damage
        assert (damaged.added, damaged.duplicate, damaged.failed) == (0, 2, 1), store.last_errors()
        assert [e.error_code for e in store.last_errors()] == ["PL510"], store.last_errors()
