"""Terminal summary with rich: header, speakers → quotes, entities, numbers, later layers.

Article-derived strings are always wrapped in `rich.text.Text`, never parsed as rich
markup, so "[bold]" or "[link=…]" in an article prints as written.
"""

from __future__ import annotations

from io import StringIO

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..model import Analysis
from .spans import one_line, plural, quantity_value, shown_quote, speaker_groups

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
            f"{plural(len(analysis.entities), 'entity', 'entities')} · {plural(len(analysis.quantities), 'number')}",
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
                details.append(f"cue: {one_line(q.cue.text)}")
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


def _later_layers(console: Console, analysis: Analysis) -> None:
    text = analysis.document.text
    if analysis.techniques:
        _section(console, "Persuasion techniques", len(analysis.techniques))
        table = _table("Technique", "Text", "Conf.", "Why")
        for t in analysis.techniques:
            table.add_row(Text(t.technique), Text(one_line(t.text, 160)), Text(f"{t.confidence:.2f}"), Text(one_line(t.explanation)))
        console.print(Padding(table, (0, 0, 0, 2)))
    if analysis.events:
        _section(console, "Events", len(analysis.events))
        table = _table("Type", "Trigger", "Actors", "Targets", "Where / when / size")
        for ev in analysis.events:
            where = [x.text for x in (ev.location, ev.date, ev.size) if x is not None]
            table.add_row(
                Text(ev.type),
                Text(one_line(ev.trigger.text)),
                Text("; ".join(one_line(a.text) for a in ev.actors)),
                Text("; ".join(one_line(a.text) for a in ev.targets)),
                Text("; ".join(one_line(w) for w in where)),
            )
        console.print(Padding(table, (0, 0, 0, 2)))
    if analysis.checks:
        _section(console, "Checks", len(analysis.checks))
        for c in analysis.checks:
            line = Text("  ")
            line.append(f"[{c.severity}] ", style="yellow" if c.severity == "warning" else "blue")
            line.append(f"{c.kind}: ", style="bold")
            line.append(one_line(c.message))
            console.print(line)
            for s, e in c.evidence[:5]:
                console.print(Text(f"      “{one_line(text[s:e], 160)}” [{s}–{e}]", style="dim"))
    if analysis.sourcing is not None:
        src = analysis.sourcing
        _section(console, "Sourcing")
        if src.summary:
            console.print(Padding(Text(one_line(src.summary)), (0, 0, 0, 2)))
        one_sided = {True: "yes", False: "no", None: "unknown"}[src.one_sided]
        console.print(Text(f"  quoted share {src.quoted_share:.0%} · one-sided: {one_sided}", style="dim"))
        if src.voices:
            table = _table("Voice", "Kind", "Quotes", "Words", "Stance")
            for v in src.voices:
                table.add_row(Text(one_line(v.name) or "unattributed"), Text(v.kind), Text(str(v.quotes)), Text(str(v.words)), Text(v.stance))
            console.print(Padding(table, (0, 0, 0, 2)))


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
    _entities(console, analysis)
    _numbers(console, analysis)
    _later_layers(console, analysis)
    _warnings(console, analysis)
    # Padding fills lines to the full width; trailing blanks only get in the way of pipes and diffs.
    return "\n".join(line.rstrip() for line in buf.getvalue().split("\n"))


__all__ = ["render_text"]
