"""The story page in headless Chromium: renders, no console errors, hostile strings stay text."""

from __future__ import annotations

from pathlib import Path

import pytest

from presslens.stories import StoryState, build_stories, render_story_html

from .conftest import RALLY
from .test_render import hostile_story

pytestmark = pytest.mark.browser





def _open(browser, tmp_path: Path, html: str):
    path = tmp_path / "story.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return context, page, errors, dialogs


def test_render_browser_story_page_renders_side_by_side(browser, tmp_path, story_records):
    story = next(s for s in build_stories(story_records, StoryState()) if any(a["id"] == RALLY for a in s["articles"]))
    context, page, errors, dialogs = _open(browser, tmp_path, render_story_html(story))
    try:
        assert page.locator("th.outlet").all_inner_texts() == ["Voice of Resolve", "Meridian Wire", "Sahrun Observer"]
        assert page.locator("td.diff").count() >= 3
        # the style survived the CSP: marked cells have their background
        assert page.locator("td.diff").first.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(254, 243, 199)"
        assert "Million-Strong March" in page.inner_text("#side-by-side")
        assert errors == [] and dialogs == []
    finally:
        context.close()


def test_render_browser_hostile_names_open_no_dialog(browser, tmp_path, story_records):
    context, page, errors, dialogs = _open(browser, tmp_path, render_story_html(hostile_story(story_records)))
    try:
        assert dialogs == [] and errors == []
        assert page.locator("img").count() == 0 and page.locator("script").count() == 0
        assert "<script>alert(2)</script>" in page.inner_text("body")
    finally:
        context.close()
