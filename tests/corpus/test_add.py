from __future__ import annotations

import json

import pytest

from presslens import ingest
from presslens.corpus import add_sources
from presslens.ingest.records import FieldMap
from presslens.store import open_store

BODY = "The council met on Monday and voted to close the old library, the mayor said in a statement."
PAGE = """<!doctype html><html><head><title>Library to close</title>
<meta property="og:site_name" content="Harbour Herald"></head>
<body><article><h1>Library to close</h1><p>{body}</p><p>Residents said they would fight the decision in court.</p></article></body></html>"""


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "in"
    (root / "deep" / "er").mkdir(parents=True)
    (root / "a.txt").write_text("Library vote\n\n" + BODY)
    (root / "deep" / "copy.txt").write_text("Library  vote\n\n" + BODY + "\n")  # same text, other spacing
    (root / "deep" / "er" / "page.html").write_text(PAGE.format(body="Officials said the building was unsafe for visitors."))
    (root / "feed.jsonl").write_text(
        json.dumps({"uid": "r1", "body": "Two ministers resigned on Tuesday over the budget, aides said.",
                    "outlet": "Wire One", "when": "Tue, 05 Mar 2024 10:00:00 GMT", "link": "https://news.example.org/a"})
        + "\n"
        + json.dumps({"uid": "r2", "body": "Flooding closed three roads in the north of the county, police said.",
                      "when": "sometime in spring", "link": "https://www.harbour-news.co.uk/b"})
        + "\n{broken\n"
    )
    (root / "notes.csv").write_text(
        'key,body,outlet,when\nc1,"Shares fell 3 percent after the results, the company said.",Money Daily,2024-03-07\n'
    )
    return root


def _fields() -> ingest.ReadOptions:
    return ingest.ReadOptions(
        fields=FieldMap(text="body", source="outlet", published="when", id="uid", url="link"), lenient_dates=True
    )


def test_add_folder_keeps_each_text_once_and_links_copies(tmp_path, folder):
    with open_store(tmp_path / "c.duckdb", create=True) as store:
        counts = add_sources(store, [str(folder)], options=_fields())
        assert (counts.added, counts.duplicate, counts.failed) == (4, 1, 2)  # the broken line, the csv without 'uid'
        rows = {r[0]: r[1:] for r in store.query(
            "SELECT external_id, source, strftime(published, '%Y-%m-%d'), published_raw, title FROM articles")}
        assert rows["r1"] == ("Wire One", "2024-03-05", "Tue, 05 Mar 2024 10:00:00 GMT", None)
        assert rows["r2"] == ("harbour-news.co.uk", None, "sometime in spring", None)  # outlet from the URL's domain
        page = next(v for k, v in rows.items() if k.endswith("page.html"))
        assert page[0] == "Harbour Herald" and page[3] == "Library to close"
        assert counts.warned == 1 and "PL530" in counts.warnings[0] and "sometime in spring" in counts.warnings[0]
        copy = store.query("SELECT e.external_id, a.external_id FROM external_ids e JOIN articles a ON a.id = e.article_id"
                           " WHERE e.duplicate")
        assert copy == [(str(folder / "deep" / "copy.txt"), str(folder / "a.txt"))]
        codes = sorted(e.error_code for e in store.last_errors())
        assert codes == ["PL106", "PL512"]

        again = add_sources(store, [str(folder)], options=_fields())
        assert (again.added, again.duplicate, again.known) == (0, 0, 5)
        assert store.query("SELECT count(*) FROM articles")[0][0] == 4


def test_add_csv_with_its_own_column_names(tmp_path, folder):
    options = ingest.ReadOptions(fields=FieldMap(text="body", source="outlet", published="when", id="key"), lenient_dates=True)
    with open_store(tmp_path / "c.duckdb", create=True) as store:
        counts = add_sources(store, [str(folder / "notes.csv")], options=options)
        assert counts.added == 1
        assert store.query("SELECT external_id, source, published::VARCHAR FROM articles") == [("c1", "Money Daily", "2024-03-07")]


def test_add_source_that_fails_whole_is_recorded_and_the_rest_goes_on(tmp_path, folder):
    with open_store(tmp_path / "c.duckdb", create=True) as store:
        counts = add_sources(store, [str(tmp_path / "missing"), str(folder / "a.txt")])
        assert (counts.added, counts.failed) == (1, 1)
        assert [(e.external_id, e.error_code) for e in store.last_errors()] == [(str(tmp_path / "missing"), "PL100")]
