"""Markdown report: the terminal summary's content as CommonMark / GFM tables.

Article text is hostile: every article-derived string goes through `esc` (inline
text) or `cell` (table cells), which backslash-escape Markdown and HTML syntax and
fold newlines, so nothing in an article can open a link, an image, raw HTML or a heading.
"""

from __future__ import annotations

import re

from ..model import Analysis
from .spans import one_line, plural, quantity_value, shown_quote, speaker_groups

QUOTE_LIMIT = 600

# Punctuation that means something to CommonMark/GFM inline (links, emphasis, code, raw HTML,
# entities, tables, strikethrough, heading closers, autolinks). Line starts are always ours.
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&:])")
_WWW = re.compile(r"(?i)\b(www)\.")


def esc(text: str | None, limit: int = 0) -> str:
    """Inline-safe Markdown for untrusted text (whitespace folded to single spaces)."""
    return _WWW.sub(r"\1\\.", _SPECIAL.sub(r"\\\1", one_line(text, limit)))


def cell(text: str | None, limit: int = 0) -> str:
    return esc(text, limit) or " "


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out.extend("| " + " | ".join(r) + " |" for r in rows)
    return out


def render_markdown(analysis: Analysis) -> str:
    doc = analysis.document
    text = doc.text
    lines: list[str] = [f"# {esc(doc.title) or 'Untitled article'}", ""]
    meta = []
    if doc.source:
        meta.append(f"**Source:** {esc(doc.source)}")
    if doc.published:
        meta.append(f"**Published:** {esc(doc.published)}")
    if doc.author:
        meta.append(f"**Author:** {esc(doc.author)}")
    if doc.url:
        meta.append(f"**URL:** {esc(doc.url)}")  # escaped, so never an autolink to a hostile scheme
    if meta:
        lines += ["  \n".join(meta), ""]
    groups = speaker_groups(analysis)
    lines += [
        f"*{plural(len(text), 'character')} · {plural(len(analysis.quotes), 'quote')} from "
        f"{plural(len(groups), 'speaker')} · {plural(len(analysis.entities), 'entity', 'entities')} · "
        f"{plural(len(analysis.quantities), 'number')}*",
        "",
    ]

    lines += [f"## Speakers and quotes ({len(analysis.quotes)})", ""]
    if not groups:
        lines += ["_None found._", ""]
    for g in groups:
        extra = g.kind + (f", {esc(g.entity)}" if g.entity else "")
        name = f"**{esc(g.label)}**" if g.key != "unattributed" else "_unattributed_"
        lines += [f"### {name} ({extra}), {len(g.quotes)} quote{'s' if len(g.quotes) != 1 else ''}", ""]
        for i in g.quotes:
            q = analysis.quotes[i]
            shown = esc(shown_quote(one_line(q.text, QUOTE_LIMIT), q.kind))
            details = []
            if q.cue is not None:
                details.append(f"cue: *{esc(q.cue.text)}*")
            if q.speaker.text and one_line(q.speaker.text) != g.label:
                details.append(f"as: {esc(q.speaker.text)}")
            tail = f" ({'; '.join(details)})" if details else ""
            lines.append(f"- `{q.kind}` {shown}{tail}")
        lines.append("")

    lines += [f"## Entities ({len(analysis.entities)})", ""]
    if analysis.entities:
        rows = [
            [
                f"**{cell(e.name)}**",
                e.type,
                str(len(e.mentions)),
                cell("; ".join(a for a in e.aliases if a != e.name)),
                cell("; ".join(e.descriptions)),
            ]
            for e in analysis.entities
        ]
        lines += _table(["Name", "Type", "Mentions", "Aliases", "Roles"], rows)
    else:
        lines.append("_None found._")
    lines.append("")

    lines += [f"## Numbers ({len(analysis.quantities)})", ""]
    if analysis.quantities:
        rows = [
            [cell(q.text), cell(quantity_value(q)), "yes" if q.approximate else " ", cell(q.counted), q.kind]
            for q in analysis.quantities
        ]
        lines += _table(["Text", "Value", "Approx.", "Counted", "Kind"], rows)
    else:
        lines.append("_None found._")
    lines.append("")

    if analysis.techniques:
        lines += [f"## Persuasion techniques ({len(analysis.techniques)})", ""]
        rows = [
            [cell(t.technique), cell(t.text, 160), f"{t.confidence:.2f}", cell(t.explanation)]
            for t in analysis.techniques
        ]
        lines += _table(["Technique", "Text", "Confidence", "Why"], rows) + [""]
    if analysis.events:
        lines += [f"## Events ({len(analysis.events)})", ""]
        rows = []
        for ev in analysis.events:
            where = [x.text for x in (ev.location, ev.date, ev.size) if x is not None]
            rows.append(
                [
                    cell(ev.type),
                    cell(ev.trigger.text),
                    cell("; ".join(a.text for a in ev.actors)),
                    cell("; ".join(a.text for a in ev.targets)),
                    cell("; ".join(where)),
                ]
            )
        lines += _table(["Type", "Trigger", "Actors", "Targets", "Where / when / size"], rows) + [""]
    if analysis.checks:
        lines += [f"## Checks ({len(analysis.checks)})", ""]
        for c in analysis.checks:
            lines.append(f"- **{c.severity}** *{esc(c.kind)}*: {esc(c.message)}")
            for s, e in c.evidence[:5]:
                lines.append(f"  - “{esc(text[s:e], 160)}” \\[{s}–{e}\\]")
        lines.append("")
    if analysis.sourcing is not None:
        src = analysis.sourcing
        one_sided = {True: "yes", False: "no", None: "unknown"}[src.one_sided]
        lines += ["## Sourcing", ""]
        if src.summary:
            lines += [esc(src.summary), ""]
        lines += [f"Quoted share: {src.quoted_share:.0%} · one-sided: {one_sided}", ""]
        if src.voices:
            rows = [
                [cell(v.name or "unattributed"), v.kind, str(v.quotes), str(v.words), v.stance] for v in src.voices
            ]
            lines += _table(["Voice", "Kind", "Quotes", "Words", "Stance"], rows) + [""]
    if analysis.warnings:
        lines += [f"## Warnings ({len(analysis.warnings)})", ""]
        lines += [f"- {esc(w)}" for w in analysis.warnings] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"
