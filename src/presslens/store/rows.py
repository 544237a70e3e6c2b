"""One `Analysis` as rows of the store's finding tables (see schema.py for the columns)."""

from __future__ import annotations

from typing import Any

from ..model import Analysis, Span

Row = tuple[Any, ...]

# Own columns of each finding table, after article_id, external_id, analysis_version, n.
COLUMNS: dict[str, tuple[str, ...]] = {
    "quotes": (
        "quote_id", "kind", "span_start", "span_end", "text", "speaker_text", "speaker_start", "speaker_end",
        "speaker_entity", "speaker_name", "speaker_kind", "cue_text", "cue_start", "cue_end", "cue_kind",
    ),
    "voices": (
        "name", "entity", "kind", "role", "quotes", "words", "stance", "quote_ids", "span_start", "span_end",
        "text", "mentions",
    ),
    "entities": (
        "entity_id", "name", "type", "gender", "aliases", "descriptions", "span_start", "span_end", "text",
        "mentions", "mention_spans",
    ),
    "quantities": ("span_start", "span_end", "text", "value", "low", "high", "approximate", "counted", "unit", "kind"),
    "events": (
        "event_id", "type", "span_start", "span_end", "text", "actors", "targets", "location", "date_text",
        "date_value", "size_text", "size_value", "attributed_to",
    ),
    "techniques": ("technique", "span_start", "span_end", "text", "confidence", "method", "attributed_to", "explanation"),
    "checks": ("kind", "severity", "message", "span_start", "span_end", "text", "evidence"),
}
HEAD = ("article_id", "external_id", "analysis_version", "n")


def _span(span: Span | None) -> tuple[int | None, int | None]:
    return (span[0], span[1]) if span is not None else (None, None)


def _first(text: str, spans: list[Span]) -> tuple[int | None, int | None, str | None]:
    if not spans:
        return None, None, None
    s, e = spans[0]
    return s, e, text[s:e]


def finding_rows(analysis: Analysis) -> dict[str, list[Row]]:
    """Own-column rows per finding table, in the order of the analysis lists."""
    text = analysis.document.text
    out: dict[str, list[Row]] = {name: [] for name in COLUMNS}
    for q in analysis.quotes:
        sp, cue = q.speaker, q.cue
        out["quotes"].append((
            q.id, q.kind, *q.span, q.text, sp.text, *_span(sp.span), sp.entity, sp.name, sp.kind,
            cue.text if cue else None, *_span(cue.span if cue else None), cue.kind if cue else None,
        ))
    if analysis.sourcing is not None:
        for v in analysis.sourcing.voices:
            out["voices"].append((
                v.name, v.entity, v.kind, v.role, v.quotes, v.words, v.stance, list(v.quote_ids),
                *_first(text, v.mentions), len(v.mentions),
            ))
    for ent in analysis.entities:
        out["entities"].append((
            ent.id, ent.name, ent.type, ent.gender, list(ent.aliases), list(ent.descriptions),
            *_first(text, ent.mentions), len(ent.mentions), [list(m) for m in ent.mentions],
        ))
    for n in analysis.quantities:
        out["quantities"].append((*n.span, n.text, n.value, n.low, n.high, n.approximate, n.counted, n.unit, n.kind))
    for ev in analysis.events:
        out["events"].append((
            ev.id, ev.type, *ev.trigger.span, ev.trigger.text, [a.text for a in ev.actors], [t.text for t in ev.targets],
            ev.location.text if ev.location else None, ev.date.text if ev.date else None,
            ev.date.value if ev.date else None, ev.size.text if ev.size else None,
            ev.size.value if ev.size else None, ev.attributed_to,
        ))
    for t in analysis.techniques:
        out["techniques"].append((t.technique, *t.span, t.text, t.confidence, t.method, t.attributed_to, t.explanation))
    for c in analysis.checks:
        out["checks"].append((c.kind, c.severity, c.message, *_first(text, c.evidence), [list(e) for e in c.evidence]))
    return out
