"""Terminal summary with rich: header, speakers → quotes, entities, numbers, checks, voices,
techniques (count table, spans, sentence view) and the timeline of events.

Article-derived strings are always wrapped in `rich.text.Text`, never parsed as rich
markup, so "[bold]" or "[link=…]" in an article prints as written.
"""

from __future__ import annotations

import re
from io import StringIO

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..model import Analysis
from .spans import (
    check_evidence,
    cue_phrase,
    later_counts,
    marked_pieces,
    one_line,
    own_words_line,
    plural,
    quantity_value,
    shown_quote,
    speaker_groups,
    technique_basis,
    technique_counts,
    technique_family,
    technique_name,
    technique_owners,
    technique_sentences,
    timeline,
    timeline_details,
    voice_stances,
    who_to_whom,
)

WIDTH = 100
QUOTE_LIMIT = 400  # characters of a quote shown in the terminal


def _section(console: Console, title: str, count: int | None = None) -> None:
    label = title if count is None else f"{title} ({count})"
    console.print()
    console.rule(Text(label, style="bold"), align="left", style="dim")


def _none(console: Console, what: str) -> None:
    console.print(Padding(Text(f"none found ({what})", style="dim italic"), (0, 0, 0, 2)))


def _header(console: Console, analysis: Analysis) -> None:
    doc = analysis.document
    console.print(Text(one_line(doc.title) or "(untitled article)", style="bold"))
    meta = [x for x in (doc.source, doc.published, doc.author) if x]
    if meta:
        console.print(Text(" · ".join(one_line(x) for x in meta), style="dim"))
    if doc.url:
        console.print(Text(one_line(doc.url), style="dim"))
    speakers = speaker_groups(analysis)
    console.print(
        Text(
            f"{plural(len(doc.text), 'character')} · {plural(len(doc.paragraphs), 'paragraph')} · "
            f"{plural(len(analysis.quotes), 'quote')} from {plural(len(speakers), 'speaker')} · "
            f"{plural(len(analysis.entities), 'entity', 'entities')} · {plural(len(analysis.quantities), 'number')}"
            + later_counts(analysis),
            style="dim",
        )
    )


def _speakers(console: Console, analysis: Analysis) -> None:
    groups = speaker_groups(analysis)
    _section(console, "Speakers and quotes", len(analysis.quotes))
    if not groups:
        _none(console, "no quotes")
        return
    for g in groups:
        head = Text("  ")
        head.append(g.label, style="bold" if g.key != "unattributed" else "italic")
        extra = [g.kind] + ([g.entity] if g.entity else [])
        head.append(f"  ({', '.join(extra)})", style="dim")
        head.append(f"  {len(g.quotes)} quote{'s' if len(g.quotes) != 1 else ''}", style="dim")
        console.print(head)
        for i in g.quotes:
            q = analysis.quotes[i]
            line = Text()
            line.append(f"[{q.kind}] ", style="cyan")
            line.append(shown_quote(one_line(q.text, QUOTE_LIMIT), q.kind))
            details = []
            if q.cue is not None:
                details.append(cue_phrase(q))
            if q.speaker.text and one_line(q.speaker.text) != g.label:
                details.append(f"as: {one_line(q.speaker.text)}")
            if details:
                line.append(f"  ({'; '.join(details)})", style="dim")
            console.print(Padding(line, (0, 0, 0, 4)))


def _table(*columns: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False, padding=(0, 1))
    for c in columns:
        table.add_column(c, overflow="fold")
    return table


def _entities(console: Console, analysis: Analysis) -> None:
    _section(console, "Entities", len(analysis.entities))
    if not analysis.entities:
        _none(console, "no entities")
        return
    table = _table("Name", "Type", "Mentions", "Aliases", "Roles")
    for ent in analysis.entities:
        aliases = [a for a in ent.aliases if a != ent.name]
        table.add_row(
            Text(one_line(ent.name), style="bold"),
            Text(ent.type),
            Text(str(len(ent.mentions))),
            Text("; ".join(one_line(a) for a in aliases)),
            Text("; ".join(one_line(d) for d in ent.descriptions)),
        )
    console.print(Padding(table, (0, 0, 0, 2)))


def _numbers(console: Console, analysis: Analysis) -> None:
    _section(console, "Numbers", len(analysis.quantities))
    if not analysis.quantities:
        _none(console, "no numbers")
        return
    table = _table("Text", "Value", "Approx.", "Counted", "Kind")
    for q in analysis.quantities:
        table.add_row(
            Text(one_line(q.text)),
            Text(quantity_value(q)),
            Text("yes" if q.approximate else ""),
            Text(one_line(q.counted)),
            Text(q.kind),
        )
    console.print(Padding(table, (0, 0, 0, 2)))


FAMILY_STYLES = {  # terminal colours of the technique families (same hues as the HTML report)
    "emotion": "red", "attack": "magenta", "simplify": "yellow", "credibility": "cyan", "repetition": "green", "other": "white",
}
EVIDENCE_SHOWN = 5


def _techniques(console: Console, analysis: Analysis) -> None:
    if not analysis.techniques:
        return
    _section(console, "Persuasion techniques", len(analysis.techniques))
    table = _table("Technique", "Spans", "Sentences")
    table.columns[1].justify = table.columns[2].justify = "right"
    rows = technique_counts(analysis)
    family = None
    for r in rows:
        if r.family != family:
            family = r.family
            total = sum(x.count for x in rows if x.family == family)
            table.add_row(Text(r.family_label, style=f"bold {FAMILY_STYLES.get(family, '')}".strip()), Text(str(total)), Text(""))
        table.add_row(Text("  " + r.name), Text(str(r.count)), Text(str(r.sentences)))
    console.print(Padding(table, (0, 0, 0, 2)))
    owners = technique_owners(analysis)
    console.print(Padding(Text(own_words_line(analysis, owners)), (0, 0, 0, 2)))
    console.print()
    for t, owner in zip(analysis.techniques, owners):
        key, _ = technique_family(t.technique)
        line = Text()
        line.append(technique_name(t.technique), style=f"bold {FAMILY_STYLES.get(key, '')}".strip())
        line.append("  ")
        line.append(f"“{one_line(t.text, 160)}”")
        if owner.quoted:
            line.append(f"  {owner.phrase()}", style="italic")
        line.append(f"  ({technique_basis(t)})", style="dim")
        console.print(Padding(line, (0, 0, 0, 2)))
        console.print(Padding(Text(one_line(t.explanation) or "(no explanation given)", style="dim"), (0, 0, 0, 6)))


def _sentences(console: Console, analysis: Analysis) -> None:
    hits, total = technique_sentences(analysis)
    if not hits:
        return
    text = analysis.document.text
    _section(console, f"Sentences with techniques ({len(hits)} of {total})")
    for hit in hits:
        line = Text()
        line.append(f"S{hit.number}  ", style="bold")
        spans = [tuple(analysis.techniques[i].span) for i in hit.techniques]
        pos = hit.start
        for piece, marked in marked_pieces(text, hit.start, hit.end, spans):
            shown = _SPACES.sub(" ", piece)
            if marked:
                # coloured by the family of the first technique covering the piece (brackets for no colour)
                first = next((i for i in hit.techniques if analysis.techniques[i].span[0] <= pos < analysis.techniques[i].span[1]), None)
                family = technique_family(analysis.techniques[first].technique)[0] if first is not None else "other"
                line.append(f"⟦{shown}⟧", style=f"bold underline {FAMILY_STYLES.get(family, '')}".strip())
            else:
                line.append(shown)
            pos += len(piece)
        console.print(Padding(line, (0, 0, 0, 2)))
        labels = []
        for i in hit.techniques:
            name = technique_name(analysis.techniques[i].technique)
            if name not in labels:
                labels.append(name)
        console.print(Padding(Text(", ".join(labels), style="dim"), (0, 0, 0, 6)))


def _timeline(console: Console, analysis: Analysis) -> None:
    if not analysis.events:
        return
    dated, undated = timeline(analysis)
    _section(console, "Timeline", len(analysis.events))
    table = _table("When", "Type", "Who → whom", "What", "Details")
    for entry in [*dated, *undated]:
        details = timeline_details(entry)
        table.add_row(
            Text(entry.date) if entry.date else Text("undated", style="dim italic"),
            Text(entry.type),
            Text(who_to_whom(entry)),
            Text(entry.trigger),
            Text("; ".join(details)),
        )
    console.print(Padding(table, (0, 0, 0, 2)))


def _checks(console: Console, analysis: Analysis) -> None:
    if not analysis.checks:
        return
    text = analysis.document.text
    _section(console, "Checks", len(analysis.checks))
    for i, c in enumerate(analysis.checks):
        line = Text()
        line.append(f"[{c.severity}] ", style="bold yellow" if c.severity == "warning" else "blue")
        line.append(f"{c.kind}: ", style="bold")
        line.append(one_line(c.message))
        console.print(Padding(line, (0, 0, 0, 2)))
        evidence = check_evidence(analysis, i)
        for s, e in evidence[:EVIDENCE_SHOWN]:
            console.print(Padding(Text(f"“{one_line(text[s:e], 160)}” [{s}–{e}]", style="dim"), (0, 0, 0, 6)))
        if len(evidence) > EVIDENCE_SHOWN:
            console.print(Padding(Text(f"and {len(evidence) - EVIDENCE_SHOWN} more", style="dim"), (0, 0, 0, 6)))


def _voices(console: Console, analysis: Analysis) -> None:
    src = analysis.sourcing
    if src is None:
        return
    _section(console, "Voices", len(src.voices))
    if src.summary:
        console.print(Padding(Text(one_line(src.summary)), (0, 0, 0, 2)))
    one_sided = {True: "yes", False: "no", None: "unknown"}[src.one_sided]
    console.print(Text(f"  quoted share {src.quoted_share:.0%} · one-sided: {one_sided}", style="dim"))
    if not src.voices:
        _none(console, "no voices")
        return
    table = _table("Voice", "Kind", "Role", "Quotes", "Words", "Stance")
    table.columns[3].justify = table.columns[4].justify = "right"
    stance_style = {"favourable": "green", "critical": "red"}
    for v in src.voices:
        table.add_row(
            Text(one_line(v.name), style="bold") if v.name else Text("unattributed", style="italic"),
            Text(v.kind),
            Text(one_line(v.role)),
            Text(str(v.quotes)),
            Text(str(v.words)),
            Text(v.stance, style=stance_style.get(v.stance, "")),
        )
    console.print(Padding(table, (0, 0, 0, 2)))
    toward = [(v, voice_stances(v)) for v in src.voices if voice_stances(v)]
    if toward:
        console.print(Text("  stances toward the main actors:", style="dim"))
        for v, line in toward:
            row = Text()
            row.append(one_line(v.name) or "unattributed", style="bold" if v.name else "italic")
            row.append(f" {line}")
            console.print(Padding(row, (0, 0, 0, 4)))


_SPACES = re.compile(r"\s+")


def _warnings(console: Console, analysis: Analysis) -> None:
    if not analysis.warnings:
        return
    _section(console, "Warnings", len(analysis.warnings))
    for w in analysis.warnings:
        console.print(Text(f"  ! {one_line(w)}", style="yellow"))


def render_text(analysis: Analysis, *, color: bool = False, width: int = WIDTH) -> str:
    buf = StringIO()
    console = Console(
        file=buf,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
        legacy_windows=False,
    )
    _header(console, analysis)
    _speakers(console, analysis)
    _voices(console, analysis)
    _entities(console, analysis)
    _numbers(console, analysis)
    _timeline(console, analysis)
    _techniques(console, analysis)
    _sentences(console, analysis)
    _checks(console, analysis)  # last: the findings a reader should leave with
    _warnings(console, analysis)
    # Padding fills lines to the full width; trailing blanks only get in the way of pipes and diffs.
    return "\n".join(line.rstrip() for line in buf.getvalue().split("\n"))


__all__ = ["render_text"]
