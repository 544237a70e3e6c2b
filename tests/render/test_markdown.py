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
    assert "- `direct` “We have waited twelve years for this,” (speech cue: *said*)" in md
    assert "- `indirect` the first ferry would sail by next spring (speech cue: *said*; as: Okafor)" in md
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


def test_markdown_timeline_lists_events_generically(ferry):
    t = ferry.document.text
    s = t.index("voted")
    ferry.events = [Event(type="AGREE", trigger=Trigger(text="voted", span=(s, s + 5)), actors=[Participant(text="The harbour council")])]
    md = render(ferry, "md")
    assert "## Timeline (1)" in md and "| _undated_ | AGREE | The harbour council | voted |   |" in md


def _tables(md: str) -> list[list[str]]:
    """Consecutive table lines of a Markdown text."""
    out: list[list[str]] = []
    prev = False
    for line in md.splitlines():
        is_row = line.startswith("| ")
        if is_row and not prev:
            out.append([])
        if is_row:
            out[-1].append(line)
        prev = is_row or line.startswith("|---")
    return out


def test_markdown_later_layers_have_their_sections(rally):
    md = render(rally, "md")
    order = [md.index(h) for h in ("## Speakers and quotes", "## Voices (", "## Entities", "## Numbers", "## Timeline (5)",
                                    "## Persuasion techniques (9)", "## Sentences with techniques (7 of ", "## Checks (2)")]
    assert order == sorted(order)
    # the count table: one bold row per family, then its techniques with span and sentence counts
    assert "| **Emotional appeal** | 4 |   |" in md and "| Loaded language | 2 | 2 |" in md
    assert "| **Repetition** | 1 |   |" in md and "| Repetition | 1 | 1 |" in md
    # every span with its explanation
    assert "- **Doubt** “so-called advisory mission” (0.77, rule): “So-called” casts doubt on the official name." in md
    # the sentence view marks the technique parts in bold
    assert "**heroic volunteers** and resistance factions" in md and "_Loaded language, Flag-waving_" in md
    # the timeline: dated in date order, undated after, reported speech named
    tl = md[md.index("## Timeline") : md.index("## Persuasion")]
    assert tl.index("| 2025-01-10 | DECLARE |") < tl.index("| 2026-01-09 | PROTEST | Qadiris |") < tl.index("| _undated_ | DEMAND |")
    assert "| _undated_ | CONSULT | parliament | would debate the expulsion bill | reported by Hamid Orfali |" in tl
    # checks with evidence offsets; voices with role and stance
    assert "- **warning** *quantity\\_conflict*: The headline speaks of a million-strong march" in md
    assert "  - “Million-Strong March” \\[0–20\\]" in md
    assert "| **Tariq bin Salem** | person | the secretary general of Jabhat’ul Sumud | 5 |" in md
    assert "Quoted share: " in md and "one-sided: yes" in md
    # every table keeps its column count
    for table in _tables(md):
        assert len({len(re.findall(r"(?<!\\)\|", r)) for r in table}) == 1, table


def test_markdown_hostile_later_layers_are_escaped(hostile_full):
    md = render(hostile_full, "md")
    assert not re.search(r"(?<!\\)<[a-zA-Z/]", md)
    assert not re.search(r"(?<!\\)\]\(", md)  # no link syntax: every ] from the article is escaped
    assert "\\</textarea\\>\\<script\\>alert(20)\\</script\\>" in md  # explanation and check message
    assert "**\\<img src=x onerror=alert(28)\\>**" in md  # voice name
    assert "reported by \\<img src=x onerror=alert(28)\\>" in md  # event reported by a hostile voice
    for table in _tables(md):
        assert len({len(re.findall(r"(?<!\\)\|", r)) for r in table}) == 1, table


def test_markdown_omits_empty_later_layers(empty):
    md = render(empty, "md")
    for head in ("Timeline", "Persuasion", "Sentences with", "Checks", "Voices"):
        assert f"## {head}" not in md


def test_markdown_low_confidence_technique_says_so(rally):
    rally.techniques[0] = rally.techniques[0].model_copy(update={"confidence": 0.1})
    out = render(rally, "md")
    assert "(0.10, low confidence, rule)" in out
    assert out.count("low confidence") == 1


def test_markdown_quoted_techniques_named_and_own_words_counted(rally):
    from presslens.stages.techniques import attribute

    rally.techniques = attribute(rally.techniques, rally.quotes)
    quoted = [t for t in rally.techniques if t.attributed_to]
    assert quoted and len(quoted) < len(rally.techniques)
    md = render(rally, "md")
    own = len(rally.techniques) - len(quoted)
    assert f"In the author’s own words\\: {own} of {len(rally.techniques)} techniques; {len(quoted)} inside quotes" in md
    lines = [line for line in md.splitlines() if line.startswith("- **") and "” _in Q" in line]
    assert len(lines) == len(quoted)
