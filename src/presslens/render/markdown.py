"""Markdown report: the terminal summary's content as CommonMark / GFM tables (speakers, voices,
entities, numbers, timeline, techniques with counts and the sentence view, checks).

Article text is hostile: every article-derived string goes through `esc` (inline
text) or `cell` (table cells), which backslash-escape Markdown and HTML syntax and
fold newlines, so nothing in an article can open a link, an image, raw HTML or a heading.
"""

from __future__ import annotations

import re

from ..model import Analysis
from .spans import (
    check_evidence,
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
    technique_name,
    technique_owners,
    technique_sentences,
    timeline,
    timeline_details,
    voice_stances,
    who_to_whom,
)

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
        f"{plural(len(analysis.quantities), 'number')}{later_counts(analysis)}*",
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
                details.append(f"{q.cue.kind} cue: *{esc(q.cue.text)}*")
            if q.speaker.text and one_line(q.speaker.text) != g.label:
                details.append(f"as: {esc(q.speaker.text)}")
            tail = f" ({'; '.join(details)})" if details else ""
            lines.append(f"- `{q.kind}` {shown}{tail}")
        lines.append("")

    lines += _voices(analysis)

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

    lines += _timeline(analysis)
    lines += _techniques(analysis)
    lines += _sentences(analysis)
    lines += _checks(analysis)
    if analysis.warnings:
        lines += [f"## Warnings ({len(analysis.warnings)})", ""]
        lines += [f"- {esc(w)}" for w in analysis.warnings] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


EVIDENCE_SHOWN = 5


def _voices(analysis: Analysis) -> list[str]:
    src = analysis.sourcing
    if src is None:
        return []
    one_sided = {True: "yes", False: "no", None: "unknown"}[src.one_sided]
    lines = [f"## Voices ({len(src.voices)})", ""]
    if src.summary:
        lines += [esc(src.summary), ""]
    lines += [f"Quoted share: {src.quoted_share:.0%} · one-sided: {one_sided}", ""]
    if src.voices:
        rows = [
            [f"**{cell(v.name)}**" if v.name else "_unattributed_", v.kind, cell(v.role), str(v.quotes), str(v.words),
             v.stance + (f" ({esc(voice_stances(v))})" if voice_stances(v) else "")]
            for v in src.voices
        ]
        lines += _table(["Voice", "Kind", "Role", "Quotes", "Words", "Stance"], rows)
    else:
        lines.append("_No voices._")
    return lines + [""]


def _timeline(analysis: Analysis) -> list[str]:
    if not analysis.events:
        return []
    dated, undated = timeline(analysis)
    rows = []
    for entry in [*dated, *undated]:
        details = timeline_details(entry, esc)
        rows.append([
            esc(entry.date) if entry.date else "_undated_", cell(entry.type), cell(who_to_whom(entry)),
            cell(entry.trigger), "; ".join(details) or " ",
        ])
    return [f"## Timeline ({len(analysis.events)})", ""] + _table(["When", "Type", "Who → whom", "What", "Details"], rows) + [""]


def _techniques(analysis: Analysis) -> list[str]:
    if not analysis.techniques:
        return []
    lines = [f"## Persuasion techniques ({len(analysis.techniques)})", ""]
    rows = []
    counts = technique_counts(analysis)
    family = None
    for r in counts:
        if r.family != family:
            family = r.family
            rows.append([f"**{esc(r.family_label)}**", str(sum(x.count for x in counts if x.family == family)), " "])
        rows.append([f"{esc(r.name)}", str(r.count), str(r.sentences)])
    lines += _table(["Technique", "Spans", "Sentences"], rows) + [""]
    owners = technique_owners(analysis)
    lines += [esc(own_words_line(analysis, owners)), ""]
    for t, owner in zip(analysis.techniques, owners):
        whose = f" _{esc(owner.phrase())}_" if owner.quoted else ""
        lines.append(
            f"- **{esc(technique_name(t.technique))}** “{esc(t.text, 160)}”{whose} ({technique_basis(t)}): "
            f"{esc(t.explanation) or '_no explanation given_'}"
        )
    return lines + [""]


def _sentences(analysis: Analysis) -> list[str]:
    hits, total = technique_sentences(analysis)
    if not hits:
        return []
    text = analysis.document.text
    lines = [f"## Sentences with techniques ({len(hits)} of {total})", ""]
    for hit in hits:
        spans = [tuple(analysis.techniques[i].span) for i in hit.techniques]
        shown = "".join(_strong(piece) if marked else esc_keep_edges(piece) for piece, marked in marked_pieces(text, hit.start, hit.end, spans))
        names: list[str] = []
        for i in hit.techniques:
            name = technique_name(analysis.techniques[i].technique)
            if name not in names:
                names.append(name)
        lines.append(f"- **S{hit.number}** {shown.strip()}  \n  _{esc(', '.join(names))}_")
    return lines + [""]


def _checks(analysis: Analysis) -> list[str]:
    if not analysis.checks:
        return []
    text = analysis.document.text
    lines = [f"## Checks ({len(analysis.checks)})", ""]
    for i, c in enumerate(analysis.checks):
        lines.append(f"- **{c.severity}** *{esc(c.kind)}*: {esc(c.message)}")
        evidence = check_evidence(analysis, i)
        for s, e in evidence[:EVIDENCE_SHOWN]:
            lines.append(f"  - “{esc(text[s:e], 160)}” \\[{s}–{e}\\]")
        if len(evidence) > EVIDENCE_SHOWN:
            lines.append(f"  - and {len(evidence) - EVIDENCE_SHOWN} more")
    return lines + [""]


def esc_keep_edges(text: str) -> str:
    """esc() for a piece inside a line: keeps one space at either edge where the text had whitespace."""
    inner = esc(text)
    if not inner:
        return " " if text else ""
    return (" " if text[:1].isspace() else "") + inner + (" " if text[-1:].isspace() else "")


def _strong(text: str) -> str:
    """Bold a marked piece; whitespace stays outside the ** so CommonMark still sees emphasis."""
    inner = esc(text)
    if not inner:
        return esc_keep_edges(text)
    return (" " if text[:1].isspace() else "") + f"**{inner}**" + (" " if text[-1:].isspace() else "")
