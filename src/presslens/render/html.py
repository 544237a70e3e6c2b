"""Self-contained HTML report: the article with highlighted layers and a side panel.

Security model: the article is hostile. Every string from the analysis reaches the
page through Jinja's autoescape (always on) and data for the script goes in a
`<script type="application/json">` block escaped for `<`, `>`, `&`, U+2028/2029.
A Content-Security-Policy meta allows only the report's own inline style and script,
pinned by their SHA-256 hashes (deterministic output, no nonce to predict or leak).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .. import __version__
from ..model import Analysis
from .spans import (
    LAYERS,
    UNATTRIBUTED,
    Mark,
    highlight_blocks,
    one_line,
    plural,
    quantity_value,
    shown_quote,
    quote_colours,
    speaker_groups,
)

TEMPLATES = Path(__file__).parent / "templates"
SNIPPET = 240  # characters of a quote shown in the side panel and tooltips


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # .j2 is not in select_autoescape's list: force it on
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@lru_cache(maxsize=4)
def _block(name: str) -> str:
    """A template block (constant CSS or JS) rendered on its own, exactly as it appears in the page."""
    tmpl = _env().get_template("report.html.j2")
    return "".join(tmpl.blocks[name](tmpl.new_context({})))


def json_for_script(data: Any) -> Markup:
    """JSON that cannot end its <script> element or be read as HTML inside it."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    raw = (
        raw.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return Markup(raw)


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def safe_url(url: str | None) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:) stays text."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


@dataclass
class Item:
    """What hovering or reading a finding shows: a title and detail lines."""

    title: str
    lines: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        return " — ".join([self.title, *self.lines]) if self.lines else self.title


def _items(analysis: Analysis, labels: list[str]) -> dict[str, list[dict[str, Any]]]:
    quotes, speakers, cues = [], [], []
    for i, q in enumerate(analysis.quotes):
        label = labels[i]
        shown = shown_quote(one_line(q.text, SNIPPET), q.kind)
        spk = label if label == UNATTRIBUTED else f"{label} ({q.speaker.kind})"
        lines = [f"Speaker: {spk}"]
        if q.speaker.text and one_line(q.speaker.text) != label:
            lines.append(f"written as: {one_line(q.speaker.text)}")
        if q.cue is not None:
            lines.append(f"cue: {one_line(q.cue.text)}")
        quotes.append(Item(f"{q.kind.capitalize()} quote {q.id}: {shown}", lines))
        speakers.append(Item(f"Speaker: {label}", [f"of {q.kind} quote {q.id}: {shown}"]))
        cues.append(Item(f"Speech cue: {one_line(q.cue.text) if q.cue else ''}", [f"introduces quote {q.id} by {label}"]))
    entities = []
    for e in analysis.entities:
        lines = [f"{e.type} · {len(e.mentions)} mention{'s' if len(e.mentions) != 1 else ''}"]
        aliases = [one_line(a) for a in e.aliases if a != e.name]
        if aliases:
            lines.append("also: " + "; ".join(aliases))
        if e.descriptions:
            lines.append("roles: " + "; ".join(one_line(d) for d in e.descriptions))
        entities.append(Item(f"{one_line(e.name)} ({e.id})", lines))
    numbers = []
    for n in analysis.quantities:
        lines = []
        value = quantity_value(n)
        if value:
            lines.append(f"value {value}")
        if n.counted:
            lines.append(f"counting: {one_line(n.counted)}")
        lines.append(f"kind: {n.kind}" + (" · approximate" if n.approximate else ""))
        numbers.append(Item(f"Number: {one_line(n.text)}", lines))
    techniques = [
        Item(f"Technique: {t.technique}", [one_line(t.explanation), f"confidence {t.confidence:.2f} ({t.method})"])
        for t in analysis.techniques
    ]
    events = []
    for ev in analysis.events:
        lines = [f"trigger: {one_line(ev.trigger.text)}"]
        if ev.actors:
            lines.append("actors: " + "; ".join(one_line(a.text) for a in ev.actors))
        if ev.targets:
            lines.append("targets: " + "; ".join(one_line(a.text) for a in ev.targets))
        for label_, part in (("where", ev.location), ("when", ev.date), ("size", ev.size)):
            if part is not None:
                lines.append(f"{label_}: {one_line(part.text)}")
        events.append(Item(f"Event: {ev.type}", lines))
    out = {
        "quote": quotes, "speaker": speakers, "cue": cues, "entity": entities,
        "number": numbers, "technique": techniques, "event": events,
    }
    return {k: [{"title": it.title, "lines": it.lines, "text": it.as_text()} for it in v] for k, v in out.items()}


def _run_view(marks: tuple[Mark, ...], starts: tuple[Mark, ...], text: str, items: dict, colours: list[int], entity_types: list[str]) -> dict[str, Any]:
    if not marks:
        return {"text": text, "classes": "", "data": {}, "title": "", "anchors": [f"{m.layer}-{m.index}" for m in starts]}
    classes = ["hl"]
    data: dict[str, list[str]] = {}
    titles: list[str] = []
    for m in marks:
        if m.layer not in data:
            data[m.layer] = []
            classes.append(f"hl-{m.layer}")
        idx = str(m.index)
        if idx not in data[m.layer]:
            data[m.layer].append(idx)
            t = items[m.layer][m.index]["text"]
            if t not in titles:
                titles.append(t)
    # Innermost quote/speaker/entity decides the colour (marks are outermost first).
    for m in reversed(marks):
        if m.layer == "quote":
            classes.append(_colour_class("qc", colours[m.index]))
            break
    for m in reversed(marks):
        if m.layer == "speaker":
            classes.append(_colour_class("sc", colours[m.index]))
            break
    for m in reversed(marks):
        if m.layer == "entity":
            classes.append(f"et-{entity_types[m.index]}")
            break
    return {
        "text": text,
        "classes": " ".join(classes),
        "data": {k: " ".join(v) for k, v in data.items()},
        "title": "\n".join(titles),
        "anchors": [f"{m.layer}-{m.index}" for m in starts if m.layer in ("quote", "entity", "number", "technique", "event")],
    }


def _colour_class(prefix: str, colour: int) -> str:
    return f"{prefix}-{'u' if colour < 0 else colour}"


def report_context(analysis: Analysis) -> dict[str, Any]:
    doc = analysis.document
    groups = speaker_groups(analysis)
    colours = quote_colours(groups, len(analysis.quotes))
    labels = [""] * len(analysis.quotes)
    for g in groups:
        for i in g.quotes:
            labels[i] = g.label
    items = _items(analysis, labels)
    entity_types = [e.type for e in analysis.entities]
    paragraphs = []
    for block in highlight_blocks(analysis):
        runs = [_run_view(r.marks, r.starts, r.text, items, colours, entity_types) for r in block.runs]
        is_title = doc.title_span is not None and (block.start, block.end) == tuple(doc.title_span)
        paragraphs.append({"start": block.start, "end": block.end, "runs": runs, "title": is_title})
    present = {
        "quote": bool(analysis.quotes), "speaker": any(q.speaker.span for q in analysis.quotes),
        "cue": any(q.cue for q in analysis.quotes), "entity": any(e.mentions for e in analysis.entities),
        "number": bool(analysis.quantities), "technique": bool(analysis.techniques), "event": bool(analysis.events),
    }
    speakers = []
    for g in groups:
        speakers.append({
            "label": g.label, "unattributed": g.key == UNATTRIBUTED, "kind": g.kind, "entity": g.entity,
            "colour": _colour_class("qc", g.colour),
            "quotes": [
                {
                    "index": i, "id": analysis.quotes[i].id, "kind": analysis.quotes[i].kind,
                    "text": shown_quote(one_line(analysis.quotes[i].text, SNIPPET), analysis.quotes[i].kind),
                    "cue": one_line(analysis.quotes[i].cue.text) if analysis.quotes[i].cue else None,
                    "as": one_line(analysis.quotes[i].speaker.text)
                    if analysis.quotes[i].speaker.text and one_line(analysis.quotes[i].speaker.text) != g.label else None,
                }
                for i in g.quotes
            ],
        })
    entities = [
        {
            "index": i, "id": e.id, "name": one_line(e.name), "type": e.type, "mentions": len(e.mentions),
            "aliases": [one_line(a) for a in e.aliases if a != e.name], "descriptions": [one_line(d) for d in e.descriptions],
        }
        for i, e in enumerate(analysis.entities)
    ]
    numbers = [
        {
            "index": i, "text": one_line(n.text), "value": quantity_value(n), "approximate": n.approximate,
            "counted": one_line(n.counted), "kind": n.kind,
        }
        for i, n in enumerate(analysis.quantities)
    ]
    checks = [
        {
            "kind": c.kind, "severity": c.severity, "message": one_line(c.message),
            "evidence": [one_line(doc.text[s:e], 160) for s, e in c.evidence[:5]],
        }
        for c in analysis.checks
    ]
    csp = (
        "default-src 'none'; "
        f"style-src '{_sha256(_block('css'))}'; "
        f"script-src '{_sha256(_block('js'))}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return {
        "a": analysis,
        "doc": doc,
        "title": one_line(doc.title) or "Untitled article",
        "url_link": safe_url(doc.url),
        "paragraphs": paragraphs,
        "layers": [(key, label) for key, label in LAYERS if present[key]],
        "speakers": speakers,
        "entities": entities,
        "numbers": numbers,
        "checks": checks,
        "techniques": [{"index": i, "t": t, "text": one_line(t.text, 160), "explanation": one_line(t.explanation)} for i, t in enumerate(analysis.techniques)],
        "events": [{"index": i, "ev": ev, "trigger": one_line(ev.trigger.text), "item": items["event"][i]} for i, ev in enumerate(analysis.events)],
        "data_json": json_for_script(items),
        "csp": csp,
        "version": __version__,
        "counts": " · ".join([
            plural(len(doc.text), "character"),
            f"{plural(len(analysis.quotes), 'quote')} from {plural(len(groups), 'speaker')}",
            plural(len(analysis.entities), "entity", "entities"),
            plural(len(analysis.quantities), "number"),
        ]),
    }


def render_html(analysis: Analysis) -> str:
    return _env().get_template("report.html.j2").render(**report_context(analysis))
