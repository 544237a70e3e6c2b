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
    assert "the first ferry would sail by next spring  (speech cue: said; as: Okafor)" in out
    assert "Save the Quay  (organization, E2)  1 quote" in out
    assert "[indirect] some 300 parking spaces would be lost  (speech cue: warned)" in out
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
    assert "Persuasion techniques (1)" in out and "Loaded language  “a bad deal”  (0.80, rule)" in out
    assert "[warning] unattributed_claim: A claim has no source." in out and "“a bad deal”" in out
    assert "Mostly one official is heard." in out and "quoted share 25% · one-sided: yes" in out


def test_text_later_layers_have_their_sections(rally):
    out = render(rally, "text")
    heads = ["Speakers and quotes (", "Voices (", "Entities (", "Numbers (", "Timeline (5)", "Persuasion techniques (9)",
             "Sentences with techniques (7 of ", "Checks (2)"]
    pos = [out.index(h) for h in heads]
    assert pos == sorted(pos)
    lines = out.splitlines()
    # count table: families with totals, techniques with spans and sentences
    assert re.search(r"^  Emotional appeal\s+4\s*$", out, re.M)
    assert re.search(r"^    Loaded language\s+2\s+2$", out, re.M)
    # each span with its explanation on the next line
    i = next(k for k, line in enumerate(lines) if line.strip().startswith("Doubt  “so-called advisory mission”  (0.77, rule)"))
    assert lines[i + 1].strip() == "“So-called” casts doubt on the official name."
    # sentence view: marked parts and the techniques of each sentence
    sent = out[out.index("Sentences with techniques") : out.index("Checks (2)")]
    assert "⟦heroic volunteers⟧" in sent and "⟦the sacred soil of the homeland⟧" in sent
    assert "Loaded language, Flag-waving" in sent and "S24  " in sent
    # timeline: dated by date, undated after, reporter named
    tl = out[out.index("Timeline (5)") : out.index("Persuasion techniques")]
    assert tl.index("2025-01-10") < tl.index("2026-01-09") < tl.index("undated")
    assert "reported by Hamid" in tl
    # checks last, with evidence; voices with roles and stance
    assert "[warning] quantity_conflict: The headline speaks of a million-strong march" in out
    assert "“Million-Strong March” [0–20]" in out
    assert "quoted share" in out and "one-sided: yes" in out and "NRF head" in out and "favourable" in out
    assert all(len(line) <= 100 for line in lines)


def test_text_hostile_later_layers_print_literally(hostile_full):
    from presslens.render.text import render_text

    out = render_text(hostile_full, color=True, width=400)  # wide: no table cell wraps a literal
    plain = ANSI.sub("", out)
    assert "\x1b]8;" not in out and "\x1b]8;" not in render(hostile_full, "text", color=True)
    for literal in ("</textarea><script>alert(20)</script>", "<img src=x onerror=alert(28)>", "<b onclick=alert(23)>Evil</b>",
                    "reported by <img src=x onerror=alert(28)>", "reported by quote <Q9>", "[x](javascript:alert(22))"):
        assert literal in " ".join(plain.split()), literal


def test_text_omits_empty_later_layers(empty):
    out = render(empty, "text")
    for head in ("Timeline", "Persuasion", "Sentences with", "Checks", "Voices"):
        assert head not in out


def test_text_low_confidence_technique_says_so(rally):
    rally.techniques[0] = rally.techniques[0].model_copy(update={"confidence": 0.1})
    out = render(rally, "text")
    assert "0.10, low confidence, rule" in out
    assert out.count("low confidence") == 1


def test_text_quoted_techniques_named_and_own_words_counted(rally):
    from presslens.stages.techniques import attribute

    rally.techniques = attribute(rally.techniques, rally.quotes)
    quoted = [t for t in rally.techniques if t.attributed_to]
    assert quoted and len(quoted) < len(rally.techniques)
    out = render(rally, "text")
    own = len(rally.techniques) - len(quoted)
    assert f"In the author’s own words: {own} of {len(rally.techniques)} techniques; {len(quoted)} inside quotes" in out
    flat = " ".join(out.split())  # long lines wrap at the terminal width
    for t in quoted:
        assert re.search(rf"in {t.attributed_to}, [^“”]+’s? words", flat), t.attributed_to


def test_text_cue_kind_shown(ferry):
    ferry.quotes[0].cue = ferry.quotes[0].cue.model_copy(update={"kind": "evidence"})
    out = render(ferry, "text")
    assert "(evidence cue: said)" in out and "(speech cue: said" in out


def test_text_timeline_says_how_often_an_event_is_told():
    from presslens import analyze
    from presslens.render import text as render_text

    t = ("CAIRO - Thousands of workers held a march on Saturday to demand higher wages.\n\n"
         "The marchers later descended on Tahrir Square to join the march.\n\nThe march ended at sunset, organisers said.\n")
    analysis = analyze(t, published="2026-03-02")
    told = max(len(e.mentions) for e in analysis.events)
    assert told >= 2
    assert f"told {told} times" in " ".join(render_text.render_text(analysis, width=200).split())
