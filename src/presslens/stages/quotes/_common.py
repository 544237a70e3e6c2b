"""Word lists and parse helpers the parts of the quote stage share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from spacy.tokens import Token

from ...lexicons import reporting_index, speaker_nouns
from ...quotemarks import ALL_MARKS
from ...resources import lexicon


Span = tuple[int, int]
PERSON_PRONOUNS = frozenset({"he", "she", "i", "me", "him", "her"})
GROUP_PRONOUNS = frozenset({"they", "we", "them", "us"})
WRITER = "i"  # the writer's own "I" outside quote marks: named by the byline, no entity needed
QUANTIFIERS = frozenset(
    "some many most few several both all none one two three each either neither any others other".split()
)


@dataclass(frozen=True)
class Lexicons:
    verb_class: dict[str, str]  # lemma -> speech | evidence | belief
    form_lemma: dict[str, str]  # any inflected form -> lemma
    noun_class: dict[str, str]  # noun form of a cue ("call", "warning") -> class
    speaker_kind: dict[str, str]  # common noun -> person | group | organization | document
    object_verbs: dict[str, frozenset[str]]  # verbs whose object is the content -> prepositions that may stand for it


@lru_cache(maxsize=1)
def lexicons() -> Lexicons:
    verbs = reporting_index()
    object_verbs: dict[str, frozenset[str]] = {}
    for line in lexicon("quote_object_verbs"):
        cols = line.split("\t")
        preps = cols[1].strip() if len(cols) > 1 else "-"
        object_verbs[cols[0].strip()] = frozenset(p.strip() for p in preps.split(",")) - {"-", ""}
    return Lexicons(verbs.verb_kind, verbs.form_lemma, verbs.noun_kind, speaker_nouns(), object_verbs)


_TRAIL = " \t\r\n,;:—–-"
# A dateline opening a paragraph ("LONDON (Wire) – ", "March 14 (Agency) - ") is not what anyone said.
_DATELINE = re.compile(r"(?:[A-Z0-9][^\s()]*\s+){0,6}?(?:\([^()\n]{1,40}\)\s*)?[–—-]{1,2}\s+")


def trim(text: str, start: int, end: int) -> Optional[Span]:
    while start < end and (text[start] in _TRAIL or text[start] == "."):
        start += 1
    line_start = text.rfind("\n", 0, start) + 1
    if start - line_start <= 40:
        m = _DATELINE.match(text, line_start, end)
        if m and start <= m.end() - 1 and m.end() - line_start <= 60:
            start = m.end()
    while end > start and (text[end - 1] in _TRAIL or (text[end - 1] == "." and end - start > 1 and text[end - 2] not in ALL_MARKS and not _abbrev_end(text, start, end))):
        end -= 1
    return (start, end) if end > start else None


def _abbrev_end(text: str, start: int, end: int) -> bool:
    # "U.S." keeps its final dot
    return end - start >= 3 and text[end - 3] == "." and text[end - 2].isalpha()


def subtree_span(tok: Token, exclude: Optional[Token] = None) -> Span:
    lo, hi = tok.left_edge.i, tok.right_edge.i
    doc = tok.doc
    if exclude is not None and lo <= exclude.i <= hi:
        ex_lo, ex_hi = exclude.left_edge.i, exclude.right_edge.i
        if ex_lo <= tok.i <= ex_hi:
            return (doc[tok.i].idx, doc[tok.i].idx + len(doc[tok.i]))
        if ex_hi >= hi:
            hi = ex_lo - 1
        elif ex_lo <= lo:
            lo = ex_hi + 1
    return (doc[lo].idx, doc[hi].idx + len(doc[hi]))


def np_span(head: Token) -> tuple[int, int]:
    """Token range [lo, hi] of a speaker noun phrase: left modifiers, compounds, 'of' for quantifiers.

    Appositions and relative clauses after a comma are left out ("Qais Khazali, the secretary ...")."""
    lo = head.i
    for child in head.lefts:
        if child.dep_ in ("punct", "cc", "preconj") and child.i == child.left_edge.i and child.i < head.i:
            continue
        lo = min(lo, child.left_edge.i)
    hi = head.i
    doc = head.doc
    rights = list(head.rights)
    for n, child in enumerate(rights):
        if child.dep_ in ("compound", "flat", "nummod") and child.i == hi + 1:
            hi = child.right_edge.i
        elif child.dep_ == "prep" and child.lower_ == "of" and child.i == hi + 1 and (
            head.lower_ in QUANTIFIERS or head.pos_ in ("NUM", "PRON")
        ):
            hi = child.right_edge.i
        elif child.dep_ == "prep" and child.lower_ == "of" and child.i == hi + 1 and head.pos_ == "PROPN" and any(
            r.dep_ == "appos" and r.pos_ == "PROPN" and not any(t.is_punct and t.text != "-" for t in doc[hi + 1 : r.left_edge.i])
            for r in rights[n + 1 :]
        ):
            hi = child.right_edge.i  # "Secretary General of the X Organization Hadi al-Amiri"
        elif child.dep_ == "prep" and child.lower_ == "of" and child.i == hi + 1 and head.pos_ == "PROPN" and any(
            p.dep_ == "pobj" and p.pos_ == "PROPN" and p.i <= child.i + 6 for p in child.children
        ):
            # "Speaker of the House Paul Ryan": stop after the name, before any parenthesis
            pobj = next(p for p in child.children if p.dep_ == "pobj")
            hi = pobj.i
        elif child.dep_ == "appos" and child.pos_ == "PROPN" and not any(t.is_punct and t.text != "-" for t in doc[hi + 1 : child.left_edge.i]):
            hi = child.right_edge.i
        else:
            break
    while lo < head.i and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    if hi - lo > 14:  # keep the name, not a long description
        lo = max(lo, head.i - 6)
    return lo, hi


def subject_of(verb: Token) -> Optional[Token]:
    subs = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    if subs:
        subs.sort(key=lambda c: (c.dep_ != "nsubj", abs(c.i - verb.i)))
        sub = subs[0]
        if sub.dep_ == "nsubjpass":
            agent = [c for c in verb.children if c.dep_ == "agent"]
            if agent:
                pobj = [c for c in agent[0].children if c.dep_ == "pobj"]
                return pobj[0] if pobj else None
            return None
        return sub
    return None


def governing_subject(verb: Token) -> Optional[Token]:
    """Subject of the verb, or of the clause it hangs from (", saying", "and added")."""
    tok = verb
    if verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.head.dep_ in ("ccomp", "parataxis") and verb.head.head is not verb.head:
        tok = verb.head.head  # "X said A, adding B": B is X's too
    elif (
        verb.dep_ == "conj" and subject_of(verb) is None and verb.head.dep_ in CONTENT_DEPS
        and lexicons().verb_class.get(verb.head.head.lemma_.lower()) is not None
    ):
        tok = verb.head.head  # "X said A and said B": the parser hung the second cue on A
    for _ in range(4):
        sub = subject_of(tok)
        if sub is not None:
            if sub.lower_ in ("who", "which", "that") and tok.dep_ == "relcl":
                return tok.head
            return sub
        if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return tok.head
        if tok.dep_ in ("advcl", "conj", "xcomp", "dep", "acl", "pcomp", "prep") and tok.head is not tok:
            tok = tok.head
            continue
        break
    return None


CONTENT_DEPS = ("ccomp", "parataxis")
