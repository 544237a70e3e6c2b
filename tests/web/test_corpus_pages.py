"""The corpus side of the app over a real store: keeping analyses, /articles filters and cursors,
/sources, /voices, the CSV/JSON forms, and hostile analyses through every corpus page."""

from __future__ import annotations

import re

import asyncio
import csv
import io

import pytest
from markupsafe import escape

from presslens.model import Analysis
from presslens.render.spans import technique_family
from presslens.web import ServeConfig
from presslens.web.storage import save

from .conftest import ROOT, live_markup, make_client

SEED = [("local-numbers.txt", "Alpha", "2026-01-01"), ("rally-report.txt", "Beta", "2026-01-05"), ("wire-politics.txt", "Alpha", "2026-02-03")]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, render_fixtures):
    """A store with the three example articles (kept through the API) and two hostile analyses."""
    db = tmp_path_factory.mktemp("corpus") / "web.duckdb"
    config = ServeConfig(pool="thread", db=str(db), rate_per_minute=10_000, rate_burst=1000)
    with make_client(config) as c:
        ids = {}
        for name, source, day in SEED:
            text = (ROOT / "examples" / name).read_text(encoding="utf-8")
            resp = c.post("/api/analyze?store=true", json={"text": text, "source": source, "published": day})
            assert resp.status_code == 201, resp.text
            ids[name] = int(resp.headers["location"].rsplit("/", 1)[1])
        gate = c.app.state.store
        for i, build in enumerate((render_fixtures.hostile_analysis, render_fixtures.hostile_with_later_layers)):
            analysis = build()
            analysis.document.text += f" Copy {i}."  # two texts, two articles (equal texts are one)
            ids[f"hostile{i}"] = asyncio.run(gate.run(save, analysis.model_dump_json(), f"hostile-{i}"))
        c.ids = ids
        yield c


def analysis_of(c, article_id: int) -> Analysis:
    resp = c.get(f"/api/articles/{article_id}")
    assert resp.status_code == 200
    return Analysis.model_validate_json(resp.content)


def all_ids(c, **params) -> list[int]:
    """Every article id matching, walking the pages one row at a time by cursor."""
    out, cursor = [], None
    for _ in range(50):
        query = {**params, "limit": 1, **({"cursor": cursor} if cursor else {})}
        page = c.get("/api/articles", params=query).json()
        out += [r["id"] for r in page["items"]]
        cursor = page["next"]
        if cursor is None:
            return out
    raise AssertionError("paging did not end")


def test_corpus_pages_store_keeps_a_stable_link(corpus):
    text = (ROOT / "examples" / "rally-report.txt").read_text(encoding="utf-8")
    again = corpus.post("/api/analyze?store=true", json={"text": text, "source": "Beta"})
    assert again.status_code == 201 and again.headers["location"] == f"/articles/{corpus.ids['rally-report.txt']}"
    form = corpus.post("/", data={"text": text, "keep": "on"}, follow_redirects=False)
    assert form.status_code == 303 and form.headers["location"] == f"/articles/{corpus.ids['rally-report.txt']}"
    stored = analysis_of(corpus, corpus.ids["rally-report.txt"])
    assert stored.document.text == text and stored.document.source == "Beta"
    page = corpus.get(form.headers["location"])
    assert page.status_code == 200 and "hl-quote" in page.text and 'href="/articles"' in page.text


def test_corpus_pages_form_without_keep_answers_with_the_report(corpus):
    resp = corpus.post("/", data={"text": "The mayor said on Monday that 40 people came."}, follow_redirects=False)
    assert resp.status_code == 200 and 'id="article"' in resp.text


def test_corpus_pages_paging_walks_every_article_once_in_order(corpus):
    newest_first = all_ids(corpus)
    assert sorted(newest_first) == sorted(corpus.ids.values())
    dated = [corpus.ids[n] for n, _, _ in sorted(SEED, key=lambda s: s[2], reverse=True)]
    assert newest_first[:3] == dated
    assert all_ids(corpus, order="asc") == list(reversed(newest_first))
    by_words = corpus.get("/api/articles", params={"sort": "words", "limit": 10}).json()["items"]
    assert [r["words"] for r in by_words] == sorted((r["words"] for r in by_words), reverse=True)


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"source": "Alpha"}, {"local-numbers.txt", "wire-politics.txt"}),
        ({"from": "2026-01-02", "to": "2026-01-31"}, {"rally-report.txt"}),
        ({"q": "MARCH"}, None),
        ({"one_sided": "yes"}, None),
        ({"family": "emotion"}, None),
        ({"check": "quantity_conflict"}, None),
        ({"name": "okafor"}, None),
    ],
)
def test_corpus_pages_filters_narrow_the_list(corpus, params, names):
    found = set(all_ids(corpus, **params))
    if names is not None:
        assert found == {corpus.ids[n] for n in names}
        return
    analyses = {i: analysis_of(corpus, i) for i in corpus.ids.values()}
    key, value = next(iter(params.items()))
    expected = {
        "q": lambda a: value.lower() in (a.document.title or "").lower() or value.lower() in a.document.text.lower(),
        "one_sided": lambda a: a.sourcing is not None and a.sourcing.one_sided is True,
        "family": lambda a: any(technique_family(t.technique)[0] == value for t in a.techniques),
        "check": lambda a: any(c.kind == value for c in a.checks),
        "name": lambda a: any(value in (v.name or "").lower() for v in (a.sourcing.voices if a.sourcing else []))
        or any(value in e.name.lower() for e in a.entities),
    }[key]
    if key == "q":  # the full-text index matches whole (stemmed) words: a subset of the substring matches
        assert found <= {i for i, a in analyses.items() if expected(a)}
    else:
        assert found == {i for i, a in analyses.items() if expected(a)}
    assert found, f"the example corpus should have an article for {params}"  # the filter is exercised
    assert found != set(corpus.ids.values()) or key == "q"


def test_corpus_pages_full_text_query_matches_word_forms(corpus):
    analyses = {i: analysis_of(corpus, i) for i in corpus.ids.values()}
    with_march = {i for i, a in analyses.items() if re.search(r"\bmarch\b", a.document.text, re.I)}
    assert with_march and with_march <= set(all_ids(corpus, q="marching"))  # one stem, other forms
    hostile = corpus.get("/api/articles", params={"q": "\"'); DROP TABLE articles; --"})
    assert hostile.status_code == 200
    assert set(all_ids(corpus)) == set(corpus.ids.values())  # nothing was dropped


def test_corpus_pages_csv_and_json_hold_exactly_the_rows_shown(corpus):
    params = {"source": "Alpha", "limit": 1}
    page = corpus.get("/articles", params=params)
    assert page.status_code == 200
    shown = corpus.get("/api/articles", params=params).json()
    as_json = corpus.get("/articles", params={**params, "format": "json"}).json()
    assert as_json == shown and len(shown["items"]) == 1
    rows = list(csv.DictReader(io.StringIO(corpus.get("/articles", params={**params, "format": "csv"}).text)))
    assert [int(r["id"]) for r in rows] == [r["id"] for r in shown["items"]]
    assert f'href="/articles/{shown["items"][0]["id"]}"' in page.text
    assert 'format=csv' in page.text and 'format=json' in page.text and 'rel="next"' in page.text
    for path in ("/sources", "/voices/Denise Okafor"):
        table = corpus.get(path, params={"format": "json"}).json()["items"]
        lines = list(csv.DictReader(io.StringIO(corpus.get(path, params={"format": "csv"}).text)))
        assert len(lines) == len(table) > 0


def test_corpus_pages_sources_and_stats(corpus):
    items = corpus.get("/api/sources").json()["items"]
    by_name = {r["group"]: r for r in items}
    assert by_name["Alpha"]["articles"] == 2 and by_name["Beta"]["articles"] == 1
    assert by_name["Beta"]["techniques_per_1000_words"] > 0 and by_name["Alpha"]["top_voices"]
    page = corpus.get("/sources")
    assert page.status_code == 200 and page.text.count('<svg class="chart"') == 2 and "<rect" in page.text
    monthly = corpus.get("/api/stats", params={"by": "source,month"}).json()["items"]
    assert {r["group"] for r in monthly} >= {"Alpha · 2026-01", "Alpha · 2026-02", "Beta · 2026-01"}
    assert corpus.get("/api/stats", params={"by": "colour"}).status_code == 400


def test_corpus_pages_voice_lists_what_they_said(corpus):
    name = corpus.get("/api/sources").json()["items"][0]["top_voices"][0]
    items = corpus.get(f"/api/voices/{name}").json()["items"]
    assert items and all(i["voice"].lower() == name.lower() for i in items)
    for item in items:
        text = analysis_of(corpus, item["article_id"]).document.text
        assert text[item["span_start"]:item["span_end"]] == item["quote"]
    page = corpus.get(f"/voices/{name}")
    assert page.status_code == 200 and str(escape(items[0]["quote"])) in page.text
    assert corpus.get("/api/voices/Nobody At All").json()["items"] == []


@pytest.mark.parametrize(
    "params",
    [{"cursor": "not-a-cursor"}, {"sort": "colour"}, {"order": "up"}, {"from": "yesterday"}, {"family": "nope"},
     {"check": "nope"}, {"one_sided": "maybe"}, {"limit": "0"}, {"limit": "9999"}],
)
def test_corpus_pages_bad_filters_are_400(corpus, params):
    resp = corpus.get("/api/articles", params=params)
    assert resp.status_code in (400, 422), resp.text
    assert resp.json()["error"]["code"] in ("PL611", "PL604")


def test_corpus_pages_missing_article_is_404(corpus):
    assert corpus.get("/api/articles/999999").json()["error"]["code"] == "PL605"
    assert corpus.get("/articles/999999").status_code == 404


def test_corpus_pages_hostile_analyses_are_escaped_everywhere(corpus, render_fixtures):
    hostile = [corpus.ids["hostile0"], corpus.ids["hostile1"]]
    pages = [corpus.get(f"/articles/{i}") for i in hostile]
    for resp in pages:
        assert resp.status_code == 200
        assert live_markup(resp.text, scripts=2) == []
    voice = "<img src=x onerror=alert(28)>"
    for path in ("/articles", "/articles?source=<b onclick=alert(7)>Bad Source</b>", "/sources", f"/voices/{voice}",
                 "/articles?name=<img", "/articles?q=</textarea>"):
        resp = corpus.get(path)
        assert resp.status_code == 200, path
        assert live_markup(resp.text) == [], path
    assert "&lt;b onclick=alert(7)&gt;Bad Source&lt;/b&gt;" in corpus.get("/sources").text


def test_corpus_pages_need_a_store():
    with make_client(ServeConfig(pool="thread")) as c:
        for path in ("/articles", "/api/articles", "/sources", "/api/sources", "/api/stats", "/voices/x", "/articles/1"):
            assert c.get(path).status_code == 404
        assert c.get("/api/sources").json()["error"]["code"] == "PL612"
        resp = c.post("/api/analyze?store=true", json={"text": "x"})
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "PL612"
        assert 'href="/articles"' not in c.get("/").text


def test_corpus_pages_reads_follow_the_token_rule(tmp_path):
    config = ServeConfig(pool="thread", db=str(tmp_path / "t.duckdb"), token="s3cret")
    with make_client(config) as c:
        for path in ("/articles", "/api/articles", "/sources", "/api/stats", "/voices/x"):
            assert c.get(path).status_code == 401, path
            assert c.get(path, headers={"authorization": "Bearer s3cret"}).status_code == 200, path
    with make_client(ServeConfig(pool="thread", db=str(tmp_path / "t.duckdb"), token="s3cret", public_read=True)) as c:
        assert c.get("/api/articles").status_code == 200
        assert c.post("/api/analyze?store=true", json={"text": "x"}).status_code == 401


def test_corpus_pages_pending_article_shows_its_status(corpus):
    from presslens.store import NewArticle

    def add(store):
        store.add_batch([NewArticle(external_id="pending-1", text="Not analysed yet <b>bold</b>.", title="<i>Waiting</i>")])
        return store.query("SELECT id FROM articles WHERE external_id = 'pending-1'")[0][0]

    def remove(store):  # the other tests of this module count the articles
        with store.transaction() as con:
            con.execute("DELETE FROM external_ids WHERE external_id = 'pending-1'")
            con.execute("DELETE FROM articles WHERE external_id = 'pending-1'")

    gate = corpus.app.state.store
    article_id = asyncio.run(gate.run(add))
    try:
        page = corpus.get(f"/articles/{article_id}")
        assert page.status_code == 200 and "pending" in page.text and "&lt;i&gt;Waiting&lt;/i&gt;" in page.text
        assert live_markup(page.text) == []
        assert corpus.get(f"/api/articles/{article_id}").status_code == 404
        row = next(r for r in corpus.get("/api/articles", params={"q": "not analysed yet"}).json()["items"])
        assert row["id"] == article_id and row["status"] == "pending"
    finally:
        asyncio.run(gate.run(remove))
