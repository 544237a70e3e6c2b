"""Corpus dashboard: one self-contained page, its charts and tables, hostile names escaped, CSP pinned."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
import stat
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from presslens import errors
from presslens.cli.main import app
from presslens.corpus.report import corpus_report, dense_articles, period_for, period_labels, write_report
from presslens.model import Analysis, Cue, Document, Entity, Quote, Sourcing, Speaker, Technique, Voice
from presslens.store import AnalysisResult, NewArticle, open_store

HOSTILE_OUTLET = "</svg><script>alert('outlet')</script>\"><img src=x onerror=alert(1)> {{ 7*7 }}"
HOSTILE_TITLE = "</title></table><script>alert('title')</script> {% raw %}"
HOSTILE_VOICE = "</text></svg><svg onload=alert('voice')>"
OUTLETS = ["Coast Daily", HOSTILE_OUTLET, "Town Herald"]


def _analysed(text: str, n: int) -> Analysis:
    """A made-up analysis: one quote by a voice, and technique spans in and out of it."""
    voice = HOSTILE_VOICE if n % 2 else "Mara Quill"
    said = text.index("said")
    spans = [m.span() for m in re.finditer(r"\w+", text)]
    techniques = [
        Technique(technique=label, span=spans[i], text=text[spans[i][0]:spans[i][1]], confidence=0.8, explanation="e",
                  method="rule", attributed_to="Q1" if quoted else None)
        for i, (label, quoted) in enumerate([("Loaded_Language", False), ("Doubt", True), ("Slogans", n % 3 == 0)][: 1 + n % 3])
    ]
    return Analysis(
        document=Document(id=str(n), text=text),
        entities=[Entity(id="E1", name="Mara Quill", type="PERSON", mentions=[(0, 4)])],
        quotes=[Quote(id="Q1", kind="indirect", text=text[:said], span=(0, said), speaker=Speaker(name=voice, kind="person"),
                      cue=Cue(text="said", span=(said, said + 4), kind="speech"))],
        techniques=techniques,
        sourcing=Sourcing(voices=[Voice(name=voice, kind="person", quotes=1, words=4)], quoted_share=0.4,
                          one_sided=n % 2 == 0),
    )


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "report.duckdb", create=True) as s:
        s.add_batch([
            NewArticle(external_id=f"r-{n}", title=HOSTILE_TITLE if n == 4 else f"Story {n}", source=OUTLETS[n % 3],
                       text=f"Harbour crews said the pier {n} would reopen soon, officials added.",
                       published=f"2026-{1 + n % 6:02d}-{10 + n:02d}" if n != 7 else None)
            for n in range(12)
        ])
        found = s.query("SELECT id, text FROM articles ORDER BY id")
        s.write_results([AnalysisResult(article_id=i, analysis_json=_analysed(t, i).model_dump_json(), version="t")
                         for i, t in found])
        s.add_batch([NewArticle(external_id="late", text="Not analysed yet, so never counted.", source="Late Post")])
        yield s


class _Page(HTMLParser):
    """Tags, attributes and text of a page, for plain assertions without a browser."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        self.text.append(data)

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.tags if t == tag)


def _report(store) -> tuple[str, _Page]:
    html = corpus_report(store, generated=dt.datetime(2026, 5, 1, 12, 0))
    return html, _Page(html)


def test_report_is_self_contained_with_a_pinned_stylesheet_and_no_script(store):
    html, page = _report(store)
    assert page.count("script") == 0 and page.count("img") == 0 and page.count("iframe") == 0
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    digest = base64.b64encode(hashlib.sha256(page.style.encode("utf-8")).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp and "script-src" not in csp
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)  # nothing fetched from the network
    assert not any(k.startswith("on") or k == "style" for _, a in page.tags for k in a)


def test_report_has_the_four_charts_and_the_tables(store):
    html, page = _report(store)
    figures = [a["id"] for t, a in page.tags if t == "figure"]
    assert figures == ["chart-over-time", "chart-techniques", "chart-one-sided", "chart-voices"]
    assert page.count("svg") == 4
    text = " ".join(page.text)
    assert "12 analysed articles from 3 outlets · published 2026-01-10 to 2026-06-21" in text and "1 pending" in text
    assert "Articles per month and outlet" in text and "1 undated article not drawn" in text
    assert page.count("table") == 5
    rows = [a for t, a in page.tags if t == "tr"]
    assert len(rows) >= 3 * 4  # a header and three outlets in each stats table
    assert "Late Post" not in text  # pending articles are not counted


def test_report_escapes_hostile_outlets_titles_and_voices(store):
    html, page = _report(store)
    for raw in (HOSTILE_OUTLET, HOSTILE_TITLE, HOSTILE_VOICE, "<script>", "<img", "<svg onload"):
        assert raw not in html
    joined = "".join(page.text)
    assert HOSTILE_OUTLET in joined and HOSTILE_TITLE in joined and HOSTILE_VOICE in joined  # shown as text
    assert "{{ 7*7 }}" in joined  # data is never evaluated as a template


def test_report_filters_and_grouping(store):
    only = corpus_report(store, sources=["Coast Daily"], by="source,month")
    page = _Page(only)
    text = " ".join(page.text)
    assert "from 1 outlet" in text and "outlets: Coast Daily" in text and "Town Herald" not in text
    heads = [d for d in page.text if d.strip() in ("source", "month")]
    assert "month" in heads
    with pytest.raises(errors.UsageError):
        corpus_report(store, by="decade")


def test_report_dense_articles_rank_own_words_techniques(store):
    dense = dense_articles(store.con, limit=3)
    assert len(dense) == 3
    assert [d["per_1000"] for d in dense] == sorted((d["per_1000"] for d in dense), reverse=True)
    top = dense[0]
    own = store.query("SELECT count(*) FROM techniques WHERE article_id = ? AND attributed_to IS NULL", [top["article_id"]])
    assert top["own_techniques"] == own[0][0]


def test_report_periods_follow_the_date_span():
    d = dt.date
    assert period_for(d(2026, 1, 1), d(2026, 1, 20)) == "day"
    assert period_for(d(2026, 1, 1), d(2026, 3, 1)) == "week"
    assert period_for(d(2026, 1, 1), d(2026, 12, 1)) == "month"
    assert period_labels(d(2025, 11, 30), d(2026, 2, 1), "month") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert period_labels(d(2026, 1, 1), d(2026, 1, 12), "week") == ["2026-W01", "2026-W02", "2026-W03"]
    assert period_labels(d(2026, 1, 30), d(2026, 2, 1), "day") == ["2026-01-30", "2026-01-31", "2026-02-01"]


def test_report_empty_store_renders(tmp_path):
    with open_store(tmp_path / "empty.duckdb", create=True) as s:
        page = _Page(corpus_report(s))
    text = " ".join(page.text)
    assert "No analysed articles yet" in text and "no publication dates" in text and page.count("svg") == 4


def test_report_write_failure_is_pl560_and_leaves_nothing(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(errors.ExportFailed):
        write_report("<html></html>", folder / "missing" / "r.html")
    target = folder / "r.html"
    target.mkdir()  # a folder where the file should go
    with pytest.raises(errors.ExportFailed):
        write_report("<html></html>", target)
    assert [p.name for p in folder.iterdir()] == ["r.html"]


def test_report_cli_writes_a_file_or_stdout(store, tmp_path):
    path = str(store.path)
    store.close()
    runner = CliRunner()
    target = tmp_path / "dash.html"
    out = runner.invoke(app, ["corpus", "report", "--db", path, "-o", str(target)])
    assert out.exit_code == 0, out.output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask  # as any file the user writes, not private
    out = runner.invoke(app, ["corpus", "report", "--db", path, "--by", "month"])
    assert out.exit_code == 0 and "<svg" in out.stdout
    out = runner.invoke(app, ["corpus", "report", "--db", path, "-o", str(tmp_path / "no" / "dir.html")])
    assert out.exit_code != 0 and "PL560" in out.output


# ---------------------------------------------------------------------- in headless Chromium




@pytest.mark.browser
def test_report_browser_renders_charts_without_errors_or_script(browser, store, tmp_path):
    target = tmp_path / "dashboard.html"
    write_report(corpus_report(store), target)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        seen: list[tuple[str, str]] = []  # console errors/warnings, page errors, dialogs, outside requests
        page.on("console", lambda m: seen.append((m.type, m.text)) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: seen.append(("pageerror", str(e))))
        page.on("dialog", lambda d: (seen.append(("dialog", d.message)), d.dismiss()))
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else seen.append(("request", r.url)))
        page.goto(target.as_uri())
        page.wait_for_load_state("load")
        charts = page.locator("figure svg.chart")
        assert charts.count() == 4
        for i in range(4):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 40
        assert page.locator("#chart-over-time polyline").count() == 3
        assert page.locator("#chart-techniques rect title").count() >= 6
        assert page.evaluate("document.scripts.length") == 0
        assert page.locator("svg[onload], img").count() == 0
        body = page.inner_text("body")
        assert HOSTILE_OUTLET in body and HOSTILE_TITLE in body and HOSTILE_VOICE in body
        assert page.title() == "report.duckdb · presslens corpus"
        assert seen == []
    finally:
        context.close()
