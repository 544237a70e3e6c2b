"""The HTML report in headless Chromium: highlights, side panel, toggles, tooltips, no script injection."""

from __future__ import annotations

from pathlib import Path

import pytest

from presslens.render import render

pytestmark = pytest.mark.browser





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


@pytest.mark.parametrize("which", ["ferry", "rally"])
def test_html_browser_fits_a_narrow_window(browser, tmp_path, which, request):
    o = _open(browser, tmp_path, render(request.getfixturevalue(which), "html"), width=360)
    page = o.page
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    if which == "rally":  # details of a tapped highlight float over the bottom of the screen
        page.click("#article .hl-technique >> nth=0")
        box = page.locator("#detail").bounding_box()
        assert box["y"] + box["height"] <= 900 and box["width"] <= 360
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


# ---------------------------------------------------------------- techniques, events, checks, voices


def test_html_browser_click_technique_shows_explanation_in_panel(browser, tmp_path, rally):
    o = _open(browser, tmp_path, render(rally, "html"))
    page = o.page
    assert page.is_hidden("#detail")
    i = next(k for k, t in enumerate(rally.techniques) if t.technique == "Doubt")
    page.click(f'#article .hl-technique[data-technique~="{i}"]')
    page.wait_for_selector("#detail", state="visible")
    shown = page.inner_text("#detail")
    assert "Technique: Doubt" in shown and "family: Credibility" in shown
    assert rally.techniques[i].explanation in shown and "confidence 0.77 · found by a rule" in shown
    assert page.locator("#detail").evaluate("e => e.getBoundingClientRect().top >= 0")  # sticky: visible wherever the panel is
    page.click("#detail-close")
    assert page.is_hidden("#detail")
    assert o.errors == [] and o.dialogs == []


def test_html_browser_check_callout_focuses_its_evidence(browser, tmp_path, rally):
    o = _open(browser, tmp_path, render(rally, "html"))
    page = o.page
    page.click('#panel-checks a.goto[data-layer="check"][data-index="0"]')
    flashed = page.locator("#article .flash")
    expected = page.locator('#article [data-check~="0"]').count()
    assert expected >= len(rally.checks[0].evidence) and flashed.count() == expected
    assert all("0" in (d or "").split() for d in flashed.evaluate_all("els => els.map(e => e.dataset.check)"))
    focused = page.evaluate("(document.activeElement && document.activeElement.dataset.check) || ''")
    assert "0" in focused.split()
    style = page.locator('#article [data-check~="0"]').first.evaluate("e => getComputedStyle(e).boxShadow")
    assert style != "none"
    page.uncheck('#layers input[data-layer="check"]')
    assert page.locator('#article [data-check~="0"]').first.evaluate("e => getComputedStyle(e).boxShadow") == "none"
    assert o.errors == []


def test_html_browser_sentence_view_and_technique_toggle(browser, tmp_path, rally):
    o = _open(browser, tmp_path, render(rally, "html"))
    page = o.page
    colour = "e => getComputedStyle(e).color"
    para = page.locator("#article p.para").nth(2)  # a paragraph without techniques
    ink = para.evaluate(colour)
    page.check('#layers input[data-view="sentences"]')
    assert para.evaluate(colour) != ink  # faded
    assert page.locator("#article .hl-sentence").first.evaluate(colour) == ink
    page.uncheck('#layers input[data-view="sentences"]')
    assert para.evaluate(colour) == ink
    tech = page.locator("#article .hl-technique").first
    assert tech.evaluate("e => getComputedStyle(e).backgroundImage") != "none"
    page.uncheck('#layers input[data-layer="technique"]')
    assert tech.evaluate("e => getComputedStyle(e).backgroundImage") == "none"
    # a sentence link in the panel flashes that sentence
    page.click("#panel-sentences a.goto >> nth=0")
    assert page.locator("#article .flash.hl-sentence").count() >= 1
    assert o.errors == []


def test_html_browser_later_layers_readable_without_javascript(browser, tmp_path, rally):
    o = _open(browser, tmp_path, render(rally, "html"), js=False)
    page = o.page
    assert page.is_hidden("#detail") and page.is_hidden("#layers")
    tech = page.locator("#article .hl-technique").first
    assert "Technique: " in (tech.get_attribute("title") or "") and "confidence" in (tech.get_attribute("title") or "")
    assert page.locator("#panel-techniques li").count() == len(rally.techniques)  # every span with why, unfolded
    assert page.is_visible("#panel-techniques details li >> nth=0")
    assert page.locator("#panel-checks .callout").count() == len(rally.checks)
    assert page.locator("#panel-timeline li").count() == len(rally.events)
    assert page.locator("#panel-sourcing tbody tr").count() == len(rally.sourcing.voices)


def test_html_browser_hostile_later_layers_run_nothing(browser, tmp_path, hostile_full):
    o = _open(browser, tmp_path, render(hostile_full, "html"))
    page = o.page
    for el in page.locator("#article .hl").all():
        el.hover()
        el.click()
    for el in page.locator("a.goto").all():
        el.click()
    page.wait_for_timeout(100)
    assert o.dialogs == []
    assert page.evaluate("document.querySelectorAll('img, svg, b, i, iframe, object, textarea').length") == 0
    assert page.evaluate("document.scripts.length") == 2
    assert page.evaluate("[...document.querySelectorAll('*')].flatMap(e => [...e.attributes]).filter(a => a.name.startsWith('on')).length") == 0
    page.click('#article .hl-technique[data-technique~="0"]')
    assert "</textarea><script>alert(20)</script>" in page.inner_text("#detail")  # the technique's explanation, as text
    assert page.evaluate("document.querySelectorAll('img, svg, b, i, iframe, object, textarea').length") == 0
    assert "<img src=x onerror=alert(28)>" in page.inner_text("#panel-sourcing")
    assert o.errors == []


def test_html_browser_own_words_view_hides_quoted_techniques(browser, tmp_path, rally):
    from presslens.stages.techniques import attribute

    rally.techniques = attribute(rally.techniques, rally.quotes)
    o = _open(browser, tmp_path, render(rally, "html"))
    page = o.page
    bg = "e => getComputedStyle(e).backgroundImage"
    quoted_run = page.locator("#article .hl-technique.tq").first
    own_run = page.locator("#article .hl-technique:not(.tq)").first
    n_items = page.locator("#panel-techniques details li").count()
    n_quoted = page.locator("#panel-techniques details li.tq").count()
    assert 0 < n_quoted < n_items and quoted_run.evaluate(bg) != "none"
    page.check('#layers input[data-view="own"]')
    assert quoted_run.evaluate(bg) == "none" and own_run.evaluate(bg) != "none"
    assert page.locator("#panel-techniques details li:visible").count() == n_items - n_quoted
    page.uncheck('#layers input[data-view="own"]')
    assert quoted_run.evaluate(bg) != "none"
    assert o.errors == []


def test_html_browser_own_words_without_javascript_shows_everything(browser, tmp_path, rally):
    from presslens.stages.techniques import attribute

    rally.techniques = attribute(rally.techniques, rally.quotes)
    o = _open(browser, tmp_path, render(rally, "html"), js=False)
    page = o.page
    assert page.is_hidden("#layers")
    assert page.locator("#panel-techniques details li:visible").count() == len(rally.techniques)
