"""Helpers shared by the renderers: speaker groups, value formatting, highlight runs.

Findings of different layers overlap and nest (a number inside a quote inside a
paragraph). `segment` cuts the text at every span boundary into runs and gives each
run every mark that covers it, so a renderer never has to nest tags by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Analysis, Quantity, Quote

UNATTRIBUTED = "unattributed"
# Number of distinct speaker colours in the HTML palette (speakers beyond it cycle).
PALETTE_SIZE = 10

LAYERS: tuple[tuple[str, str], ...] = (
    # (layer key used in classes/data attributes, label shown to readers)
    ("quote", "Quotes"),
    ("speaker", "Speakers"),
    ("cue", "Speech cues"),
    ("entity", "Entities"),
    ("number", "Numbers"),
    ("technique", "Techniques"),
    ("event", "Events"),
)


# ---------------------------------------------------------------- speakers


@dataclass
class SpeakerGroup:
    key: str
    label: str
    kind: str
    entity: str | None
    colour: int  # index into the palette; -1 for unattributed
    quotes: list[int] = field(default_factory=list)  # indexes into analysis.quotes


def speaker_key(analysis: Analysis, quote: Quote) -> tuple[str, str]:
    """(grouping key, label) of a quote's speaker; quotes without any speaker share one group."""
    sp = quote.speaker
    ent = analysis.entity(sp.entity)
    if ent is not None:
        return f"entity:{ent.id}", ent.name
    if sp.name:
        return f"name:{sp.name.casefold()}", sp.name
    if sp.text:
        return f"text:{' '.join(sp.text.split()).casefold()}", " ".join(sp.text.split())
    return UNATTRIBUTED, UNATTRIBUTED


def speaker_groups(analysis: Analysis) -> list[SpeakerGroup]:
    """Speakers in order of their first quote, each with its quotes and a stable colour."""
    groups: dict[str, SpeakerGroup] = {}
    colour = 0
    for i, q in enumerate(analysis.quotes):
        key, label = speaker_key(analysis, q)
        group = groups.get(key)
        if group is None:
            if key == UNATTRIBUTED:
                idx = -1
            else:
                idx = colour % PALETTE_SIZE
                colour += 1
            group = SpeakerGroup(key=key, label=label, kind=q.speaker.kind, entity=q.speaker.entity, colour=idx)
            groups[key] = group
        group.quotes.append(i)
    return list(groups.values())


def quote_colours(groups: list[SpeakerGroup], n_quotes: int) -> list[int]:
    out = [-1] * n_quotes
    for g in groups:
        for i in g.quotes:
            out[i] = g.colour
    return out


# ---------------------------------------------------------------- values


def fmt_number(x: float | None) -> str:
    if x is None:
        return ""
    if x != x or x in (float("inf"), float("-inf")):  # NaN / inf: show as is
        return str(x)
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.6g}" if abs(x) >= 1 else f"{x:.6g}"


def quantity_value(q: Quantity) -> str:
    """'≈2,500', '200–300', '' when nothing is known (years as written: '2014')."""
    if q.kind == "year" and q.value is not None:
        return f"{q.value:.0f}"
    if q.value is not None:
        out = fmt_number(q.value)
        if q.low is not None or q.high is not None:
            if q.low != q.value or q.high != q.value:
                out += f" ({fmt_number(q.low) or '?'}–{fmt_number(q.high) or '?'})"
    elif q.low is not None or q.high is not None:
        out = f"{fmt_number(q.low) or '?'}–{fmt_number(q.high) or '?'}"
    else:
        return ""
    if q.unit:
        out += f" {q.unit}"
    return ("≈" + out) if q.approximate else out


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def one_line(text: str | None, limit: int = 0) -> str:
    """Collapse whitespace (quotes may span paragraphs); cut to ``limit`` characters with an ellipsis."""
    if not text:
        return ""
    out = " ".join(text.split())
    if limit and len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return out


_OPENERS = frozenset("\"'“‘«„‹‚”’»")


def shown_quote(text: str, kind: str) -> str:
    """Quote text as shown in lists: direct quotes in curly marks unless the span already has its marks."""
    if kind != "direct" or not text or text[0] in _OPENERS:
        return text
    return f"“{text}”"


# ---------------------------------------------------------------- runs


@dataclass(frozen=True)
class Mark:
    layer: str  # one of LAYERS' keys
    index: int  # index into the layer's list in the analysis (speaker/cue: the quote's index)
    start: int
    end: int


@dataclass
class Run:
    start: int
    end: int
    text: str
    marks: tuple[Mark, ...]  # outermost first
    starts: tuple[Mark, ...] = ()  # findings (layer, index) whose first visible run this is


@dataclass
class Block:
    start: int
    end: int
    runs: list[Run]


def _valid(span: tuple[int, int] | None, n: int) -> tuple[int, int] | None:
    """A span clipped to the text; None when empty or malformed (renderers never crash on bad spans)."""
    if span is None:
        return None
    try:
        s, e = int(span[0]), int(span[1])
    except (TypeError, ValueError, IndexError):
        return None
    s, e = max(0, s), min(n, e)
    return (s, e) if e > s else None


def collect_marks(analysis: Analysis) -> list[Mark]:
    n = len(analysis.document.text)
    marks: list[Mark] = []

    def add(layer: str, index: int, span: tuple[int, int] | None) -> None:
        v = _valid(span, n)
        if v is not None:
            marks.append(Mark(layer, index, v[0], v[1]))

    for i, q in enumerate(analysis.quotes):
        add("quote", i, q.span)
        add("speaker", i, q.speaker.span)
        if q.cue is not None:
            add("cue", i, q.cue.span)
    for i, ent in enumerate(analysis.entities):
        for m in ent.mentions:
            add("entity", i, m)
    for i, num in enumerate(analysis.quantities):
        add("number", i, num.span)
    for i, t in enumerate(analysis.techniques):
        add("technique", i, t.span)
    for i, ev in enumerate(analysis.events):
        add("event", i, ev.trigger.span)
    return marks


def blocks_of(analysis: Analysis) -> list[tuple[int, int]]:
    """Paragraph spans covering every non-space character of the text.

    Uses document.paragraphs, dropping overlaps and adding any gap that holds
    text, so no character of the article is ever lost by the renderer.
    """
    text = analysis.document.text
    n = len(text)
    paras = sorted(p for p in (_valid(p, n) for p in analysis.document.paragraphs) if p is not None)
    out: list[tuple[int, int]] = []
    pos = 0
    for s, e in paras:
        s = max(s, pos)
        if e <= s:
            continue
        if text[pos:s].strip():
            out.extend(_gap_blocks(text, pos, s))
        out.append((s, e))
        pos = e
    if text[pos:].strip():
        out.extend(_gap_blocks(text, pos, n))
    return out


def _gap_blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-blank lines of text[start:end], trimmed."""
    out = []
    pos = start
    for line in text[start:end].split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def segment(text: str, blocks: list[tuple[int, int]], marks: list[Mark]) -> list[Block]:
    """Cut each block at every mark boundary; each run carries the marks covering it."""
    # Outer spans first (earlier start, then longer), so nesting order is stable.
    ordered = sorted(marks, key=lambda m: (m.start, -m.end))
    out: list[Block] = []
    j = 0  # next mark (by start) not yet considered
    active: list[Mark] = []  # marks that started before the current position
    anchored: set[tuple[str, int]] = set()  # (layer, index): one anchor per finding, at its first run
    for bs, be in blocks:
        cuts = {bs, be}
        # marks starting before this block end may cover it
        while j < len(ordered) and ordered[j].start < be:
            active.append(ordered[j])
            j += 1
        active = [m for m in active if m.end > bs]
        here = [m for m in active if m.start < be]
        for m in here:
            if bs < m.start < be:
                cuts.add(m.start)
            if bs < m.end < be:
                cuts.add(m.end)
        points = sorted(cuts)
        runs: list[Run] = []
        for rs, re_ in zip(points, points[1:]):
            covering = tuple(m for m in here if m.start <= rs and m.end >= re_)
            starts = []
            for m in covering:
                if (m.layer, m.index) not in anchored:
                    anchored.add((m.layer, m.index))
                    starts.append(m)
            runs.append(Run(rs, re_, text[rs:re_], covering, tuple(starts)))
        out.append(Block(bs, be, runs))
    return out


def highlight_blocks(analysis: Analysis) -> list[Block]:
    return segment(analysis.document.text, blocks_of(analysis), collect_marks(analysis))
