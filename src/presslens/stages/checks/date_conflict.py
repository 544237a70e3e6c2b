"""The ``date_conflict`` check: one event given two different dates, and anniversaries whose
arithmetic fails against the year of the event and the date of publication.
"""

from __future__ import annotations

import re
from typing import Optional

from ...model import Analysis, Check, CheckKind, Event, Span
from ._common import MAX_PAIRED
from ._layout import Layout

KIND: CheckKind = "date_conflict"


_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _trigger_lemma(ev: Event, layout: Layout) -> str:
    toks = [t for t in layout.tokens(ev.trigger.span) if t.pos_ in ("VERB", "NOUN")]
    nouns = [t for t in toks if t.pos_ == "NOUN"]
    pick = nouns[-1] if nouns else (toks[0] if toks else None)
    return pick.lemma_.lower() if pick is not None else ev.trigger.text.lower()


def _same_occasion(a: Event, b: Event, layout: Layout) -> bool:
    """The later event points back at the earlier: a definite noun ("the march"), or the same actor
    doing it to the same target (one actor alone often repeats an act on different days)."""
    actors_a = {p.entity for p in a.actors if p.entity}
    actors_b = {p.entity for p in b.actors if p.entity}
    targets_a = {p.entity for p in a.targets if p.entity}
    targets_b = {p.entity for p in b.targets if p.entity}
    if actors_a & actors_b and targets_a & targets_b:
        return True
    toks = layout.tokens(b.trigger.span)
    nouns = [t for t in toks if t.pos_ == "NOUN"]
    if nouns:
        det = [c for c in nouns[-1].children if c.dep_ == "det"]
        if det and det[0].lower_ in ("the", "this", "that"):
            return True
    return False


def find(analysis: Analysis, layout: Layout, already: list[Check]) -> list[Check]:
    out: list[Check] = []
    dated = [
        ev for ev in analysis.events
        if ev.date is not None and ev.date.value and _FULL_DATE.match(ev.date.value) and ev.date.span is not None
    ]
    dated = dated[:MAX_PAIRED]
    seen: set[tuple[str, str]] = set()
    for i, a in enumerate(dated):
        for b in dated[i + 1 :]:
            if a.type != b.type or a.date.value == b.date.value:  # type: ignore[union-attr]
                continue
            if _trigger_lemma(a, layout) != _trigger_lemma(b, layout):
                continue
            if a.attributed_to is not None and b.attributed_to is not None:
                continue
            if not _same_occasion(a, b, layout):
                continue
            key = (a.type, _trigger_lemma(a, layout))
            if key in seen:
                continue
            seen.add(key)
            da, db = a.date, b.date
            assert da is not None and db is not None and da.span is not None and db.span is not None
            message = (
                f'The {a.trigger.text!s} is dated "{da.text}" ({da.value}) in one place and "{db.text}" '
                f"({db.value}) in another; both cannot hold for the same event."
            )
            out.append(Check(kind=KIND, severity="warning", message=message, evidence=sorted([da.span, db.span])))
    out.extend(_anniversary_conflicts(analysis, layout))
    return out


_NOT_YET = re.compile(r"\b(?:upcoming|approaching|next|ahead of|will mark|would mark|will be|would have been|would be)\b", re.I)


def _published_year(analysis: Analysis) -> Optional[int]:
    pub = analysis.document.published
    if pub and re.match(r"^\d{4}", pub):
        return int(pub[:4])
    return None


def _anniversary_conflicts(analysis: Analysis, layout: Layout) -> list[Check]:
    """'the fifth anniversary of the 2014 accord' in an article published in 2021."""
    out: list[Check] = []
    years = [q for q in analysis.quantities if q.kind == "year" and q.value is not None and q.low is None]
    for q in analysis.quantities:
        if q.kind != "ordinal" or q.value is None or q.counted is None or not q.counted.lower().startswith("anniversar"):
            continue
        sentence = layout.sentence_of(q.span[0]) or (layout.title if layout.in_title(q.span) else None)
        if sentence is None or _NOT_YET.search(layout.text[sentence[0] : sentence[1]]):
            continue
        # the event's year: a year after "anniversary of" in the same sentence, before the next clause
        tail_end = min(sentence[1], q.span[1] + 120)
        event_year = next((y for y in years if q.span[1] <= y.span[0] < tail_end), None)
        if event_year is None:
            continue
        gap_text = layout.text[q.span[1] : event_year.span[0]]
        if not gap_text.lstrip().lower().startswith("of") or re.search(r"[;.!?]", gap_text):
            continue
        ref_year = _reference_year(analysis, sentence, q.span[0], event_year.span)
        if ref_year is None:
            continue
        expected = int(ref_year - event_year.value)  # type: ignore[operator]
        if expected <= 0 or expected == int(q.value):
            continue
        message = (
            f'The text speaks of the "{q.text}" of an event in {int(event_year.value)}, but '  # type: ignore[arg-type]
            f"{ref_year} is {expected} years later, not {int(q.value)}."
        )
        out.append(Check(kind=KIND, severity="warning", message=message, evidence=[q.span, event_year.span]))
    return out


def _reference_year(analysis: Analysis, sentence: Span, before: int, anchor: Span) -> Optional[int]:
    """The year the anniversary is marked: the date of the event that marks it (its trigger before the
    word "anniversary" in the same sentence), else the publication year. The remembered event's own
    date (``anchor``) never counts."""
    for ev in analysis.events:
        d = ev.date
        if d is None or not d.value or not (sentence[0] <= ev.trigger.span[0] < before):
            continue
        if d.span is not None and d.span[0] < anchor[1] and anchor[0] < d.span[1]:
            continue
        m = re.match(r"^(\d{4})", d.value)
        if m:
            return int(m.group(1))
    return _published_year(analysis)
