from __future__ import annotations

import re

from presslens.model import Event, Participant, Trigger
from presslens.render import render
from presslens.render.markdown import esc


def test_markdown_lists_speakers_quotes_entities_numbers(ferry):
    md = render(ferry, "md")
    assert md.startswith("# Harbour council backs ferry plan\n")
    assert "**Source:** The Marlow Tide" in md
    assert "### **Dana Okafor** (person, E1), 3 quotes" in md
    assert "- `direct` “We have waited twelve years for this,” (cue: *said*)" in md
    assert "- `indirect` the first ferry would sail by next spring (cue: *said*; as: Okafor)" in md
    assert "| **Dana Okafor** | PERSON | 2 | Okafor | council chair |" in md
    assert "| some 300 parking spaces | ≈300 (250–350) | yes | parking spaces | count |" in md
    assert "## Warnings (1)" in md


def test_markdown_empty_sections_say_none_found(empty):
    md = render(empty, "md")
    assert md.count("_None found._") == 3


def test_markdown_escapes_markup_in_article_text(hostile):
    md = render(hostile, "md")
    # no raw HTML tag, no link/image syntax, no autolink survives from the article
    assert not re.search(r"(?<!\\)<[a-zA-Z/]", md)
    assert "](javascript" not in md and "www.evil" not in md
    assert "\\<img src=x onerror=alert(5)\\>" in md
    # table rows keep their column count whatever the cells hold
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    assert rows and all(len(re.findall(r"(?<!\\)\|", r)) == 6 for r in rows)


def test_markdown_esc_neutralises_syntax():
    assert esc("*a* _b_ `c` [d](e) <f> a|b ~~g~~ #h &amp;") == (
        "\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\<f\\> a\\|b \\~\\~g\\~\\~ \\#h \\&amp;"
    )
    assert esc("line one\nline two") == "line one line two"
    assert esc("see www.example.org or http://x.example") == "see www\\.example.org or http\\://x.example"


def test_markdown_events_render_generically(ferry):
    t = ferry.document.text
    s = t.index("voted")
    ferry.events = [Event(type="AGREE", trigger=Trigger(text="voted", span=(s, s + 5)), actors=[Participant(text="The harbour council")])]
    md = render(ferry, "md")
    assert "## Events (1)" in md and "| AGREE | voted | The harbour council |" in md
