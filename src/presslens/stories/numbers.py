"""Counted figures across outlets: which figures count the same thing, and which cannot both hold.

The groups (crowd, troops, dead) and their nouns and cue words come from the word list the checks
stage uses for one article (``checks_counted_groups.txt``); the rule is the same: two figures
conflict when they are ten times apart or more, or when a stated range or bound misses the other
by half again. Stories read stored analyses, without a parse, so a figure's group is found from
its counted noun and the words of its sentence rather than from the dependency tree.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Optional

from ..model import Analysis, Quantity, Span
from .. import figures
from ..figures import COMPOUND_CROWD, CONFLICT_RATIO, VAGUE, Interval, counted_groups, interval  # noqa: F401

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# what a bare figure is given for: "put the crowd at 40,000", "a turnout of a million"
_BEFORE = re.compile(r"\b(crowd|turnout|attendance|death toll|toll|troop levels?|force)s?\b(?:\s+\w+){0,3}\s+(?:at|of|to|was|were|is|stood at)\s*$", re.I)
# "organisers claimed a turnout of a million", "police put the crowd at 40,000": a figure the
# sentence gives on someone's word, even where no quote was found around it
_ATTRIBUTION = re.compile(
    r"\b(?:claim(?:s|ed)?|sa(?:y|ys|id)|estimat(?:e|es|ed)|put|puts|told|according to|reported|counted)\b", re.I
)
_GROUP_WORDS = {"crowd": "people taking part", "troops": "troops", "dead": "dead"}
_BEFORE_GROUP = {"crowd": "crowd", "turnout": "crowd", "attendance": "crowd", "death toll": "dead", "toll": "dead",
                 "troop level": "troops", "troop levels": "troops", "force": "troops"}


def _forms(word: str) -> list[str]:
    """A word and its likely lemmas ("marched" -> march, "protesters" -> protester, "people")."""
    w = word.lower().replace("’", "'")
    out = [w]
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e")):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            out.append(w[: -len(suffix)] + repl)
    if w == "men":
        out.append("man")
    elif w == "women":
        out.append("woman")
    elif w == "children":
        out.append("child")
    return out


def _lookup(table: dict, word: str):
    for f in _forms(word):
        if f in table:
            return table[f]
    return None


@dataclass(frozen=True)
class Claim:
    """One counted figure of one article: its group, interval and where it stands."""

    quantity: Quantity
    group: str
    low: float
    high: float
    rep: float
    bounded: bool
    where: str  # headline, lead, body
    quoted_by: Optional[str]  # the speaker it is attributed to, else None (the outlet's own words)

    @property
    def span(self) -> Span:
        return self.quantity.span


def conflict(a: Claim, b: Claim) -> Optional[str]:
    """'warning' for ten times apart, 'info' for a bound that excludes the other, else None."""
    return figures.conflict(Interval(a.low, a.high, a.rep, a.bounded), Interval(b.low, b.high, b.rep, b.bounded))


def _sentence_of(analysis: Analysis, pos: int) -> Span:
    sents = analysis.document.sentences
    starts = [s for s, _ in sents]
    i = bisect.bisect_right(starts, pos) - 1
    if 0 <= i < len(sents) and sents[i][0] <= pos < sents[i][1]:
        return sents[i]
    text = analysis.document.text
    lo = max(text.rfind(".", 0, pos), text.rfind("\n", 0, pos)) + 1
    hi = min([x for x in (text.find(".", pos), text.find("\n", pos)) if x >= 0] or [len(text)])
    return (lo, hi)


def group_of(q: Quantity, analysis: Analysis) -> Optional[str]:
    g = counted_groups()
    text = analysis.document.text
    counted = q.counted
    if counted:
        words = _WORD.findall(counted)
        head = words[-1] if words else ""
        if COMPOUND_CROWD.search(q.text) and head.lower() in ("man", "men", "person", "people", "strong", "march", "rally", "protest", "demonstration"):
            return "crowd"  # "a million-man march", "a 5,000-strong rally"
        hit = _lookup(g.noun, head)
        if hit:
            return hit
        if _lookup(g.event, head):
            return None  # "thousands of marches" counts marches
        candidates = _lookup(g.generic, head)
        if not candidates:
            return None
        s, e = _sentence_of(analysis, q.span[0])
        cued: set[str] = set()
        for w in _WORD.findall(text[max(s, q.span[0] - 80) : min(e, q.span[1] + 80)]):
            c = _lookup(g.cue, w)
            if c:
                cued |= c & candidates
        return next(iter(cued)) if len(cued) == 1 else None
    before = text[max(0, q.span[0] - 40) : q.span[0]]
    m = _BEFORE.search(before)
    if m:
        return _BEFORE_GROUP.get(m.group(1).lower())
    return None


def _quote_over(analysis: Analysis, span: Span):
    best = None
    for qu in analysis.quotes:
        if qu.span[0] <= span[0] and span[1] <= qu.span[1]:
            if best is None or qu.span[1] - qu.span[0] < best.span[1] - best.span[0]:
                best = qu
    return best


def claims(analysis: Analysis, title_span: Optional[Span], lead: Optional[Span]) -> list[Claim]:
    out: list[Claim] = []
    for q in analysis.quantities:
        if q.kind != "count":
            continue
        group = group_of(q, analysis)
        if group is None:
            continue
        iv = interval(q)
        if iv is None or iv[1] <= 1:
            continue
        if title_span is not None and title_span[0] <= q.span[0] < title_span[1]:
            where = "headline"
        elif lead is not None and lead[0] <= q.span[0] < lead[1]:
            where = "lead"
        else:
            where = "body"
        quote = _quote_over(analysis, q.span)
        quoted_by = None if quote is None else (quote.speaker.name or quote.speaker.text or "an unnamed source")
        if quoted_by is None and where != "headline":
            s, _ = _sentence_of(analysis, q.span[0])
            if _ATTRIBUTION.search(analysis.document.text[s : q.span[0]]):
                quoted_by = "a source named in the sentence"
        out.append(Claim(q, group, iv[0], iv[1], iv[2], iv[3], where, quoted_by))
    return out


def describe(c: Claim) -> str:
    q = c.quantity
    vague = VAGUE.search(q.text)
    if vague:
        return q.text[vague.start() :].lower()  # "tens of thousands of people" says it best
    if q.low is not None and q.high is not None:
        return f"{_fmt(q.low)}–{_fmt(q.high)}"
    if q.low is not None and (q.value is None or q.value == q.low):
        return f"at least {_fmt(q.low)}"
    if q.high is not None and q.low is None:
        return f"at most {_fmt(q.high)}"
    v = q.value if q.value is not None else c.rep
    return f"about {_fmt(v)}" if q.approximate else _fmt(v)


def _fmt(v: float) -> str:
    if v >= 1000 or v == int(v):
        return f"{int(round(v)):,}"
    return f"{v:g}"


def group_words(group: str) -> str:
    return _GROUP_WORDS.get(group, group)
