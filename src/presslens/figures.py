"""Counted figures: what a counted noun counts, the interval a figure stands for, and when two
figures cannot both hold.

One rule for the checks stage (two figures in one article) and for stories (the same event's
figures across outlets): figures of one group (crowd, troops, dead, ...) conflict when they are ten
times apart or more, or when a stated range or bound misses the other by half again.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Optional

from .model import Quantity
from .resources import lexicon

CONFLICT_RATIO = 10.0  # "differ by ten times or more"
BOUND_RATIO = 1.5  # a stated range or bound must miss the other figure by this factor
VAGUE_SPREAD = 25.0  # "thousands" reads as 2,000 up to about 50,000
VAGUE = re.compile(r"\b(?:dozens|scores|hundreds|thousands|millions|billions|tens|lakhs)\b", re.I)
COMPOUND_CROWD = re.compile(r"-\s*(?:strong|man|men|person|people)\b", re.I)


@dataclass(frozen=True)
class CountedGroups:
    """checks_counted_groups.txt: which lemma puts a figure in which group."""

    noun: dict[str, str]  # lemma -> group
    event: dict[str, str]
    generic: dict[str, frozenset[str]]  # lemma -> groups it may join
    cue: dict[str, frozenset[str]]  # lemma -> groups it puts a generic noun into


@lru_cache(maxsize=1)
def counted_groups() -> CountedGroups:
    noun: dict[str, str] = {}
    event: dict[str, str] = {}
    generic: dict[str, set[str]] = {}
    cue: dict[str, set[str]] = {}
    for line in lexicon("checks_counted_groups"):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) != 3:
            continue
        group, role, lemma = parts[0], parts[1], parts[2].lower()
        if role == "noun":
            noun[lemma] = group
        elif role == "event":
            event[lemma] = group
        elif role == "generic":
            generic.setdefault(lemma, set()).add(group)
        elif role == "cue":
            cue.setdefault(lemma, set()).add(group)
    return CountedGroups(
        noun, event, {k: frozenset(v) for k, v in generic.items()}, {k: frozenset(v) for k, v in cue.items()}
    )


class Interval(NamedTuple):
    low: float
    high: float
    rep: float  # the figure that stands for the interval
    bounded: bool  # a range or bound the text states, not one read into a round or vague figure


def interval(q: Quantity) -> Optional[Interval]:
    """The interval a counted quantity stands for, or None when it gives no usable figure."""
    v, lo, hi = q.value, q.low, q.high
    if lo is not None and hi is not None:
        if lo <= 0 or hi < lo:
            return None
        return Interval(lo, hi, math.sqrt(lo * hi), True)
    if VAGUE.search(q.text) and lo is not None:
        return Interval(lo, lo * VAGUE_SPREAD, lo, False)
    if lo is not None:
        return Interval(lo, math.inf, lo, True)
    if hi is not None:
        return Interval(0.0, hi, hi, True)
    if v is None or v <= 0:
        return None
    if q.approximate:
        return Interval(v / 1.5, v * 1.5, v, False)
    return Interval(v, v, v, False)


def conflict(a: Interval, b: Interval) -> Optional[str]:
    """'warning' for ten times apart, 'info' for a bound that excludes the other, else None."""
    if b.high < a.low:
        low, high = b, a
    elif a.high < b.low:
        low, high = a, b
    else:
        return None
    if high.rep / max(low.rep, 1e-9) >= CONFLICT_RATIO:
        return "warning"
    if (low.bounded or high.bounded) and high.low / max(low.high, 1e-9) >= BOUND_RATIO:
        return "info"
    return None
