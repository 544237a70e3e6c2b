"""Word lists and limits that several checks share."""

from __future__ import annotations

import re
from functools import lru_cache

from ... import lexicons
from ...resources import lexicon


MAX_PAIRED = 300  # numbers or dated events compared pairwise: bounds the time on very long inputs
STOP = frozenset(
    "a an the of to in on at for and or but is are was were be been being has have had it its this that these those "
    "with by from as he she they we you i his her their our your them him us not no will would can could should may "
    "might do does did than then so if into about over after before up out who whom which what when where".split()
)


def split_phrase(phrase: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[\w']+|[^\w\s]", phrase.lower()))


@lru_cache(maxsize=1)
def _clause_words() -> dict[str, frozenset[str]]:
    """checks_clause_words.txt by kind: view, hedge, hedgeverb, measure, sizeof."""
    out: dict[str, set[str]] = {}
    for line in lexicon("checks_clause_words"):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) == 2 and parts[1]:
            out.setdefault(parts[0], set()).add(parts[1].lower())
    return {k: frozenset(v) for k, v in out.items()}


def words_of(kind: str) -> frozenset[str]:
    return _clause_words().get(kind, frozenset())


def reporting_forms() -> frozenset[str]:
    """Lemmas and irregular forms of reporting verbs (speech, evidence and belief)."""
    return lexicons.reporting_index().written_forms


YEAR_IN = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
