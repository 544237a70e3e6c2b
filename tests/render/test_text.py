from __future__ import annotations

import re

from presslens.model import Check, Sourcing, Technique, Voice
from presslens.render import render

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_text_lists_speakers_quotes_entities_numbers(ferry):
    out = render(ferry, "text")
    assert out.startswith("Harbour council backs ferry plan")
    assert "The Marlow Tide · 2025-03-04" in out
    # speakers with their quotes, in order, with kind and cue
    okafor = out.index("Dana Okafor  (person, E1)  3 quotes")
    assert out.index("[direct] “We have waited twelve years for this,”") > okafor
    assert "the first ferry would sail by next spring  (cue: said; as: Okafor)" in out
    assert "Save the Quay  (organization, E2)  1 quote" in out
    assert "[indirect] some 300 parking spaces would be lost  (cue: warned)" in out
    # entities with roles and mention counts
    row = next(line for line in out.splitlines() if line.strip().startswith("Dana Okafor ") and "PERSON" in line)
    assert re.search(r"PERSON\s+2\s+Okafor\s+council chair", row)
    # numbers with values and approximations
    row = next(line for line in out.splitlines() if "some 300 parking spaces" in line and "≈" in line)
    assert re.search(r"≈300 \(250–350\)\s+yes\s+parking spaces\s+count", row)
    assert "! PL299: an example warning" in out
    assert not ANSI.search(out)
    assert all(len(line) <= 100 for line in out.splitlines())


def test_text_empty_sections_say_none_found(empty):
    out = render(empty, "text")
    assert "(untitled article)" in out
    assert out.count("none found") == 3
    assert "Speakers and quotes (0)" in out and "Entities (0)" in out and "Numbers (0)" in out
    assert "Techniques" not in out and "Warnings" not in out


def test_text_unattributed_quotes_are_labelled(ferry):
    ferry.quotes[4].speaker.text = None
    ferry.quotes[4].speaker.span = None
    out = render(ferry, "text")
    assert "unattributed  (person)  1 quote" in out


def test_text_article_markup_is_printed_literally(hostile):
    hostile.document.title = "[bold red]loud[/bold red] :smile: [link=http://x.example]y[/link]"
    out = render(hostile, "text", color=True)
    plain = ANSI.sub("", out)
    assert plain.splitlines()[0] == hostile.document.title
    assert "\x1b]8;" not in out  # no terminal hyperlink was made
    assert "{{ 7*7 }}" in plain and "<script>alert(2)</script>" in plain


def test_text_color_adds_ansi_only_when_asked(ferry):
    assert ANSI.search(render(ferry, "text", color=True))
    assert not ANSI.search(render(ferry, "text", color=False))


def test_text_later_layers_render_when_present(ferry):
    t = ferry.document.text
    s = t.index("a bad deal")
    ferry.techniques = [Technique(technique="Loaded_Language", span=(s, s + 10), text=t[s : s + 10], confidence=0.8,
                                  explanation="An emotive word stands in for an argument.", method="rule")]
    ferry.checks = [Check(kind="unattributed_claim", severity="warning", message="A claim has no source.", evidence=[(s, s + 10)])]
    ferry.sourcing = Sourcing(voices=[Voice(name="Dana Okafor", entity="E1", kind="person", quotes=3, words=20)],
                              quoted_share=0.25, one_sided=True, summary="Mostly one official is heard.")
    out = render(ferry, "text")
    assert "Persuasion techniques (1)" in out and "Loaded_Language" in out and "0.80" in out
    assert "[warning] unattributed_claim: A claim has no source." in out and "“a bad deal”" in out
    assert "Mostly one official is heard." in out and "quoted share 25% · one-sided: yes" in out
