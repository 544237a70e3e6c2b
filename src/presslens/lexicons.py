"""Typed readers of the word lists that more than one stage reads.

Each list in ``resources/lexicons`` that two stages share is parsed here, once, into the
shape its header documents; stages import these readers instead of splitting lines themselves.
Gender codes are the files' own: ``m``, ``f`` or ``""`` (unknown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Optional

from .model import CUE_KINDS, CueKind, Gender
from .resources import lexicon

GENDER_NAMES: dict[str, Gender] = {"m": "male", "f": "female"}


def _pipe_fields(line: str) -> list[str]:
    return [part.strip() for part in line.split("|")]


def _tab_fields(line: str) -> list[str]:
    return [part.strip() for part in line.split("\t")]


def _comma_list(cell: str) -> tuple[str, ...]:
    """A comma list cell; ``-`` or an empty cell is the empty list."""
    return tuple(x for x in (p.strip() for p in cell.split(",")) if x and x != "-")


def norm_word(word: str) -> str:
    """A word as the title list keys it: lower case, curly apostrophe straightened, no final dot."""
    return word.lower().replace("’", "'").rstrip(".")


# ---------------------------------------------------------------- reporting verbs


@dataclass(frozen=True)
class ReportingVerb:
    lemma: str
    forms: tuple[str, ...]  # irregular forms written in the file
    nouns: tuple[str, ...]  # nouns that carry the same cue ("statement", "warning")
    kind: CueKind


def inflections(lemma: str) -> set[str]:
    """The regular forms of a verb lemma (the file lists only the irregular ones)."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing"}
    if lemma.endswith("e"):
        forms.add(lemma[:-1] + "ing")
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if len(lemma) > 2 and lemma[-1] not in "aeiouwyx" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


@lru_cache(maxsize=1)
def reporting_verbs() -> tuple[ReportingVerb, ...]:
    """``reporting_verbs.txt``: lemma, irregular forms, noun forms, cue kind."""
    out = []
    for line in lexicon("reporting_verbs"):
        cols = _tab_fields(line)
        if len(cols) < 4 or not cols[0] or cols[3] not in CUE_KINDS:
            continue
        out.append(ReportingVerb(cols[0].lower(), _comma_list(cols[1].lower()), _comma_list(cols[2].lower()), cols[3]))  # type: ignore[arg-type]
    return tuple(out)


@dataclass(frozen=True)
class ReportingIndex:
    verb_kind: dict[str, CueKind]  # lemma -> kind (the first line of a lemma wins)
    form_lemma: dict[str, str]  # any form, regular or irregular -> lemma
    noun_kind: dict[str, CueKind]  # noun form -> kind
    written_forms: frozenset[str]  # lemmas and the irregular forms the file writes out


@lru_cache(maxsize=1)
def reporting_index() -> ReportingIndex:
    verb_kind: dict[str, CueKind] = {}
    form_lemma: dict[str, str] = {}
    noun_kind: dict[str, CueKind] = {}
    written: set[str] = set()
    for v in reporting_verbs():
        verb_kind.setdefault(v.lemma, v.kind)
        for f in inflections(v.lemma) | set(v.forms):
            form_lemma.setdefault(f, v.lemma)
        for n in v.nouns:
            noun_kind.setdefault(n, v.kind)
        written.add(v.lemma)
        written.update(v.forms)
    return ReportingIndex(verb_kind, form_lemma, noun_kind, frozenset(written))


def cue_kind(cue_text: str) -> Optional[CueKind]:
    """Kind of a cue phrase ('has said', 'according to', 'told'), or None when no word of it is a
    reporting verb. Speech wins over the other kinds ("said he believed" is speech)."""
    index = reporting_index()
    words = re.findall(r"[a-z]+", cue_text.lower())
    if "according" in words:
        return "speech"
    best: Optional[CueKind] = None
    for w in words:
        lemma = index.form_lemma.get(w)
        if lemma is not None:
            kind = index.verb_kind[lemma]
            if kind == "speech":
                return kind
            best = best or kind
    return best


# ---------------------------------------------------------------- people and their words


class Pronoun(NamedTuple):
    gender: str  # m, f or ""
    number: str  # sg or pl


@lru_cache(maxsize=1)
def pronouns() -> dict[str, Pronoun]:
    """``entity_pronouns.txt``: third-person pronouns with gender and number."""
    out = {}
    for line in lexicon("entity_pronouns"):
        parts = _pipe_fields(line) + ["", ""]
        out[parts[0].lower()] = Pronoun(parts[1], parts[2] or "sg")
    return out


def _word_gender(name: str) -> dict[str, str]:
    """A ``word | gender`` list: lower-cased word -> m, f or ""."""
    out = {}
    for line in lexicon(name):
        parts = _pipe_fields(line) + [""]
        out[parts[0].lower()] = parts[1]
    return out


@lru_cache(maxsize=1)
def given_names() -> dict[str, str]:
    """``entity_given_names.txt``: first name -> m or f."""
    return _word_gender("entity_given_names")


class Title(NamedTuple):
    role: str  # the role noun the title implies, or ""
    gender: str  # m, f or ""


@lru_cache(maxsize=1)
def titles() -> dict[tuple[str, ...], Title]:
    """``entity_titles.txt``: title words (normalised by :func:`norm_word`) -> role and gender."""
    out: dict[tuple[str, ...], Title] = {}
    for line in lexicon("entity_titles"):
        parts = _pipe_fields(line) + ["", ""]
        key = tuple(norm_word(w) for w in parts[0].split())
        if key:
            out[key] = Title(parts[1], parts[2])
    return out


@lru_cache(maxsize=1)
def role_nouns() -> dict[str, str]:
    """``entity_role_nouns.txt``: role noun (maybe several words) -> gender (m, f or "")."""
    return _word_gender("entity_role_nouns")


def _word_set(name: str) -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon(name))


@lru_cache(maxsize=1)
def people_nouns() -> frozenset[str]:
    """``entity_people_nouns.txt``: nouns that denote people."""
    return _word_set("entity_people_nouns")


@lru_cache(maxsize=1)
def org_head_nouns() -> frozenset[str]:
    """``entity_org_head_nouns.txt``: nouns that make a name modifying them an organisation."""
    return _word_set("entity_org_head_nouns")


@lru_cache(maxsize=1)
def speaker_nouns() -> dict[str, str]:
    """``speaker_nouns.txt``: common noun -> person, group, organization or document."""
    out: dict[str, str] = {}
    for line in lexicon("speaker_nouns"):
        cols = _tab_fields(line)
        if len(cols) >= 2:
            out.setdefault(cols[0].lower(), cols[1])
    return out


class DoubtMarker(NamedTuple):
    """A line of techniques_doubt.txt: the marker, how far its doubt reaches, and its gloss."""

    phrase: str
    reach: str
    gloss: str


@lru_cache(maxsize=1)
def doubt_markers() -> tuple[DoubtMarker, ...]:
    """Markers that cast doubt without arguing ("so-called", "merely", "under the pretext of")."""
    out = []
    for line in lexicon("techniques_doubt"):
        cells = _pipe_fields(line)
        if len(cells) != 3 or not all(cells):
            raise ValueError(f"lexicon techniques_doubt: expected 3 '|'-separated fields in line {line!r}")
        out.append(DoubtMarker(*cells))
    return tuple(out)
