from __future__ import annotations

import html as html_lib
import re

import pytest

from presslens.stories import StoryRecord, StoryState, build_stories, render_story_html
from presslens.stories.render import article_link

from .conftest import RALLY, WIRE

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def hostile_story(records) -> dict:
    recs = []
    for r in records:
        doc = r.analysis.document
        title = f"{doc.title} {HOSTILE}" if r.id == WIRE else doc.title
        analysis = r.analysis.model_copy(update={"document": doc.model_copy(update={"title": title})})
        source = f"Outlet {HOSTILE}" if r.id == RALLY else r.source
        recs.append(StoryRecord(r.id, analysis, r.external_id, source, r.published))
    stories = build_stories(recs, StoryState())
    return next(s for s in stories if any(a["id"] == RALLY for a in s["articles"]))


@pytest.fixture(scope="module")
def march(story_records) -> dict:
    stories = build_stories(story_records, StoryState())
    return next(s for s in stories if any(a["id"] == RALLY for a in s["articles"]))


def test_render_story_has_one_column_per_outlet_and_report_links(march):
    html = render_story_html(march)
    heads = re.findall(r'<th scope="col" class="outlet">([^<]*)</th>', html)
    assert heads == ["Voice of Resolve", "Meridian Wire", "Sahrun Observer"]
    assert 'href="/articles/1"' in html and 'href="/articles/3"' in html  # the reprint links to its report too
    assert "reprinted by" in html
    assert 'class="diff"' in html  # the crowd figures are marked


def test_render_story_uses_the_given_url_pattern(march):
    html = render_story_html(march, article_url="https://example.org/r/{id}.html")
    assert 'href="https://example.org/r/2.html"' in html
    assert "/articles/" not in html


def test_render_story_refuses_unsafe_link_patterns():
    assert article_link("javascript:alert(1)//{id}", 1) is None
    assert article_link("//evil.example/{id}", 1) is None
    assert article_link("/articles/{id}", "a/b?c") == "/articles/a%2Fb%3Fc"


def test_render_story_has_a_strict_csp_and_no_script(march):
    html = render_story_html(march)
    csp = html_lib.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    assert "default-src 'none'" in csp and "script-src" not in csp and "'unsafe-inline'" not in csp
    assert "<script" not in html


def test_render_story_escapes_hostile_outlet_names_and_titles(story_records):
    html = render_story_html(hostile_story(story_records))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_render_stories_list_links_each_story_and_escapes(story_records):
    from presslens.stories import render_stories_html

    story = hostile_story(story_records)
    html = render_stories_html([story], story_url="/stories/{id}")
    assert f'href="/stories/{story["story"]}"' in html
    assert "<script>" not in html and "<img" not in html and "<script" not in html.split("</head>")[1]
