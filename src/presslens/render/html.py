"""Self-contained HTML report: the article with highlighted layers and a side panel.

The panel holds, in order: details of the highlight last clicked, checks as call-outs linked
to their evidence, speakers and quotes, voices, technique counts by family with every span
and its explanation, the sentences that carry techniques, the timeline of events, entities,
numbers and warnings. Everything stays readable with JavaScript off (titles, anchors, lists).

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
import re
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
    Owner,
    LOW_CONFIDENCE,
    OTHER_FAMILY,
    Run,
    SentenceHit,
    TECHNIQUE_FAMILIES,
    TimelineEntry,
    UNATTRIBUTED,
    check_evidence,
    cue_phrase,
    highlight_blocks,
    kind_name,
    later_counts,
    marked_pieces,
    one_line,
    own_words_line,
    plural,
    quantity_value,
    quote_colours,
    quote_index,
    shown_quote,
    speaker_groups,
    speaker_labels,
    technique_basis,
    technique_counts,
    technique_family,
    technique_name,
    technique_owners,
    technique_sentences,
    timeline,
    voice_stances,
    who_to_whom,
)

TEMPLATES = Path(__file__).parent / "templates"
SNIPPET = 240  # characters of a quote shown in the side panel and tooltips
EVIDENCE_SHOWN = 5  # evidence snippets quoted under a check (all of them are highlighted)
OPEN_LIST_MAX = 40  # longer lists of technique spans start folded (the count table sums them up)
# Layers whose findings get an id at their first run, for side-panel links and #fragments.
ANCHORED = frozenset({"quote", "entity", "number", "technique", "event", "check", "sentence"})
_SPACES = re.compile(r"\s+")


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


def _items(analysis: Analysis, labels: list[str], owners: list[Owner]) -> dict[str, list[dict[str, Any]]]:
    quotes, speakers, cues = [], [], []
    for i, q in enumerate(analysis.quotes):
        label = labels[i]
        shown = shown_quote(one_line(q.text, SNIPPET), q.kind)
        spk = label if label == UNATTRIBUTED else f"{label} ({q.speaker.kind})"
        lines = [f"Speaker: {spk}"]
        if q.speaker.text and one_line(q.speaker.text) != label:
            lines.append(f"written as: {one_line(q.speaker.text)}")
        if q.cue is not None:
            lines.append(cue_phrase(q))
        quotes.append(Item(f"{q.kind.capitalize()} quote {q.id}: {shown}", lines))
        speakers.append(Item(f"Speaker: {label}", [f"of {q.kind} quote {q.id}: {shown}"]))
        cue_title = f"Cue ({q.cue.kind}): {one_line(q.cue.text)}" if q.cue else "Cue"
        cues.append(Item(cue_title, [f"introduces quote {q.id} by {label}"]))
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
    techniques = []
    for t, owner in zip(analysis.techniques, owners):
        _, family = technique_family(t.technique)
        techniques.append(Item(
            f"Technique: {technique_name(t.technique)}",
            [f"family: {family}", one_line(t.explanation) or "(no explanation given)",
             owner.phrase() if owner.quoted else "in the author’s own words",
             f"confidence {t.confidence:.2f}{' (low)' if t.confidence < LOW_CONFIDENCE else ''}"
             f" · found by {'the model' if t.method == 'model' else 'a rule'}"],
        ))
    events = []
    dated, undated = timeline(analysis)
    for entry in sorted(dated + undated, key=lambda x: x.index):
        lines = [f"trigger: {entry.trigger}"]
        if who_to_whom(entry):
            lines.append(f"who: {who_to_whom(entry)}")
        if entry.where:
            lines.append(f"where: {entry.where}")
        if entry.date or entry.date_text:
            lines.append("when: " + " ".join(x for x in (entry.date, f"({entry.date_text})" if entry.date_text else "") if x))
        if entry.size:
            lines.append(f"size: {entry.size}")
        if entry.reported_by:
            lines.append(f"reported by {entry.reported_by}")
        if entry.mentions > 1:
            lines.append(f"told {entry.mentions} times in the article")
        events.append(Item(f"Event: {entry.type}", lines))
    checks = [
        Item(f"Check ({c.severity}): {kind_name(c.kind)}", [one_line(c.message) or "(no message)"])
        for c in analysis.checks
    ]
    out = {
        "quote": quotes, "speaker": speakers, "cue": cues, "entity": entities,
        "number": numbers, "technique": techniques, "event": events, "check": checks,
    }
    return {k: [{"title": it.title, "lines": it.lines, "text": it.as_text()} for it in v] for k, v in out.items()}


def _run_view(
    run: Run, items: dict, colours: list[int], entity_types: list[str], families: list[str], severities: list[str],
    low: list[bool], quoted: list[bool],
) -> dict[str, Any]:
    marks, starts = run.marks, run.starts
    anchors = [f"{m.layer}-{m.index}" for m in starts if m.layer in ANCHORED]
    if not marks:
        return {"text": run.text, "classes": "", "data": {}, "title": "", "anchors": anchors}
    classes: list[str] = []
    data: dict[str, list[str]] = {}
    titles: list[str] = []
    for m in marks:
        if m.layer not in data:
            data[m.layer] = []
            classes.append(f"hl-{m.layer}")
        idx = str(m.index)
        if idx not in data[m.layer]:
            data[m.layer].append(idx)
            if m.layer == "sentence":
                continue  # a view, not a finding: no details to show
            t = items[m.layer][m.index]["text"]
            if t not in titles:
                titles.append(t)
    if titles:
        classes.insert(0, "hl")
    # The innermost mark of a layer decides its colour (marks are outermost first).
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
    for m in reversed(marks):
        if m.layer == "technique":
            classes.append(f"tf-{families[m.index]}")
            if low[m.index]:
                classes.append("tlow")
            break
    if "technique" in data and all(quoted[int(i)] for i in data["technique"]):
        classes.append("tq")  # only quoted techniques here: the author's-words view hides it
    if "check" in data:
        # evidence of any warning reads as a warning
        classes.append("ck-warning" if any(severities[int(i)] == "warning" for i in data["check"]) else "ck-info")
    return {
        "text": run.text,
        "classes": " ".join(classes),
        "data": {k: " ".join(v) for k, v in data.items()},
        "title": "\n".join(titles),
        "anchors": anchors,
    }


def _colour_class(prefix: str, colour: int) -> str:
    return f"{prefix}-{'u' if colour < 0 else colour}"


def _pieces(analysis: Analysis, hit: SentenceHit) -> list[dict[str, Any]]:
    """A sentence for the side panel: whitespace folded, technique parts marked."""
    text = analysis.document.text
    spans = [tuple(analysis.techniques[i].span) for i in hit.techniques]
    out = []
    for piece, marked in marked_pieces(text, hit.start, hit.end, spans):
        out.append({"text": _SPACES.sub(" ", piece), "marked": marked})
    return out


def _technique_context(analysis: Analysis, owners: list[Owner]) -> dict[str, Any]:
    hits, n_sentences = technique_sentences(analysis)
    rows = technique_counts(analysis)
    families = []
    for key, label, _ in (*TECHNIQUE_FAMILIES, (*OTHER_FAMILY, ())):
        members = [r for r in rows if r.family == key]
        if members:
            families.append({"key": key, "label": label, "count": sum(r.count for r in members), "rows": members})
    listed = []
    for i, (t, owner) in enumerate(zip(analysis.techniques, owners)):
        key, family = technique_family(t.technique)
        listed.append({
            "index": i, "family": key, "family_label": family, "name": technique_name(t.technique),
            "text": one_line(t.text, 160), "explanation": one_line(t.explanation),
            "confidence": f"{t.confidence:.2f}", "method": t.method, "basis": technique_basis(t),
            "quoted": owner.quoted, "whose": owner.phrase(), "quote_index": owner.quote,
        })
    sentences = []
    for hit in hits:
        names = sorted({analysis.techniques[i].technique for i in hit.techniques}, key=lambda x: technique_name(x))
        sentences.append({
            "number": hit.number, "pieces": _pieces(analysis, hit),
            "techniques": [{"name": technique_name(x), "family": technique_family(x)[0]} for x in names],
        })
    return {
        "families": families, "list": listed, "sentences": sentences, "n_sentences": n_sentences,
        "open_list": len(listed) <= OPEN_LIST_MAX,
        "own_words": own_words_line(analysis, owners), "any_quoted": any(o.quoted for o in owners),
        "any_low": any(t.confidence < LOW_CONFIDENCE for t in analysis.techniques),
    }


def _event_view(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "index": entry.index, "type": entry.type, "trigger": entry.trigger, "date": entry.date,
        "date_text": entry.date_text, "who": who_to_whom(entry), "where": entry.where, "size": entry.size,
        "reported_by": entry.reported_by, "quote_index": entry.quote_index,
    }


def _sourcing_context(analysis: Analysis) -> dict[str, Any] | None:
    src = analysis.sourcing
    if src is None:
        return None
    quote_at = quote_index(analysis)
    voices = []
    for v in src.voices:
        first = next((quote_at[q] for q in v.quote_ids if q in quote_at), None)
        voices.append({
            "name": one_line(v.name) or UNATTRIBUTED, "named": bool(one_line(v.name)), "entity": v.entity,
            "kind": v.kind, "role": one_line(v.role), "quotes": v.quotes, "words": v.words,
            "stance": v.stance, "toward": voice_stances(v), "quote_index": first,
        })
    return {
        "summary": one_line(src.summary), "quoted_share": f"{src.quoted_share:.0%}",
        "one_sided": {True: "yes", False: "no", None: "unknown"}[src.one_sided], "voices": voices,
    }


def report_context(analysis: Analysis) -> dict[str, Any]:
    doc = analysis.document
    groups = speaker_groups(analysis)
    colours = quote_colours(groups, len(analysis.quotes))
    labels = speaker_labels(groups, len(analysis.quotes))
    owners = technique_owners(analysis, groups)
    items = _items(analysis, labels, owners)
    entity_types = [e.type for e in analysis.entities]
    families = [technique_family(t.technique)[0] for t in analysis.techniques]
    low = [t.confidence < LOW_CONFIDENCE for t in analysis.techniques]
    quoted = [o.quoted for o in owners]
    severities = [c.severity for c in analysis.checks]
    paragraphs = []
    for block in highlight_blocks(analysis, sentences=True):
        runs = [_run_view(r, items, colours, entity_types, families, severities, low, quoted) for r in block.runs]
        is_title = doc.title_span is not None and (block.start, block.end) == tuple(doc.title_span)
        paragraphs.append({"start": block.start, "end": block.end, "runs": runs, "title": is_title})
    checks = []
    for i, c in enumerate(analysis.checks):
        evidence = check_evidence(analysis, i)
        checks.append({
            "index": i, "kind": kind_name(c.kind), "severity": c.severity, "message": one_line(c.message),
            "evidence": [{"text": one_line(doc.text[s:e], 160), "start": s, "end": e} for s, e in evidence[:EVIDENCE_SHOWN]],
            "more": max(0, len(evidence) - EVIDENCE_SHOWN), "linked": bool(evidence),
        })
    present = {
        "quote": bool(analysis.quotes), "speaker": any(q.speaker.span for q in analysis.quotes),
        "cue": any(q.cue for q in analysis.quotes), "entity": any(e.mentions for e in analysis.entities),
        "number": bool(analysis.quantities), "technique": bool(analysis.techniques), "event": bool(analysis.events),
        "check": any(c["linked"] for c in checks),
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
                    "cue_kind": analysis.quotes[i].cue.kind if analysis.quotes[i].cue else None,
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
    dated, undated = timeline(analysis)
    techniques = _technique_context(analysis, owners)
    csp = (
        "default-src 'none'; "
        f"style-src '{_sha256(_block('css'))}'; "
        f"script-src '{_sha256(_block('js'))}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    counts = [
        plural(len(doc.text), "character"),
        f"{plural(len(analysis.quotes), 'quote')} from {plural(len(groups), 'speaker')}",
        plural(len(analysis.entities), "entity", "entities"),
        plural(len(analysis.quantities), "number"),
    ]
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
        "techniques": techniques,
        "timeline": {"dated": [_event_view(e) for e in dated], "undated": [_event_view(e) for e in undated]},
        "n_events": len(analysis.events),
        "sourcing": _sourcing_context(analysis),
        "data_json": json_for_script(items),
        "csp": csp,
        "version": __version__,
        "counts": " · ".join(counts) + later_counts(analysis),
    }


def render_html(analysis: Analysis) -> str:
    return _env().get_template("report.html.j2").render(**report_context(analysis))
