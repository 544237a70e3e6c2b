"""Helpers shared by the renderers: speaker groups, technique families, sentence view,
timeline, value formatting, highlight runs.

Findings of different layers overlap and nest (a number inside a quote inside a
paragraph). `segment` cuts the text at every span boundary into runs and gives each
run every mark that covers it, so a renderer never has to nest tags by hand.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Callable

from ..model import Analysis, Event, Participant, Quantity, Quote

UNATTRIBUTED = "unattributed"
# Number of distinct speaker colours in the HTML palette (speakers beyond it cycle).
PALETTE_SIZE = 10

LAYERS: tuple[tuple[str, str], ...] = (
    # (layer key used in classes/data attributes, label shown to readers)
    ("quote", "Quotes"),
    ("speaker", "Speakers"),
    ("cue", "Cues"),
    ("entity", "Entities"),
    ("number", "Numbers"),
    ("technique", "Techniques"),
    ("event", "Events"),
    ("check", "Check evidence"),
)

# ---------------------------------------------------------------- technique families

# The 14 PTC labels grouped by what they do to the reader; every renderer colours and
# counts techniques by these families. (key used in CSS classes, label shown, PTC labels)
TECHNIQUE_FAMILIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("emotion", "Emotional appeal",
     ("Loaded_Language", "Appeal_to_fear-prejudice", "Flag-Waving", "Exaggeration,Minimisation")),
    ("attack", "Attacks on people and arguments",
     ("Name_Calling,Labeling", "Bandwagon,Reductio_ad_hitlerum", "Whataboutism,Straw_Men,Red_Herring")),
    ("simplify", "Simplification",
     ("Black-and-White_Fallacy", "Causal_Oversimplification", "Thought-terminating_Cliches", "Slogans")),
    ("credibility", "Credibility", ("Appeal_to_Authority", "Doubt")),
    ("repetition", "Repetition", ("Repetition",)),
)
# A label outside PTC's 14 (a newer model, a hand-edited file) still renders, in this family.
OTHER_FAMILY = ("other", "Other")

_FAMILY_OF = {label: (key, name) for key, name, labels in TECHNIQUE_FAMILIES for label in labels}
_TECHNIQUE_ORDER = {label: i for i, label in enumerate(lb for _, _, labels in TECHNIQUE_FAMILIES for lb in labels)}


def technique_family(technique: str) -> tuple[str, str]:
    """(family key, family label) of a technique label."""
    return _FAMILY_OF.get(technique, OTHER_FAMILY)


# Findings under this confidence are drawn faintly and called "low confidence": mostly weak rule
# cues (settings: technique_cues="all") and the model's least certain spans.
LOW_CONFIDENCE = 0.2


def technique_basis(t: object) -> str:
    """'0.16, low confidence, rule': how sure the finding is and what produced it."""
    conf = float(getattr(t, "confidence", 0.0) or 0.0)
    return f"{conf:.2f}" + (", low confidence" if conf < LOW_CONFIDENCE else "") + f", {getattr(t, 'method', '')}"


def technique_name(technique: str) -> str:
    """A PTC label as readers write it: 'Name_Calling,Labeling' -> 'Name calling/labeling'."""
    if technique not in _FAMILY_OF:
        return one_line(technique) or "(no label)"  # not a PTC label: shown as given
    words = one_line(technique.replace("_", " ").replace(",", "/"))
    return words[:1].upper() + words[1:].lower()


@dataclass
class TechniqueCount:
    family: str  # family key
    family_label: str
    technique: str  # the label as the analysis gives it
    name: str  # readable
    count: int
    sentences: int  # sentences carrying this technique


def technique_counts(analysis: Analysis) -> list[TechniqueCount]:
    """One row per technique found, in family order, most frequent first within a family."""
    counts: dict[str, int] = {}
    for t in analysis.techniques:
        counts[t.technique] = counts.get(t.technique, 0) + 1
    per_sentence: dict[str, int] = {}
    for hit in technique_sentences(analysis)[0]:
        for label in {analysis.techniques[i].technique for i in hit.techniques}:
            per_sentence[label] = per_sentence.get(label, 0) + 1
    family_order = {key: i for i, (key, _, _) in enumerate(TECHNIQUE_FAMILIES)}
    rows = []
    for label, n in counts.items():
        key, family_label = technique_family(label)
        rows.append(TechniqueCount(key, family_label, label, technique_name(label), n, per_sentence.get(label, 0)))
    rows.sort(key=lambda r: (family_order.get(r.family, len(family_order)), -r.count, _TECHNIQUE_ORDER.get(r.technique, 99), r.technique))
    return rows


# ---------------------------------------------------------------- sentence view


@dataclass
class SentenceHit:
    number: int  # 1-based position among all sentences of the document
    start: int
    end: int
    techniques: list[int]  # indexes into analysis.techniques whose span overlaps the sentence


def sentence_units(analysis: Analysis) -> list[tuple[int, int]]:
    """Sentence spans, sorted and clipped; paragraphs stand in when the document has no sentences."""
    n = len(analysis.document.text)
    sents = sorted(s for s in (_valid(s, n) for s in analysis.document.sentences) if s is not None)
    return sents if sents else blocks_of(analysis)


def technique_sentences(analysis: Analysis) -> tuple[list[SentenceHit], int]:
    """Sentences that carry at least one technique, and the number of sentences in all."""
    units = sentence_units(analysis)
    if not analysis.techniques or not units:
        return [], len(units)
    n = len(analysis.document.text)
    starts = [s for s, _ in units]
    ends = [e for _, e in units]
    hits: dict[int, list[int]] = {}
    for ti, t in enumerate(analysis.techniques):
        span = _valid(t.span, n)
        if span is None:
            continue
        # sentences with end > span start and start < span end (units are sorted, mostly disjoint)
        lo = bisect_right(ends, span[0])
        hi = bisect_left(starts, span[1])
        for si in range(lo, max(lo, hi)):
            if units[si][0] < span[1] and units[si][1] > span[0]:
                hits.setdefault(si, []).append(ti)
    return [SentenceHit(si + 1, units[si][0], units[si][1], hits[si]) for si in sorted(hits)], len(units)


def marked_pieces(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """text[start:end] cut into (piece, inside any of spans) runs; overlapping spans are merged."""
    inside = sorted((max(s, start), min(e, end)) for s, e in spans if min(e, end) > max(s, start))
    merged: list[list[int]] = []
    for s, e in inside:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out: list[tuple[str, bool]] = []
    pos = start
    for s, e in merged:
        if s > pos:
            out.append((text[pos:s], False))
        out.append((text[s:e], True))
        pos = e
    if pos < end:
        out.append((text[pos:end], False))
    return out


# ---------------------------------------------------------------- timeline


@dataclass
class TimelineEntry:
    index: int  # into analysis.events
    type: str
    trigger: str
    date: str  # the date value (YYYY-MM-DD) or "" when undated
    date_text: str  # the date as written, "" when none
    who: str  # actors, "; "-joined
    whom: str  # targets
    where: str
    size: str
    reported_by: str | None  # speaker label of the quote that reports the event
    quote_index: int | None  # index of that quote in analysis.quotes
    mentions: int = 1  # how many sentences report this one event (its trigger and later mentions)


def participant_name(analysis: Analysis, part: Participant | None) -> str:
    """The resolved entity's name when known (a pronoun reads as whom it means), else the text."""
    if part is None:
        return ""
    ent = analysis.entity(part.entity)
    return one_line(ent.name) if ent is not None else one_line(part.text)


def timeline(analysis: Analysis) -> tuple[list[TimelineEntry], list[TimelineEntry]]:
    """(dated events sorted by date value then position, undated events in text order)."""
    quote_at = quote_index(analysis)
    labels = speaker_labels(speaker_groups(analysis), len(analysis.quotes))
    dated: list[tuple[tuple[str, int], TimelineEntry]] = []
    undated: list[tuple[int, TimelineEntry]] = []
    for i, ev in enumerate(analysis.events):
        entry = _timeline_entry(analysis, i, ev, quote_at, labels)
        pos = ev.trigger.span[0] if ev.trigger.span else 0
        if entry.date:
            dated.append(((entry.date, pos), entry))
        else:
            undated.append((pos, entry))
    dated.sort(key=lambda x: x[0])
    undated.sort(key=lambda x: x[0])
    return [e for _, e in dated], [e for _, e in undated]


def _timeline_entry(analysis: Analysis, i: int, ev: Event, quote_at: dict[str, int], labels: list[str]) -> TimelineEntry:
    reported_by = None
    qi = quote_at.get(ev.attributed_to) if ev.attributed_to else None
    if qi is not None:
        reported_by = labels[qi]
    elif ev.attributed_to:
        reported_by = f"quote {ev.attributed_to}"
    return TimelineEntry(
        index=i,
        type=one_line(ev.type),
        trigger=one_line(ev.trigger.text),
        date=one_line(ev.date.value) if ev.date is not None and ev.date.value else "",
        date_text=one_line(ev.date.text) if ev.date is not None else "",
        who="; ".join(participant_name(analysis, p) for p in ev.actors),
        whom="; ".join(participant_name(analysis, p) for p in ev.targets),
        where=participant_name(analysis, ev.location),
        size=one_line(ev.size.text) if ev.size is not None else "",
        reported_by=reported_by,
        quote_index=qi,
        mentions=max(1, len(ev.mentions)),
    )


def who_to_whom(entry: TimelineEntry) -> str:
    """'A → B', 'A', '→ B' or '' for an event's participants."""
    if entry.who and entry.whom:
        return f"{entry.who} → {entry.whom}"
    if entry.whom:
        return f"→ {entry.whom}"
    return entry.who


def timeline_details(entry: TimelineEntry, esc: Callable[[str], str] = str) -> list[str]:
    """The 'details' cell of a timeline row: quoted date text, place, size, who reports it."""
    details = []
    if entry.date_text:
        details.append(f"“{esc(entry.date_text)}”")
    if entry.where:
        details.append(f"in {esc(entry.where)}")
    if entry.size:
        details.append(f"size {esc(entry.size)}")
    if entry.reported_by:
        details.append(f"reported by {esc(entry.reported_by)}")
    if entry.mentions > 1:
        details.append(f"told {entry.mentions} times")
    return details


def check_evidence(analysis: Analysis, index: int) -> list[tuple[int, int]]:
    """A check's evidence spans that point inside the text."""
    n = len(analysis.document.text)
    return [v for v in (_valid(s, n) for s in analysis.checks[index].evidence) if v is not None]


def kind_name(kind: str) -> str:
    """A check kind as a phrase: 'quantity_conflict' -> 'Quantity conflict'."""
    words = one_line(kind.replace("_", " "))
    return words[:1].upper() + words[1:] if words else "(no kind)"


def voice_stances(voice: object) -> str:
    """'toward Valdoria: critical; NRF: favourable' from a voice's per-actor stances ('' if none known)."""
    parts = [
        f"{one_line(st.name)}: {st.stance}"
        for st in getattr(voice, "stances", None) or []  # per-actor stances are optional in version 1
        if st.stance != "unknown" and one_line(st.name)
    ]
    return ("toward " + "; ".join(parts)) if parts else ""


def quote_index(analysis: Analysis) -> dict[str, int]:
    return {q.id: i for i, q in enumerate(analysis.quotes)}


# ---------------------------------------------------------------- speakers


@dataclass
class SpeakerGroup:
    key: str
    label: str
    kind: str
    entity: str | None
    colour: int  # index into the palette; -1 for unattributed
    quotes: list[int] = field(default_factory=list)  # indexes into analysis.quotes
    voice: int | None = None  # index into analysis.sourcing.voices


def speaker_groups(analysis: Analysis) -> list[SpeakerGroup]:
    """The speakers every report lists: the sourcing stage's voices, in its order, each with the
    quotes it claims, then one bucket for the quotes no voice claims (no identifiable speaker).

    The voices are the one place where quotes are grouped by speaker (a pronoun, a description
    and a name of one entity, or two names of one crowd, are one voice). Only an analysis
    without a sourcing part (the stage was skipped) falls back to the quotes' own speaker fields.
    """
    if analysis.sourcing is None:
        return _groups_without_voices(analysis)
    at = quote_index(analysis)
    groups: list[SpeakerGroup] = []
    claimed: set[int] = set()
    for vi, v in enumerate(analysis.sourcing.voices):
        quotes = sorted({at[q] for q in v.quote_ids if q in at} - claimed)
        claimed.update(quotes)
        groups.append(SpeakerGroup(
            key=f"voice:{vi}", label=one_line(v.name) or "unnamed voice", kind=v.kind, entity=v.entity,
            colour=vi % PALETTE_SIZE, quotes=quotes, voice=vi,
        ))
    rest = [i for i in range(len(analysis.quotes)) if i not in claimed]
    if rest:
        groups.append(SpeakerGroup(key=UNATTRIBUTED, label=UNATTRIBUTED, kind="unknown", entity=None, colour=-1, quotes=rest))
    return groups


def _groups_without_voices(analysis: Analysis) -> list[SpeakerGroup]:
    """Quotes grouped by speaker entity, else name, else text, for analyses with no voices."""
    groups: dict[str, SpeakerGroup] = {}
    named = 0
    for i, q in enumerate(analysis.quotes):
        sp = q.speaker
        ent = analysis.entity(sp.entity)
        if ent is not None:
            key, label = f"entity:{ent.id}", one_line(ent.name)
        elif sp.name or sp.text:
            label = one_line(sp.name or sp.text)
            key = f"name:{label.casefold()}"
        else:
            key = label = UNATTRIBUTED
        group = groups.get(key)
        if group is None:
            colour = -1 if key == UNATTRIBUTED else named % PALETTE_SIZE
            named += key != UNATTRIBUTED
            group = groups[key] = SpeakerGroup(key=key, label=label, kind=sp.kind, entity=sp.entity, colour=colour)
        group.quotes.append(i)
    return list(groups.values())


def speaker_labels(groups: list[SpeakerGroup], n_quotes: int) -> list[str]:
    """The speaker label of every quote, by quote index."""
    out = [UNATTRIBUTED] * n_quotes
    for g in groups:
        for i in g.quotes:
            out[i] = g.label
    return out


# ---------------------------------------------------------------- whose words


@dataclass
class Owner:
    """Whose words a technique span is: a quote's speaker, or (quote None) the author's own."""

    quote: int | None  # index into analysis.quotes
    quote_id: str | None
    speaker: str  # the speaker label, "" for the author's own words

    @property
    def quoted(self) -> bool:
        return self.quote_id is not None

    def phrase(self) -> str:
        """'in Q3, Tariq bin Salem’s words', 'in Q5, a quote with no identified speaker', or ''."""
        if self.quote_id is None:
            return ""
        if not self.speaker or self.speaker == UNATTRIBUTED:
            return f"in {self.quote_id}, a quote with no identified speaker"
        return f"in {self.quote_id}, {possessive(self.speaker)} words"


def possessive(name: str) -> str:
    return name + ("’" if name.endswith("s") else "’s")


def technique_owners(analysis: Analysis, groups: list[SpeakerGroup] | None = None) -> list[Owner]:
    """Whose words each technique is (from `technique.attributed_to`), by technique index."""
    at = quote_index(analysis)
    labels = speaker_labels(groups if groups is not None else speaker_groups(analysis), len(analysis.quotes))
    out = []
    for t in analysis.techniques:
        qid = t.attributed_to
        qi = at.get(qid) if qid else None
        out.append(Owner(qi, one_line(qid) or None, labels[qi] if qi is not None else ""))
    return out


def own_words_line(analysis: Analysis, owners: list[Owner] | None = None) -> str:
    """'In the author’s own words: 3 of 9 techniques; 6 inside quotes, from 2 speakers.'"""
    owners = owners if owners is not None else technique_owners(analysis)
    quoted = [o for o in owners if o.quoted]
    own = len(owners) - len(quoted)
    speakers = {o.speaker or o.quote_id for o in quoted}
    line = f"In the author’s own words: {own} of {plural(len(owners), 'technique')}"
    if quoted:
        line += f"; {len(quoted)} inside quotes, from {plural(len(speakers), 'speaker')}"
    return line + "."


def cue_phrase(quote: Quote) -> str:
    """'speech cue: said', 'belief cue: believes': a quote's cue with its kind ('' when none)."""
    if quote.cue is None:
        return ""
    return f"{quote.cue.kind} cue: {one_line(quote.cue.text)}"


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


def later_counts(analysis: Analysis) -> str:
    """' · 9 techniques · 5 events · 2 checks' for the layers that found something ('' if none)."""
    parts = [
        plural(n, word)
        for n, word in ((len(analysis.techniques), "technique"), (len(analysis.events), "event"), (len(analysis.checks), "check"))
        if n
    ]
    return "".join(f" · {p}" for p in parts)


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
    layer: str  # one of LAYERS' keys, or "sentence" (the sentence view)
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


def collect_marks(analysis: Analysis, *, sentences: bool = False) -> list[Mark]:
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
    for i, c in enumerate(analysis.checks):
        for span in c.evidence:
            add("check", i, span)
    if sentences:
        # The sentence view: runs of sentences that carry a technique (numbered like the lists).
        for hit in technique_sentences(analysis)[0]:
            add("sentence", hit.number, (hit.start, hit.end))
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


def highlight_blocks(analysis: Analysis, *, sentences: bool = False) -> list[Block]:
    """The article cut into runs; ``sentences`` adds "sentence" marks for the sentence view."""
    return segment(analysis.document.text, blocks_of(analysis), collect_marks(analysis, sentences=sentences))
