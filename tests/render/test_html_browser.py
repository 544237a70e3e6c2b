"""The HTML report in headless Chromium: highlights, side panel, toggles, tooltips, no script injection."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from presslens.render import render

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = _chromium()
    if exe is None:
        pytest.skip("no chromium binary (make test installs Debian's chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Opened:
    def __init__(self, page, errors, dialogs):
        self.page, self.errors, self.dialogs = page, errors, dialogs


def _open(browser, tmp_path: Path, html: str, *, js: bool = True, width: int = 1280) -> Opened:
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(java_script_enabled=js, viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def on_dialog(d):
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return Opened(page, errors, dialogs)


def _squash(text: str) -> str:
    return "".join(text.split())


def test_html_browser_highlights_and_side_panel_render(browser, tmp_path, ferry):
    o = _open(browser, tmp_path, render(ferry, "html"))
    page = o.page
    assert _squash(page.inner_text("#article")) == _squash(ferry.document.text)
    # one element per run; each layer has at least as many highlighted runs as findings
    found = {
        layer: set(page.locator(f"#article .hl-{layer}").evaluate_all(f"els => els.flatMap(e => e.dataset.{layer}.split(' '))"))
        for layer in ("quote", "speaker", "cue", "entity", "number")
    }
    assert found == {
        "quote": {"0", "1", "2", "3", "4"}, "speaker": {"0", "1", "2", "3", "4"}, "cue": {"0", "2", "3", "4"},
        "entity": {"0", "1", "2"}, "number": {"0", "1", "2", "3"},
    }
    assert page.locator("#article .hl-quote").count() >= 5  # quotes split into runs around nested findings
    assert page.locator("#article .hl-quote.qc-0").first.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(253, 230, 138)"
    assert page.locator("#panel-speakers h3").count() == 3
    assert page.locator("#panel-speakers li").count() == 5
    assert page.locator("#panel-entities li").count() == 3
    assert page.locator("#panel-numbers tbody tr").count() == 4
    assert page.is_visible("#layers")  # toggles appear once JS runs
    assert o.errors == [] and o.dialogs == []


def test_html_browser_layer_toggle_hides_and_shows(browser, tmp_path, ferry):
    o = _open(browser, tmp_path, render(ferry, "html"))
    page = o.page
    bg = "e => getComputedStyle(e).backgroundColor"
    colour = "e => getComputedStyle(e).color"
    quote = page.locator("#article .hl-quote").first
    number = page.locator("#article .hl-number").first
    assert quote.evaluate(bg) != "rgba(0, 0, 0, 0)"
    before = number.evaluate(colour)
    page.uncheck('#layers input[data-layer="quote"]')
    page.uncheck('#layers input[data-layer="number"]')
    assert all(e == "rgba(0, 0, 0, 0)" for e in page.locator("#article .hl-quote").evaluate_all(f"els => els.map({bg})"))
    assert number.evaluate(colour) != before
    page.check('#layers input[data-layer="quote"]')
    assert quote.evaluate(bg) != "rgba(0, 0, 0, 0)"
    assert o.errors == []


def test_html_browser_hover_and_click_show_details(browser, tmp_path, ferry):
    o = _open(browser, tmp_path, render(ferry, "html"))
    page = o.page
    assert page.is_hidden("#tip")
    page.hover('#article .hl[data-number="2"]')
    page.wait_for_selector("#tip", state="visible")
    tip = page.inner_text("#tip")
    assert "Number: twelve years" in tip and "Speaker: Dana Okafor (person)" in tip
    page.mouse.move(1, 1)
    page.wait_for_selector("#tip", state="hidden")
    # a side panel quote scrolls to and flashes every run of that quote
    page.click('#panel-speakers a.goto[data-index="3"]')
    flashed = page.locator("#article .hl.flash")
    assert flashed.count() >= 1
    assert all("3" in (d or "").split() for d in flashed.evaluate_all("els => els.map(e => e.dataset.quote)"))
    assert o.errors == []


def test_html_browser_hostile_article_runs_nothing(browser, tmp_path, hostile):
    o = _open(browser, tmp_path, render(hostile, "html"))
    page = o.page
    for el in page.locator(".hl").all():  # hover everything: no injected handler may fire
        el.hover()
    for el in page.locator("a.goto").all():
        el.click()
    page.wait_for_timeout(100)
    assert o.dialogs == []
    assert page.evaluate("document.querySelectorAll('img, svg, b, iframe, object').length") == 0
    assert page.evaluate("document.scripts.length") == 2
    assert page.evaluate("[...document.querySelectorAll('*')].flatMap(e => [...e.attributes]).filter(a => a.name.startsWith('on')).length") == 0
    text = page.inner_text("#article")
    assert "<script>alert(1)</script>" in text and "{{ 7*7 }}" in text and '" onmouseover="alert(3)' in text
    assert _squash(text) == _squash(hostile.document.text)
    assert page.title().startswith("</title><script>alert(6)</script>")
    assert o.errors == []


def test_html_browser_readable_without_javascript(browser, tmp_path, ferry):
    o = _open(browser, tmp_path, render(ferry, "html"), js=False)
    page = o.page
    assert page.is_hidden("#layers")  # toggles need JS; all layers stay visible
    quote = page.locator("#article .hl-quote").first
    assert quote.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert "Speaker: Dana Okafor" in (quote.get_attribute("title") or "")
    assert page.locator("#panel-speakers li").count() == 5


def test_html_browser_fits_a_narrow_window(browser, tmp_path, ferry):
    o = _open(browser, tmp_path, render(ferry, "html"), width=360)
    page = o.page
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    box_article = page.locator("#article").bounding_box()
    box_panel = page.locator("aside.panel").bounding_box()
    assert box_panel["y"] >= box_article["y"] + box_article["height"] - 1  # panel stacks below the article
    assert o.errors == []


def test_html_browser_prints_without_controls(browser, tmp_path, ferry):
    o = _open(browser, tmp_path, render(ferry, "html"))
    page = o.page
    page.emulate_media(media="print")
    assert page.is_hidden("#layers")
    assert page.locator("aside.panel").evaluate("e => getComputedStyle(e).position") == "static"
    assert page.locator("#article .hl-quote").first.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
