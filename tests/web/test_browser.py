"""The app in headless Chromium against a real `presslens serve` (uvicorn, process workers) on 127.0.0.1."""

from __future__ import annotations

import pytest

import httpx

from .conftest import ARTICLE, ROOT, running_server

pytestmark = pytest.mark.browser





@pytest.fixture(scope="module")
def base(tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "corpus.duckdb"
    with running_server("--workers", "1", "--db", str(db), "--rate-limit", "600") as url:
        yield url


class Tab:
    def __init__(self, browser, js: bool = True):
        self.context = browser.new_context(java_script_enabled=js, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _dialog(self, d):
        self.dialogs.append(d.message)
        d.dismiss()

    def analyse(self, base: str, text: str, keep: bool = False, **fields: str) -> None:
        self.page.goto(base + "/")
        self.page.fill("#text", text)
        if not keep:
            self.page.uncheck("input[name=keep]")
        for name, value in fields.items():
            self.page.fill(f"#{name}", value)
        with self.page.expect_navigation(timeout=120_000):
            self.page.click("button[type=submit]")
        self.page.wait_for_load_state("load")

    def close(self) -> None:
        self.context.close()


def _squash(text: str) -> str:
    return "".join(text.split())


def test_browser_paste_an_article_shows_the_report(browser, base):
    tab = Tab(browser)
    try:
        tab.analyse(base, ARTICLE, source="The Marlow Tide")
        page = tab.page
        assert _squash(page.inner_text("#article")) == _squash(ARTICLE)
        assert page.locator("#article .hl-quote").count() >= 2
        assert page.locator("#article .hl-entity").count() >= 2
        assert page.locator("aside.panel").is_visible()
        assert "Dana Okafor" in page.inner_text("aside.panel")
        # the report's script runs under the server's CSP: a click fills the detail box
        page.locator("#article .hl-quote").first.click()
        assert page.locator("#detail").inner_text().strip()
        assert "The Marlow Tide" in page.inner_text("header.top")
        assert tab.errors == [] and tab.dialogs == []
    finally:
        tab.close()


def test_browser_pages_load_without_console_errors(browser, base):
    tab = Tab(browser)
    try:
        for path in ("/", "/docs", "/nothing-here"):
            tab.page.goto(base + path)
            tab.page.wait_for_load_state("load")
            assert tab.page.locator("header.site").count() == 1, path
            # the stylesheet applies under the CSP
            assert tab.page.locator("header.site").evaluate("e => getComputedStyle(e).display") == "flex"
        # Chromium logs the 404 of the last page itself; nothing else may fail
        assert tab.errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
        assert tab.dialogs == []
    finally:
        tab.close()


def test_browser_form_works_without_javascript(browser, base):
    tab = Tab(browser, js=False)
    try:
        tab.analyse(base, ARTICLE)
        assert _squash(tab.page.inner_text("#article")) == _squash(ARTICLE)
        assert tab.page.locator("aside.panel").count() == 1
    finally:
        tab.close()


def test_browser_hostile_article_runs_no_script(browser, base, render_fixtures):
    tab = Tab(browser)
    try:
        markup = render_fixtures.HOSTILE_MARKUP
        tab.analyse(base, render_fixtures.HOSTILE_TEXT, title=markup, source='<b onclick=alert(7)>Bad</b>')
        page = tab.page
        page.locator("#article .hl").first.hover()
        page.mouse.move(5, 5)
        assert "alert(1)" in page.inner_text("#article")  # shown as text
        assert page.evaluate("() => document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
        assert tab.dialogs == [] and tab.errors == []
        # the form given back with hostile input (Chromium logs the 400 itself)
        tab.analyse(base, "   ", title=markup, source=markup)
        assert "PL300" in page.inner_text(".error")
        assert page.input_value("#title") == markup  # given back as the value, not as markup
        assert tab.dialogs == []
        assert tab.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
    finally:
        tab.close()


def test_browser_kept_article_gets_a_stable_link(browser, base):
    tab = Tab(browser)
    try:
        tab.analyse(base, ARTICLE, keep=True, source="The Marlow Tide")
        page = tab.page
        assert "/articles/" in page.url
        link = page.url
        assert page.locator("#article .hl-quote").count() >= 2 and page.locator("aside.panel").is_visible()
        page.goto(link)
        assert _squash(page.inner_text("#article")) == _squash(ARTICLE)
        assert tab.errors == [] and tab.dialogs == []
    finally:
        tab.close()


def test_browser_articles_filters_narrow_the_list_and_sources_charts_render(browser, base):
    examples = [("local-numbers.txt", "Alpha"), ("rally-report.txt", "Beta"), ("wire-politics.txt", "Alpha")]
    for name, source in examples:
        text = (ROOT / "examples" / name).read_text(encoding="utf-8")
        resp = httpx.post(base + "/api/analyze?store=true", json={"text": text, "source": source}, timeout=120)
        assert resp.status_code == 201, resp.text
    tab = Tab(browser)
    try:
        page = tab.page
        page.goto(base + "/articles")
        everything = page.locator("#articles tbody tr").count()
        assert everything >= 3
        page.select_option("#f-source", "Beta")
        with page.expect_navigation():
            page.click(".filters button[type=submit]")
        rows = page.locator("#articles tbody tr")
        assert rows.count() == 1 and "Beta" in rows.first.inner_text()
        page.fill("#f-name", "no such voice anywhere")
        with page.expect_navigation():
            page.click(".filters button[type=submit]")
        assert page.locator("#articles tbody tr").count() == 0
        page.goto(base + "/sources")
        bars = page.locator("#chart-techniques rect.own")
        assert bars.count() >= 2
        widths = bars.evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
        assert max(widths) > 10  # drawn, and styled by the stylesheet under the CSP
        assert page.locator("#chart-one-sided rect.one-sided").count() >= 2
        assert page.locator("#chart-techniques rect.own").first.evaluate("e => getComputedStyle(e).fill") == "rgb(29, 78, 216)"
        assert tab.errors == [] and tab.dialogs == []
    finally:
        tab.close()
