"""Quotes: direct, indirect and mixed reported speech, with speaker and cue.

How it works, in one pass over the text and one over the parse:
1. quote marks are paired per paragraph (a quote may run on into a paragraph that opens
   with a quote mark; otherwise it is bounded at the paragraph end);
2. reporting cues are read off the dependency parse: a verb from the reporting-verb
   lexicon with a clausal complement (indirect content), ", saying ...", "according to X",
   a parenthetical cue inside its content ("A, X said, is B", "As X noted, A"), the object of
   verbs like "criticized" or "pointed to" (lexicon quote_object_verbs) and noun cues
   ("repeated the call to ...");
3. each quoted segment is attached to the nearest cue in its sentence (after it, then
   before it); a segment inside a cue's complement makes that quote ``mixed``;
   a quoted paragraph with no cue continues the previous speaker (floating quote);
   short quoted strings with no cue (titles, scare quotes) are dropped;
4. speakers are mapped to entities through ``Entity.mentions`` (the speaker span covers the
   whole mention); unresolved pronouns fall back on the current speaker, then the last person
   seen as a subject; "they" takes the group speaker of the same or previous sentence.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from spacy.tokens import Doc, Token

from ..lexicons import GENDER_NAMES, pronouns, reporting_index, speaker_nouns
from ..model import Cue, CueKind, Entity, Quote, Speaker
from ..quotemarks import ALL_MARKS, quote_segments
from ..resources import lexicon
from ..tokens import TokenIndex, token_index

name = "quotes"
requires = ("entities",)
assigns = "quotes"

Span = tuple[int, int]

# ---------------------------------------------------------------- lexicons

_PERSON_PRONOUNS = frozenset({"he", "she", "i", "me", "him", "her"})
_GROUP_PRONOUNS = frozenset({"they", "we", "them", "us"})
_QUANTIFIERS = frozenset(
    "some many most few several both all none one two three each either neither any others other".split()
)
_GENDER_CODE = {name: code for code, name in GENDER_NAMES.items()}  # the entity's gender as m / f


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


# ---------------------------------------------------------------- parse helpers

_TRAIL = " \t\r\n,;:—–-"


# A dateline opening a paragraph ("LONDON (Wire) – ", "March 14 (Agency) - ") is not what anyone said.
_DATELINE = re.compile(r"(?:[A-Z0-9][^\s()]*\s+){0,6}?(?:\([^()\n]{1,40}\)\s*)?[–—-]{1,2}\s+")


def _trim(text: str, start: int, end: int) -> Optional[Span]:
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


def _subtree_span(tok: Token, exclude: Optional[Token] = None) -> Span:
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


def _np_span(head: Token) -> tuple[int, int]:
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
            head.lower_ in _QUANTIFIERS or head.pos_ in ("NUM", "PRON")
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


def _subject(verb: Token) -> Optional[Token]:
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


def _governing_subject(verb: Token) -> Optional[Token]:
    """Subject of the verb, or of the clause it hangs from (", saying", "and added")."""
    tok = verb
    if verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.head.dep_ in ("ccomp", "parataxis") and verb.head.head is not verb.head:
        tok = verb.head.head  # "X said A, adding B": B is X's too
    elif (
        verb.dep_ == "conj" and _subject(verb) is None and verb.head.dep_ in _CONTENT_DEPS
        and lexicons().verb_class.get(verb.head.head.lemma_.lower()) is not None
    ):
        tok = verb.head.head  # "X said A and said B": the parser hung the second cue on A
    for _ in range(4):
        sub = _subject(tok)
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


# ---------------------------------------------------------------- cues


@dataclass
class CueCand:
    start: int  # cue span
    end: int
    tok: Token  # the verb (or 'according')
    cls: CueKind
    subject: Optional[Token]
    content: Optional[Span]  # indirect content span (trimmed) or None
    used: bool = False
    short_ok: bool = False  # a one-word content ("said no", "said so") is still a report


_CONTENT_DEPS = ("ccomp", "parataxis")
_OBJ_PREPS = ("for", "as", "of", "over", "with")  # "criticized X for ...", "praised X as ...", "accused X of ..."
TITLE_MAX_WORDS = 8  # quoted Title Case strings up to this length are names of works, not speech
SHORT_QUOTE_WORDS = 4  # quoted strings shorter than this need a cue right after them
UNCUED_MIN_WORDS = 5  # a quoted fragment with no cue is kept only from this length
_XCOMP_VERBS = frozenset({"urge", "call", "promise", "pledge", "vow", "threaten", "ask", "warn", "demand", "appeal", "plead", "beg", "advise", "tell", "request", "agree", "propose", "suggest", "recommend"})


def _that_clause_in_prep(verb: Token) -> Optional[Token]:
    for obj in verb.children:
        # "told a meeting of leaders that few people ...": the that-clause hung on the addressee
        if obj.dep_ in ("dobj", "dative") and obj.i > verb.i:
            for c in obj.children:
                if c.dep_ in ("acl", "relcl", "ccomp") and c.i > obj.i and _has_that_mark(c):
                    return c
            for prep in obj.children:
                if prep.dep_ == "prep" and prep.i > obj.i:
                    for pobj in prep.children:
                        for c in pobj.children:
                            if pobj.dep_ == "pobj" and c.dep_ in ("acl", "relcl", "ccomp") and c.i > pobj.i and _has_that_mark(c):
                                return c
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.i < verb.i:
            continue
        for pobj in prep.children:
            if pobj.dep_ != "pobj":
                continue
            for c in pobj.children:
                if c.dep_ in ("acl", "relcl", "ccomp") and c.i > pobj.i and _has_that_mark(c):
                    return c
    return None


def _object_content(tok: Token, lemma: str, text: str, lex: Lexicons) -> Optional[Span]:
    """'announced a run for the Senate', 'criticized X for ...', 'called it “a disgrace”', 'pointed to X':
    the object (with its complement) is what was said."""
    doc = tok.doc
    preps = lex.object_verbs.get(lemma, frozenset())
    kids = [c for c in tok.children if c.i > tok.i]
    for obj in kids:
        if obj.dep_ == "prep" and obj.lower_ in preps:
            # "called for an inquiry", "called on the city to act", "pointed to the figures"
            hi_i = obj.right_edge.i
            for vc in kids:
                if vc.dep_ in ("advcl", "xcomp") and vc.left_edge.i == hi_i + 1 and vc.left_edge.lower_ == "to":
                    hi_i = vc.right_edge.i
            if obj.i + 1 <= hi_i and (obj.lower_ != "on" or hi_i > obj.right_edge.i):
                return _trim(text, doc[obj.i + 1].idx, doc[hi_i].idx + len(doc[hi_i]))
            return None
        if obj.dep_ != "dobj":
            continue
        hi_i = obj.right_edge.i
        extended = False
        for c in kids:  # the object's complement hangs from the verb: "X for ...", "it a disgrace"
            if c.i > obj.i and (c.left_edge.i == hi_i + 1 or c.left_edge.i == hi_i + 2 and doc[hi_i + 1].text == ",") and (
                (c.dep_ == "prep" and c.lower_ in _OBJ_PREPS) or c.dep_ in ("oprd", "xcomp", "ccomp")
                or (c.dep_ == "prep" and c.lower_ in ("in", "to", "about", "against", "from") and not _circumstance(c))
                or (c.dep_ in ("advcl", "acl") and c.left_edge.lower_ == "to")
            ):
                hi_i = c.right_edge.i
                extended = True
        if obj.pos_ == "PRON" and not extended:
            return None
        if (hi_i - obj.left_edge.i >= 1 or extended) and obj.lemma_.lower() not in lex.noun_class:
            return _trim(text, obj.left_edge.idx, doc[hi_i].idx + len(doc[hi_i]))
        return None
    return None


_CIRCUMSTANCE_ENTS = frozenset({"DATE", "TIME", "GPE", "LOC", "FAC", "EVENT"})


def _circumstance(prep: Token) -> bool:
    """'in March', 'in Ohio', 'in an interview': a prepositional phrase that sets the scene of the speech act."""
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    return pobj is None or pobj.ent_type_ in _CIRCUMSTANCE_ENTS or pobj.lemma_.lower() in _occasion_nouns()


@lru_cache(maxsize=1)
def _occasion_nouns() -> frozenset[str]:
    return frozenset(w.strip().lower() for w in lexicon("quote_occasion_nouns") if w.strip())


def _question_clause(verb: Token, c: Token) -> bool:
    """'asked workers if they planned to ...': an embedded question the parser hung on the verb as advcl."""
    if c.dep_ != "advcl" or c.i < verb.i:
        return False
    mark = next((m for m in c.children if m.dep_ == "mark"), None)
    if mark is None and c.left_edge.i == verb.i + 1 and c.left_edge.lower_ == "when" and c.left_edge.head.i == c.i:
        # "have not said when they would ...": a negated cue makes 'when' a question, not a time
        return any(n.dep_ == "neg" for n in verb.children)
    if mark is None or mark.lower_ not in ("if", "whether") or mark.i != c.left_edge.i:
        return False
    if mark.lower_ == "whether":
        return True
    prev = c.left_edge.i - 1  # "if" right after the verb or its object, not a conditional after a comma
    return prev == verb.i or any(o.dep_ in ("dobj", "dative") and o.right_edge.i == prev for o in verb.children)


def _has_that_mark(clause: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children) and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in ("that", "which", "who") for c in clause.children
    )


def _noun_cue(noun: Token, lex: Lexicons) -> Optional[Token]:
    """The clause a cue noun introduces: 'the demand that parliament enforce ...', 'a warning that ...'."""
    for c in noun.children:
        if c.i > noun.i and c.dep_ in ("acl", "ccomp", "relcl") and _has_that_mark(c):
            return c
    return None


def _comma_before_clause(verb: Token) -> bool:
    """", he said" / ", said X": a comma (or closing quote) just before the cue clause."""
    first = min(verb.i, verb.left_edge.i)
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.left_edge.i < first:
            first = c.left_edge.i
    doc = verb.doc
    if doc[first].text in (",", "—", "–", "--") and first < verb.i:
        return True
    j = first - 1
    while j >= 0 and (doc[j].is_space or doc[j].text in ("”", '"', "’", "'")):
        j -= 1
    return j >= 0 and doc[j].text in (",", "—", "–", "--")


def _comma_before_subject(verb: Token) -> bool:
    """'But with each contest, these supporters acknowledge, it ...': a comma right before the cue's subject."""
    sub = _subject(verb)
    j = sub.left_edge.i - 1 if sub is not None and sub.i < verb.i else -1
    return j >= 0 and verb.doc[j].text in (",", "—", "–", "--")


def _comma_after(verb: Token) -> bool:
    """The cue clause is closed by a comma: a parenthetical "…, he said, …"."""
    doc = verb.doc
    if doc[verb.right_edge.i].text in (",", "—", "–", "--") and verb.right_edge.i > verb.i:
        return True
    j = verb.right_edge.i + 1
    while j < len(doc) and doc[j].text in ("”", '"', "’", "'"):
        j += 1
    return j < len(doc) and doc[j].text in (",", "—", "–", "--")


_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _is_clause(head: Token) -> bool:
    """A complement that reports content: it has a subject, a 'that', or a finite verb (not 'who to back')."""
    if head.pos_ not in ("VERB", "AUX", "NOUN", "ADJ", "PROPN", "PRON", "NUM"):
        return False
    has_subject = has_that = finite = False
    for c in head.children:
        if c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl"):
            has_subject = True
        elif c.dep_ == "mark" and c.lower_ in ("that", "if", "whether"):
            has_that = True
        elif c.dep_ in ("aux", "auxpass") and c.tag_ in _FINITE_TAGS:
            finite = True
    return has_subject or has_that or finite or head.tag_ in _FINITE_TAGS


def _find_cues(doc: Doc, text: str, lex: Lexicons) -> list[CueCand]:
    cues: list[CueCand] = []
    for tok in doc:
        low = tok.lower_
        if low == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            pobj = [c for c in to.children if c.dep_ == "pobj"] or [c for c in tok.children if c.dep_ == "pobj"]
            sent = tok.sent
            phrase_lo = tok.i
            phrase_hi = max(to.right_edge.i, tok.right_edge.i)
            last = sent.end - 1
            while last > sent.start and (doc[last].is_space or doc[last].is_punct):
                last -= 1
            if phrase_lo - sent.start <= 1:
                content = _trim(text, doc[min(phrase_hi + 1, sent.end - 1)].idx, sent.end_char)
            elif phrase_hi >= last:
                if any(0 < tok.i - t.i <= 5 and lex.verb_class.get(t.lemma_.lower()) == "speech" and t.pos_ == "VERB" for t in sent):
                    continue  # "…, X said, according to a transcript": the transcript is not the speaker
                content = _trim(text, sent.start_char, tok.idx)
            else:
                content = _trim(text, sent.start_char, sent.end_char)
            cues.append(CueCand(tok.idx, to.idx + len(to), tok, "speech", pobj[0] if pobj else None, content))
            continue
        if tok.pos_ == "NOUN" and tok.dep_ in ("dobj", "nsubjpass") and tok.lemma_.lower() in lex.noun_class:
            verb = tok.head
            clause = _noun_cue(tok, lex)
            if clause is not None and verb.pos_ in ("VERB", "AUX") and verb.i < tok.i and verb.lemma_.lower() not in lex.verb_class:
                cues.append(
                    CueCand(
                        verb.idx, tok.idx + len(tok), verb, lex.noun_class[tok.lemma_.lower()], _governing_subject(verb),
                        _trim(text, clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge)),
                    )
                )
            continue
        if tok.pos_ not in ("VERB", "AUX") and not (tok.tag_.startswith("VB")):
            continue
        lemma = tok.lemma_.lower()
        cls = lex.verb_class.get(lemma)
        if cls is None:
            lemma = lex.form_lemma.get(low, "")
            cls = lex.verb_class.get(lemma)
        if cls is None or tok.dep_ in ("amod", "compound"):
            continue
        if tok.dep_ == "acl" and tok.tag_ in ("VBD", "VBN") and tok.head.dep_ == "nsubj" and tok.head.i < tok.i:
            # "Officials said Tuesday the plant will close" misparsed as "officials (who were) said":
            # the clause verb then has a second subject after the cue
            verb = tok.head.head
            if any(c.dep_ in ("nsubj", "nsubjpass") and c.i > tok.right_edge.i for c in verb.children) and tok.right_edge.i + 1 < len(doc):
                content = _trim(text, doc[tok.right_edge.i + 1].idx, verb.right_edge.idx + len(verb.right_edge))
                cues.append(CueCand(tok.idx, tok.idx + len(tok), tok, cls, tok.head, content))
            continue
        comp = [
            c
            for c in tok.children
            if c.dep_ in _CONTENT_DEPS and (_is_clause(c) or any(x.dep_ in ("ccomp", "conj") and _is_clause(x) for x in c.children))
            or _question_clause(tok, c)
            # headline order "Plan unclear on costs, experts say": a fronted complement the parser left verbless
            or (c.dep_ == "ccomp" and c.right_edge.i < tok.i and _comma_before_subject(tok) and c.left_edge.i == tok.sent.start)
        ]
        content: Optional[Span] = None
        if comp:
            c = comp[0] if comp[0].i > tok.i or len(comp) == 1 else comp[-1]
            lo_tok, hi_tok = c.left_edge, c.right_edge
            if c.i > tok.i:
                # "they don't yet know ...": the parser split one clause into two complements
                for c2 in tok.children:
                    gap = doc[hi_tok.i + 1 : c2.left_edge.i]
                    if c2.dep_ == "ccomp" and c2.i > c.i and len(gap) <= 1 and all(g.dep_ in ("punct", "neg") and g.text not in ",;:.!?—–-" for g in gap):
                        hi_tok = c2.right_edge
            s, e = lo_tok.idx, hi_tok.idx + len(hi_tok)
            for sub in c.children:
                if sub.dep_ == "advcl" and sub.tag_ == "VBG" and sub.i > c.i and lex.form_lemma.get(sub.lower_) is not None and sub.left_edge.i > 0 and doc[sub.left_edge.i - 1].text == ",":
                    e = min(e, doc[sub.left_edge.i - 1].idx)
                elif sub.dep_ == "conj" and sub.i > c.i and sub.i > tok.i and _shares_cue_subject(sub, c, tok):
                    # "groups have maintained that the U.S. is relabeling X and have ramped up calls":
                    # the second verb agrees with the reporter, not the reported subject
                    k = sub.left_edge.i
                    while k - 1 > c.i and (doc[k - 1].dep_ == "cc" or doc[k - 1].is_punct):
                        k -= 1
                    e = min(e, doc[k].idx)
                elif sub.dep_ == "conj" and sub.i > c.i and sub.i > tok.i and _own_report(sub, lex):
                    # "He said A and said B": B is a report of its own
                    k = sub.left_edge.i
                    while k - 1 > c.i and (doc[k - 1].dep_ == "cc" or doc[k - 1].is_punct):
                        k -= 1
                    e = min(e, doc[k].idx)
            if c.i > tok.i:
                # clauses coordinated with the cue after its complement belong to the content
                for conj in tok.children:
                    if conj.dep_ == "conj" and conj.i > c.i and lex.form_lemma.get(conj.lower_) is None and conj.lemma_.lower() not in lex.verb_class:
                        e = max(e, conj.right_edge.idx + len(conj.right_edge))
                    elif (
                        conj.dep_ in ("advcl", "ccomp")
                        and conj.left_edge.i == hi_tok.i + 1
                        and conj.tag_ != "VBG"
                        and conj.lemma_.lower() not in lex.verb_class
                    ):
                        # a clause the parser hung on the cue right after the content ("... because ...")
                        e = max(e, conj.right_edge.idx + len(conj.right_edge))
            content = _trim(text, s, e)
        elif (
            tok.dep_ in ("parataxis", "ccomp")
            and tok.head.i < tok.i
            and tok.head is not tok
            and _comma_before_clause(tok)
            and tok.head.lemma_.lower() not in lex.verb_class
            and _subject(tok) is not None
        ):
            # "A is B, he said": the governing clause is the content
            head = tok.head
            if head.dep_ in ("nsubj", "nsubjpass") and head.head.i > tok.i and _comma_after(tok):
                head = head.head  # "The difference now, he told me, is that ...": the cue hangs on the subject
            content = _trim(text, *_subtree_span(head, exclude=tok))
        elif (
            tok.dep_ in ("parataxis", "ccomp", "advcl")
            and tok.head.i > tok.i
            and (_comma_before_clause(tok) or _comma_before_subject(tok))
            and _comma_after(tok)
            and lex.verb_class.get(tok.head.lemma_.lower()) != "speech"
            and _subject(tok) is not None
        ):
            # "In his state, Christie said, offenders are sent ...": the cue sits inside its content
            content = _trim(text, *_subtree_span(tok.head))
        elif (
            tok.dep_ == "advcl"
            and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children)
            and _subject(tok) is not None
            and tok.head.pos_ in ("VERB", "AUX")
            and tok.head.lemma_.lower() not in lex.verb_class
            and not any(c.dep_ in ("dobj", "ccomp") for c in tok.children)
        ):
            # "As Politico reported, the deal is off": the main clause is the content
            content = _trim(text, *_subtree_span(tok.head, exclude=tok))
        elif tok.i + 1 < len(doc) and doc[tok.i + 1].text == ":" and tok.i + 2 < len(doc) and not doc[tok.i + 2].is_space and doc[tok.i + 2].text not in ALL_MARKS:
            # "X wrote: The trouble began ..." (no quote marks): the rest of the paragraph
            nl = text.find("\n", tok.idx)
            content = _trim(text, doc[tok.i + 2].idx, nl if nl != -1 else len(text))
        elif (fc := _for_clause(tok, lemma, lex)) is not None:
            # "is calling for the council to resign": the parser made "for" a subordinator
            content = _trim(text, doc[fc.i + 1].idx, fc.head.right_edge.idx + len(fc.head.right_edge))
        elif _unmarked_advcl(tok) is not None:
            # "said after the convention he would not accept": the parser took the clause for an adverbial
            c = _unmarked_advcl(tok)
            subj = next(m for m in c.children if m.dep_ in ("nsubj", "nsubjpass") and m.i < c.i)
            content = _trim(text, subj.left_edge.idx, c.right_edge.idx + len(c.right_edge))
        elif _that_clause_in_prep(tok) is not None:
            # "said in a statement that ...", "said during a news conference that ..."
            c = _that_clause_in_prep(tok)
            content = _trim(text, c.left_edge.idx, c.right_edge.idx + len(c.right_edge))
        elif lemma in _XCOMP_VERBS:
            xc = [c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i]
            if xc:
                lo_i = xc[0].left_edge.i
                for obj in tok.children:  # "urged voters to ...": the addressee is part of the content
                    if obj.dep_ in ("dobj", "nsubj") and tok.i < obj.i < xc[0].i and obj.right_edge.i + 1 == lo_i:
                        lo_i = obj.left_edge.i
                    elif obj.dep_ == "prep" and obj.lower_ in ("on", "upon") and obj.i == tok.i + 1 and obj.right_edge.i + 1 == lo_i and obj.right_edge.i > obj.i:
                        lo_i = obj.i + 1  # "called on the council to act": the council is addressed
                content = _trim(text, doc[lo_i].idx, xc[0].right_edge.idx + len(xc[0].right_edge))
        short_ok = False
        if content is None and lemma in _SAY_OBJECT_VERBS and tok.dep_ not in ("amod", "acl"):
            # "said no", "said so", "said the same of X", "has said the same thing"
            for c in tok.children:
                if c.i <= tok.i:
                    continue
                if (c.dep_ == "intj" and c.lower_ in ("yes", "no")) or (c.dep_ == "advmod" and c.lower_ == "so" and c.i == tok.i + 1) or (
                    c.dep_ == "dobj" and c.lemma_.lower() not in lex.noun_class and c.lower_ not in ("it", "this", "what", "which", "that")
                ):
                    content, short_ok = _trim(text, c.left_edge.idx, c.right_edge.idx + len(c.right_edge)), True
                    break
        if content is None and lemma in lex.object_verbs and tok.dep_ not in ("acl", "relcl", "amod"):
            content = _object_content(tok, lemma, text, lex)
        if content is None:
            # noun cue: "repeated the call on X to ...", "issued a warning that ..."
            for obj in tok.children:
                if obj.dep_ == "dobj" and obj.lemma_.lower() in lex.noun_class and obj.i > tok.i:
                    after = [c for c in obj.children if c.i > obj.i and c.dep_ in ("acl", "prep", "ccomp", "relcl", "advcl")]
                    hi_i = obj.right_edge.i
                    for vc in tok.children:  # "the call on X to honor ...": the infinitive hangs from the verb
                        if vc.dep_ in ("advcl", "xcomp") and vc.left_edge.i == hi_i + 1 and vc.left_edge.lower_ == "to":
                            hi_i = vc.right_edge.i
                    if after or hi_i > obj.right_edge.i:
                        lo_i = after[0].left_edge.i if after else obj.right_edge.i + 1
                        content = _trim(text, doc[lo_i].idx, doc[hi_i].idx + len(doc[hi_i]))
                        cls = lex.noun_class[obj.lemma_.lower()]
                    break
        if content is None and cls == "speech" and tok.dep_ == "ROOT" and _comma_before_subject(tok):
            content = _fronted_content(tok, text)
        cues.append(CueCand(tok.idx, tok.idx + len(tok), tok, cls, _governing_subject(tok), content, short_ok=short_ok))
    return cues


def _fronted_content(verb: Token, text: str) -> Optional[Span]:
    """'People like her, he said.' / 'Though A, he said, B.': the parser made the cue the root, so the
    reported words are the text before the comma that precedes its subject (and any clause after it)."""
    doc = verb.doc
    sub = _subject(verb)
    if sub is None or sub.i > verb.i:
        return None
    sent = verb.sent
    comma = sub.left_edge.i - 1
    if comma - sent.start < 2:
        return None
    for t in doc[sent.start : comma]:
        if t.head.i == verb.i and (t.dep_ in ("prep", "npadvmod", "advmod", "mark", "cc") or (t.dep_ == "advcl" and _subject(t) is None)):
            return None  # "After the vote, the mayor told reporters": a scene setter, not content
    end = comma  # the text before the comma, unless a clause follows the cue
    for t in doc[verb.i + 1 : verb.right_edge.i + 1]:
        if t.dep_ in ("punct", "dobj", "dative", "prep", "pobj", "npadvmod", "det", "advmod", "compound", "amod"):
            continue
        if t.text == "," or t.head.i != verb.i or t.i < verb.i:
            continue
        if t.dep_ in ("advcl", "ccomp", "parataxis", "conj") and doc[t.left_edge.i - 1].text == ",":
            end = max(end, t.right_edge.i + 1)  # "…, he said, replacing X would be …": reported too
            continue
        return None
    return _trim(text, doc[sent.start].idx, doc[end - 1].idx + len(doc[end - 1]))


def _for_clause(verb: Token, lemma: str, lex: Lexicons) -> Optional[Token]:
    """The 'for' mark of an infinitive clause right after a verb that takes 'for' + content."""
    if "for" not in lex.object_verbs.get(lemma, frozenset()):
        return None
    for c in verb.children:
        if c.dep_ == "advcl" and c.i > verb.i:
            mark = c.left_edge
            if mark.lower_ == "for" and mark.dep_ == "mark" and mark.head.i == c.i and mark.i == verb.i + 1 and c.i > mark.i + 1:
                return mark
    return None


def _unmarked_advcl(verb: Token) -> Optional[Token]:
    """A finite clause with its own subject and no subordinator, hung on the cue as advcl after
    a prepositional or time phrase ("said on Friday he would ...")."""
    for c in verb.children:
        if c.dep_ != "advcl" or c.i < verb.i:
            continue
        if any(m.dep_ in ("mark", "advmod") and m.i < c.i for m in c.children):
            return None
        subj = next((m for m in c.children if m.dep_ in ("nsubj", "nsubjpass") and m.i < c.i), None)
        if subj is None or subj.lower_ in ("who", "which", "that", "what"):
            return None
        finite = c.tag_ in _FINITE_TAGS or any(a.dep_ in ("aux", "auxpass") and a.tag_ in _FINITE_TAGS for a in c.children)
        between = verb.doc[verb.i + 1 : subj.left_edge.i]
        if finite and len(between) > 0 and not any(t.is_punct for t in between) and all(
            t.dep_ in ("prep", "pobj", "det", "amod", "compound", "npadvmod", "nummod", "poss", "case", "dobj", "dative")
            for t in between
        ):
            return c
        return None
    return None


_SAY_OBJECT_VERBS = frozenset({"say", "repeat", "reply", "answer"})


def _number(tok: Optional[Token]) -> Optional[str]:
    """'sg' or 'pl' from a finite verb's or a subject noun's morphology; None when unmarked."""
    if tok is None:
        return None
    if tok.tag_ == "VBZ" or tok.lower_ in ("is", "was", "has", "does"):
        return "sg"
    if tok.tag_ == "VBP" or tok.lower_ in ("are", "were", "have", "do"):
        return "pl"
    if tok.tag_ in ("NNS", "NNPS"):
        return "pl"
    if tok.tag_ in ("NN", "NNP"):
        return "sg"
    return None


def _finite_number(verb: Token) -> Optional[str]:
    """Number marked on a verb group: its first finite auxiliary, else the verb itself."""
    for aux in verb.children:
        if aux.dep_ in ("aux", "auxpass") and aux.i < verb.i and aux.tag_ in ("VBZ", "VBP", "VBD"):
            return _number(aux) if aux.tag_ != "VBD" or aux.lower_ in ("was", "were") else None
    return _number(verb) if verb.tag_ in ("VBZ", "VBP") else None


def _shares_cue_subject(conj: Token, content: Token, cue: Token) -> bool:
    """A subjectless verb coordinated inside the content whose agreement fits the cue's subject
    and not the content's: the parser hung the reporter's second verb on the content."""
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in conj.children):
        return False
    own = _finite_number(conj)
    content_subject = next((c for c in content.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    cue_subject = _subject(cue)
    if own is None or content_subject is None or cue_subject is None:
        return False
    content_number = _finite_number(content) or _number(content_subject)
    return content_number is not None and own != content_number and own == _number(cue_subject)


def _own_report(verb: Token, lex: Lexicons) -> bool:
    """A reporting verb with a clausal complement of its own."""
    if verb.pos_ not in ("VERB", "AUX") or lex.verb_class.get(verb.lemma_.lower()) is None:
        return False
    return any(c.dep_ in _CONTENT_DEPS and _is_clause(c) for c in verb.children)


# ---------------------------------------------------------------- speakers


@dataclass
class Resolved:
    text: Optional[str] = None
    span: Optional[Span] = None
    entity: Optional[str] = None
    name: Optional[str] = None
    kind: str = "unknown"
    gender: Optional[str] = None
    para: int = -1

    def speaker(self) -> Speaker:
        return Speaker(text=self.text, span=self.span, entity=self.entity, name=self.name, kind=self.kind)  # type: ignore[arg-type]


@dataclass
class EntityIndex:
    by_token: dict[int, Entity] = field(default_factory=dict)
    mention_of: dict[int, Span] = field(default_factory=dict)  # token -> char span of the mention it lies in
    gender: dict[str, Optional[str]] = field(default_factory=dict)
    # (char offset, entity) of person mentions as subjects, in text order
    person_subjects: list[tuple[int, Entity]] = field(default_factory=list)


_TYPE_KIND = {"PERSON": "person", "ORG": "organization", "GROUP": "group", "PLACE": "organization"}


def _entity_index(doc: Doc, text: str, entities: list[Entity]) -> EntityIndex:
    idx = EntityIndex()
    tokens = token_index(doc)
    for ent in entities:
        for s, e in ent.mentions:
            for i in tokens.overlapping(s, e):
                idx.by_token.setdefault(i, ent)
                idx.mention_of.setdefault(i, (s, e))
        idx.gender[ent.id] = _GENDER_CODE.get(ent.gender) if ent.gender else None
    for i, ent in sorted(idx.by_token.items()):
        if ent.type == "PERSON" and doc[i].dep_ in ("nsubj", "nsubjpass") or (
            ent.type == "PERSON" and doc[i].dep_ == "compound" and doc[i].head.dep_ in ("nsubj", "nsubjpass")
        ):
            if not idx.person_subjects or idx.person_subjects[-1][1] is not ent or idx.person_subjects[-1][0] < doc[i].idx - 1:
                idx.person_subjects.append((doc[i].idx, ent))
    return idx


class SpeakerResolver:
    def __init__(self, doc: Doc, text: str, entities: list[Entity], paragraphs: list[Span], lex: Lexicons):
        self.doc, self.text, self.lex = doc, text, lex
        self.index = _entity_index(doc, text, entities)
        self.para_starts = [s for s, _ in paragraphs] or [0]
        self._subj_pos = [p for p, _ in self.index.person_subjects]
        self.last: Optional[Resolved] = None
        self.last_group: Optional[Resolved] = None  # the latest group or organization speaker
        self.sent_starts = [sent.start_char for sent in doc.sents]

    def para_of(self, offset: int) -> int:
        return max(bisect.bisect_right(self.para_starts, offset) - 1, 0)

    def _with_entity(self, r: Resolved, ent: Entity) -> Resolved:
        r.entity = ent.id
        r.name = ent.name
        r.kind = _TYPE_KIND.get(ent.type, "unknown")
        r.gender = self.index.gender.get(ent.id)
        return r

    def resolve(self, head: Optional[Token]) -> Resolved:
        if head is None:
            return Resolved()
        doc = self.doc
        lo, hi = _np_span(head)
        span = (doc[lo].idx, doc[hi].idx + len(doc[hi]))
        ent = self.index.by_token.get(head.i)
        ent_tok = head.i
        if ent is None and head.pos_ == "PROPN":
            for i in range(hi, lo - 1, -1):
                ent = self.index.by_token.get(i)
                if ent is not None:
                    ent_tok = i
                    break
        mention = self.index.mention_of.get(ent_tok) if ent is not None else None
        if mention is not None and mention[1] - mention[0] < 200:
            # the parse may cut a name ("al", "-", "Nasiri"): the speaker covers the whole mention
            span = (min(span[0], mention[0]), max(span[1], mention[1]))
        r = Resolved(text=self.text[span[0] : span[1]], span=span, para=self.para_of(span[0]))
        low = head.lower_
        if ent is not None and not (ent.type != "PERSON" and low in _PERSON_PRONOUNS):
            return self._with_entity(r, ent)
        if low in _PERSON_PRONOUNS:
            r.kind = "person"
            p = pronouns().get(low)
            r.gender = p.gender if p is not None and p.gender else None
            target = self._pronoun_target(r.gender, head.idx)
            if target is not None:
                r.entity, r.name, r.gender = target.entity, target.name, target.gender or r.gender
            return r
        if low in _GROUP_PRONOUNS:
            r.kind = "group"
            g = self.last_group
            if g is not None and g.span is not None and 0 <= self.sent_of(span[0]) - self.sent_of(g.span[0]) <= 1:
                # "Resistance factions have maintained ..., and they insist ...": they = the factions
                r.entity, r.name = g.entity, g.name or g.text
            return r
        noun = head
        if (low in _QUANTIFIERS or head.pos_ in ("NUM", "PRON")) :
            of = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
            pobj = [c for c in of[0].children if c.dep_ == "pobj"] if of else []
            if pobj:
                noun = pobj[0]
                ent2 = self.index.by_token.get(noun.i)
                if ent2 is not None:
                    self._with_entity(r, ent2)
                    r.kind = "group" if ent2.type in ("PERSON", "GROUP") else r.kind
                    return r
        kind = self.lex.speaker_kind.get(noun.lower_) or self.lex.speaker_kind.get(noun.lemma_.lower())
        if kind is not None:
            if kind == "person" and noun.tag_ in ("NNS", "NNPS"):
                kind = "group"
            if noun is not head and kind in ("person", "organization"):
                kind = "group"
            r.kind = kind
            return r
        if head.ent_type_ == "PERSON" or any(self.lex.speaker_kind.get(t.lower_) == "person" for t in doc[lo : hi + 1]):
            r.kind = "person"
        elif head.ent_type_ in ("ORG", "GPE"):
            r.kind = "organization"
        elif head.ent_type_ == "NORP" or head.tag_ in ("NNS", "NNPS"):
            r.kind = "group"
        return r

    def _pronoun_target(self, gender: Optional[str], offset: int) -> Optional[Resolved]:
        para = self.para_of(offset)
        last = self.last
        j = bisect.bisect_left(self._subj_pos, offset) - 1
        if last is not None and last.kind == "person" and last.name and para - last.para <= 2 and _compatible(gender, last.gender):
            # the current speaker, unless another person became the subject since
            newer = j >= 0 and last.span is not None and self._subj_pos[j] > last.span[1] and self.index.person_subjects[j][1].name != last.name
            if not (newer and _compatible(gender, self.index.gender.get(self.index.person_subjects[j][1].id))):
                return last
        steps = 0
        while j >= 0 and steps < 8:
            ent = self.index.person_subjects[j][1]
            g = self.index.gender.get(ent.id)
            if _compatible(gender, g):
                return Resolved(entity=ent.id, name=ent.name, kind="person", gender=g)
            j -= 1
            steps += 1
        return None

    def sent_of(self, offset: int) -> int:
        return bisect.bisect_right(self.sent_starts, offset) - 1

    def remember(self, r: Resolved) -> None:
        if r.kind == "person" and r.name:
            self.last = r
        elif r.kind in ("group", "organization") and r.text is not None and r.text.lower() not in _GROUP_PRONOUNS:
            self.last_group = r


def _compatible(a: Optional[str], b: Optional[str]) -> bool:
    return a is None or b is None or a == b


# ---------------------------------------------------------------- assembly


@dataclass
class Found:
    start: int
    end: int
    kind: str
    cue: Optional[CueCand]
    subject: Optional[Token] = None
    floating: bool = False


def _words(text: str, s: int, e: int) -> int:
    return len(text[s:e].split())


def run(ctx) -> list[Quote]:
    text: str = ctx.text
    doc: Doc = ctx.doc
    if not text.strip() or len(doc) == 0:
        return []
    lex = lexicons()
    paragraphs = list(ctx.analysis.document.paragraphs) or [(0, len(text))]
    segments = quote_segments(text, paragraphs)
    seg_starts = [s for s, _ in segments]

    def inside_segment(pos: int) -> bool:
        j = bisect.bisect_right(seg_starts, pos) - 1
        return j >= 0 and segments[j][0] < pos < segments[j][1]

    def _has_segment(span: Span) -> bool:
        j = bisect.bisect_left(seg_starts, span[0])
        return inside_segment(span[0]) or (j < len(segments) and segments[j][0] < span[1])

    cues = [c for c in _find_cues(doc, text, lex) if not inside_segment(c.start)]
    # "X wrote that the crisis showed …": a cue with a subject that cannot speak, inside what
    # another cue reports, is part of that report, not a source of its own.
    cues = [
        c for c in cues
        if not (
            _inanimate(c.subject, lex)
            and any(d is not c and d.content is not None and d.content[0] <= c.start < d.content[1] for d in cues)
        )
    ]
    tokens = token_index(doc)
    cue_starts = [c.start for c in cues]
    sents = list(doc.sents)
    sent_starts = [s.start_char for s in sents]

    def sent_range(pos: int) -> Span:
        j = max(bisect.bisect_right(sent_starts, pos) - 1, 0)
        return sents[j].start_char, sents[j].end_char

    found: list[Found] = []
    prev_end = -1
    for k, (s, e) in enumerate(segments):
        next_start = segments[k + 1][0] if k + 1 < len(segments) else len(text)
        inner = s
        while inner < e - 1 and (text[inner] in ALL_MARKS or text[inner].isspace()):
            inner += 1
        ss, _ = sent_range(inner)  # the parser may glue an opening mark to the sentence before
        ss = min(ss, s)
        _, se = sent_range(max(e - 1, s))
        # a closing mark followed by ", he said": the sentence of the closing mark may end after it
        _, se_after = sent_range(min(e, len(text) - 1)) if e < len(text) else (0, e)
        nxt = e
        while nxt < len(text) and text[nxt] in " \t":
            nxt += 1
        if nxt < len(text) and text[nxt] != "\n":
            _, se_after = sent_range(nxt)  # '“Stop!” a man yelled.' may be cut after the '!”'
        after_lo, after_hi = e, min(next_start, max(se, se_after))
        if text[ss:s].strip() == "" and ss > 0:
            lead = text[:ss].rstrip(" \t")
            if lead.endswith((":", ",")):  # "X told reporters:" parsed as its own sentence
                ss, _ = sent_range(len(lead) - 1)
        before_lo, before_hi = max(prev_end, ss), s
        prev_end = e
        cue: Optional[CueCand] = None
        # cue after the quote: "..." he said / said X
        j = bisect.bisect_left(cue_starts, after_lo)
        while j < len(cues) and cues[j].start < after_hi:
            c = cues[j]
            gap = text[after_lo : c.start]
            if c.subject is None and "\n" not in gap and c.tok.pos_ == "VERB":
                c.subject = _gap_subject(doc, tokens, after_lo, c.tok)
            subject_first = c.subject is not None and not re.sub(r"[\W_]", "", text[after_lo : c.subject.left_edge.idx])
            comma_led = text[s:e].rstrip(ALL_MARKS + " ").endswith(",") or text[e:c.start].lstrip().startswith(",")
            own = not comma_led and c.content is not None and c.content[0] >= c.end and not _has_segment(c.content)
            if "\n" not in gap and c.subject is not None and (len(gap.split()) <= 10 or subject_first) and not own:
                cue = c  # (a cue with its own unquoted content after it reports that, not this quote)
            break
        if cue is None:
            j = bisect.bisect_left(cue_starts, before_hi) - 1
            if j >= 0 and cues[j].start >= before_lo:
                c = cues[j]
                gap = text[c.end : before_hi]
                runs_on = c.content is not None and c.content[0] < s <= c.content[1] + 2  # the clause runs into the quote
                if "\n" not in gap and (len(gap.split()) <= 8 or gap.rstrip().endswith((":", ",")) or runs_on):
                    cue = c
        kind = "direct"
        span = (s, e)
        if cue is not None and cue.content is not None:
            cs, ce = cue.content
            outside = _words(text, min(cs, s), s) + _words(text, e, max(ce, e))
            if cue.end <= cs <= s and outside >= 3:  # the quote is a fragment of the reported clause
                kind = "mixed"
                span = (cs, max(ce, e))
            elif ce <= cue.start and cs < s and e <= ce + 2 and outside >= 3:
                # 'Her plans “would ruin us”, the union said': the fragment sits in the content before the cue
                kind = "mixed"
                span = (cs, max(ce, e))
        standalone = _standalone(text, s, e, ss, max(se, se_after))
        n_words = _words(text, s, e)
        if n_words <= TITLE_MAX_WORDS and _title_case(text[s:e]) and not (standalone and cue is None):
            continue  # a title of a book, show or slogan in Title Case
        if cue is not None and kind == "direct" and cue.start >= e and n_words >= SHORT_QUOTE_WORDS:
            lead = text[before_lo:s]
            if "\n" not in lead and _words(text, before_lo, s) >= 2 and _embedded(lead) and not _has_cue_word(lead, lex):
                lead_span = _trim(text, before_lo, s)
                if lead_span is not None:  # 'The people of X “deserve ...,” she said': the subject is hers too
                    kind, span = "mixed", (lead_span[0], e)
        if cue is not None and kind == "direct" and n_words < SHORT_QUOTE_WORDS and _embedded(text[before_lo:s]):
            gap = text[cue.end : s]
            if cue.end <= s and cue.cls == "speech" and "\n" not in gap and (len(gap.split()) <= 4 or len(gap.split()) <= 10 and not re.search(r"[,;:.!?]", gap)):
                # "called her “crooked”": the object and the quoted words are the content
                trimmed = _trim(text, cue.end, e)
                if trimmed is not None:
                    kind, span = "mixed", (trimmed[0], e)
            else:
                cue = None  # a short quoted term inside someone's sentence: a title or scare quote
        if cue is None:
            if not standalone:
                if n_words < UNCUED_MIN_WORDS:
                    continue  # title, name or scare quote
            found.append(Found(span[0], span[1], "direct", None, floating=standalone))
            continue
        cue.used = True
        found.append(Found(span[0], span[1], kind, cue, cue.subject))

    # indirect speech: cues with content that no quote took
    for c in cues:
        if c.used or c.content is None:
            continue
        cs, ce = c.content
        if _words(text, cs, ce) < (1 if c.short_ok else 2):
            continue
        j = bisect.bisect_left(seg_starts, cs)
        k = bisect.bisect_left(seg_starts, ce) - 1
        if k >= 0 and segments[k][0] < ce < segments[k][1] <= ce + 3:
            ce = segments[k][1]  # the content ends on a closing mark: '… “to surface.”'
        inner = j < len(segments) and segments[j][1] <= ce + 1
        kind = "mixed" if inner else "indirect"
        found.append(Found(cs, ce, kind, c, c.subject))

    # merge: a mixed/indirect quote swallowing a direct quote of the same cue
    found.sort(key=lambda f: (f.start, -f.end))
    kept: list[Found] = []
    for f in found:
        if kept and f.start >= kept[-1].start and f.end <= kept[-1].end + 3 and kept[-1].kind == "mixed" and f.kind == "direct" and (f.cue is None or f.cue is kept[-1].cue):
            continue
        kept.append(f)

    resolver = SpeakerResolver(doc, text, list(ctx.analysis.entities), paragraphs, lex)
    quotes: list[Quote] = []
    last_speaker: Optional[Resolved] = None
    last_para = -10
    for f in kept:
        para = resolver.para_of(f.start)
        if f.cue is None:
            if f.floating and last_speaker is not None and para - last_para <= 2:
                sp = last_speaker.speaker()
            else:
                sp = Speaker()
            cue_model = None
        else:
            r = resolver.resolve(f.subject)
            sp = r.speaker()
            cue_model = Cue(text=text[f.cue.start : f.cue.end], span=(f.cue.start, f.cue.end), kind=f.cue.cls)
            if r.text is not None:
                last_speaker = r
                resolver.remember(r)
        if f.cue is not None or sp.name is not None:
            last_para = para
        quotes.append(
            Quote(id="", kind=f.kind, text=text[f.start : f.end], span=(f.start, f.end), speaker=sp, cue=cue_model)  # type: ignore[arg-type]
        )
    quotes = _one_per_span(quotes)
    quotes.sort(key=lambda q: (q.span[0], q.span[1]))
    for n, q in enumerate(quotes, 1):
        q.id = f"Q{n}"
    return quotes


def _inanimate(subject: Optional[Token], lex: Lexicons) -> bool:
    """A common-noun subject that cannot speak (not a person, group, body or document noun)."""
    return (
        subject is not None
        and subject.pos_ == "NOUN"
        and not subject.ent_type_
        and subject.lemma_.lower() not in lex.speaker_kind
        and subject.lower_ not in lex.speaker_kind
    )


def _speaker_rank(q: Quote) -> tuple[bool, bool, bool]:
    sp = q.speaker
    named = sp.text is not None and sp.text.lower() not in _PERSON_PRONOUNS | _GROUP_PRONOUNS
    return (sp.entity is not None, named, sp.text is not None)


def _one_per_span(quotes: list[Quote]) -> list[Quote]:
    """Two cues around one quote ("X, he said, “…,” al-X said") give one quote: keep the
    attribution that names its speaker."""
    best: dict[Span, Quote] = {}
    for q in quotes:
        old = best.get(q.span)
        if old is None or _speaker_rank(q) > _speaker_rank(old):
            best[q.span] = q
    kept = sorted(best.values(), key=lambda q: (q.span[0], -q.span[1]))
    out: list[Quote] = []
    for q in kept:
        # "…pledging to stand firm in demanding X": the inner report repeats the outer one's speaker
        outer = next((o for o in reversed(out) if o.span[0] <= q.span[0] and q.span[1] <= o.span[1]), None)
        if (
            outer is not None
            and q.cue is not None
            and outer.span[0] <= q.cue.span[0] < outer.span[1]
            and (q.speaker.text is None or (q.speaker.entity or q.speaker.text) == (outer.speaker.entity or outer.speaker.text))
        ):
            continue
        out.append(q)
    return out


_SMALL_WORDS = frozenset("a an the of and or to in on for with at by from as vs".split())


def _title_case(chunk: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", chunk) if w.lower() not in _SMALL_WORDS]
    if len(words) < 2:
        return False
    return all(w[0].isupper() for w in words) and not re.search(r"\b(I|We|You)\b", chunk)


def _has_cue_word(chunk: str, lex: Lexicons) -> bool:
    return any(w in lex.form_lemma for w in re.findall(r"[a-z]+", chunk.lower())) or "according" in chunk.lower()


def _gap_subject(doc: Doc, tokens: TokenIndex, start: int, verb: Token) -> Optional[Token]:
    """'“…,” Texas delegate Bill Eastland, wearing a hat, said': the parser lost the subject;
    take the noun phrase that opens the text between the quote and the cue."""
    i = tokens.first_from(start)
    while i < verb.i and (doc[i].is_punct or doc[i].is_space):
        i += 1
    if i >= verb.i or doc[i].pos_ not in ("PROPN", "NOUN", "DET", "ADJ"):
        return None
    cand = doc[i]
    for _ in range(6):
        h = cand.head
        if h is cand or not (i <= h.i < verb.i) or h.pos_ not in ("PROPN", "NOUN"):
            break
        cand = h
    return cand if cand.pos_ in ("PROPN", "NOUN") else None


def _embedded(lead: str) -> bool:
    """Text before a quote in its sentence shows it is a fragment ("called it “a prayer”")."""
    lead = lead.strip()
    return bool(lead) and not lead.endswith((":", ","))


def _standalone(text: str, s: int, e: int, ss: int, se: int) -> bool:
    """The quote is (nearly) its whole sentence: only punctuation or a cue clause around it."""
    before = text[ss:s].strip()
    after = text[e:se].strip()
    return len(before.split()) <= 0 and len(re.sub(r"[^\w]", "", after)) == 0
