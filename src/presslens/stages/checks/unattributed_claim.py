"""The ``unattributed_claim`` check: a clause in the author's own voice (outside quotes and quote
marks, not what a reporting verb reports, not a question, a condition or a transcript line) that
carries strong assertion markers (``checks_assertion_markers.txt``), names an actor, and that no
quote in the article supports. At most three per article, strongest first; a technique found in the
clause by the techniques stage raises the severity but never fires a check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from spacy.tokens import Token

from ... import lexicons
from ...model import Analysis, Check, CheckKind, Span
from ...resources import lexicon
from ._common import STOP, reporting_forms, split_phrase, words_of
from ._layout import Layout

KIND: CheckKind = "unattributed_claim"


_MOTIVE_GAP = 25  # characters between "trying to" and the aim it imputes ("hide", "cover up")
_MAX_UNATTRIBUTED = 3  # per article: the strongest few, so the list stays worth reading
_TRANSCRIPT = re.compile(r"[\"“']?[A-Z][A-Z.'’ -]{1,40}:\s")


@dataclass(frozen=True)
class _Marker:
    words: tuple[str, ...]
    weight: int
    type: str
    prefix: bool  # last word matches any ending ("blatant*")


@lru_cache(maxsize=1)
def _markers() -> dict[str, list[_Marker]]:
    """Markers keyed by their first word (or the first word's stem for a prefix marker)."""
    out: dict[str, list[_Marker]] = {}
    for line in lexicon("checks_assertion_markers"):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) != 3:
            continue
        phrase, weight, kind = parts
        prefix = phrase.endswith("*")
        words = split_phrase(phrase.rstrip("*"))
        if not words:
            continue
        out.setdefault(words[0], []).append(_Marker(words, int(weight), kind, prefix))
    for v in out.values():
        v.sort(key=lambda m: -len(m.words))
    return out


@dataclass
class _Hit:
    span: Span
    marker: _Marker


def _match_markers(toks: list[Token]) -> list[_Hit]:
    markers = _markers()
    words = [t.lower_ for t in toks]
    hits: list[_Hit] = []
    i = 0
    while i < len(toks):
        w = words[i]
        cands = markers.get(w, [])
        matched = None
        for m in cands:
            n = len(m.words)
            if i + n > len(words):
                continue
            if m.prefix:
                ok = tuple(words[i : i + n - 1]) == m.words[:-1] and words[i + n - 1].startswith(m.words[-1])
            else:
                ok = tuple(words[i : i + n]) == m.words
            if ok:
                matched = m
                break
        if matched is None:
            # prefix markers whose first word is itself the stem ("blatantly")
            for stem, ms in _prefix_index().items():
                if w.startswith(stem) and w != stem:
                    matched = ms
                    break
        if matched is not None and matched.words[-1] in ("but", "than", "a"):
            # "nothing but a sham" dismisses; "little more than a year", "did nothing but wait" do not
            nxt = toks[i + len(matched.words)] if i + len(matched.words) < len(toks) else None
            after = toks[i + len(matched.words) + 1] if i + len(matched.words) + 1 < len(toks) else None
            if nxt is None or nxt.like_num or nxt.pos_ in ("VERB", "AUX", "NUM", "ADJ") or (
                nxt.lower_ in ("a", "an", "the") and after is not None and (after.like_num or after.lemma_.lower() in words_of("measure"))
            ) or nxt.lemma_.lower() in words_of("measure") or not _copular(toks[i]):
                matched = None
        if matched is not None and matched.type == "dismissal" and i > 0 and words[i - 1] in ("not", "n't", "n’t"):
            matched = None  # "not merely open to X but ...": emphasis, not dismissal
        if matched is not None:
            n = len(matched.words)
            hits.append(_Hit((toks[i].idx, toks[i + n - 1].idx + len(toks[i + n - 1].text)), matched))
            i += n
            continue
        i += 1
    return hits


def _copular(tok: Token) -> bool:
    """'X is nothing but Y' judges X; 'left with little more than Y' or 'has nothing but praise' does not."""
    cur = tok
    for _ in range(6):
        if cur.pos_ in ("VERB", "AUX"):
            return cur.lemma_.lower() == "be"
        if cur.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass") or cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


@lru_cache(maxsize=1)
def _prefix_index() -> dict[str, _Marker]:
    return {m.words[0]: m for ms in _markers().values() for m in ms if m.prefix and len(m.words) == 1}


def _reporting_sentence(toks: list[Token]) -> bool:
    forms = reporting_forms()
    for i, t in enumerate(toks):
        if t.lower_ == "according" and i + 1 < len(toks) and toks[i + 1].lower_ == "to":
            return True
        if t.pos_ in ("VERB", "AUX") and (t.lemma_.lower() in forms or t.lower_ in forms):
            if any(c.dep_ in ("nsubj", "nsubjpass", "ccomp", "agent") for c in t.children) or t.dep_ in ("parataxis",):
                return True
    return False


def _clause_of(tok: Token) -> Token:
    """The top-level clause a word belongs to: its nearest verb that heads a sentence or a coordinated clause."""
    cur = tok
    for _ in range(30):
        if cur.pos_ in ("VERB", "AUX") and cur.dep_ in ("ROOT", "conj", "parataxis"):
            return cur
        if cur.head.i == cur.i:
            return cur
        cur = cur.head
    return cur


def _clause_span(verb: Token, sentence: Span) -> Span:
    """The clause's characters, without clauses coordinated to it."""
    skip: set[int] = set()
    for c in verb.children:
        if c.dep_ in ("conj", "parataxis") and c.pos_ in ("VERB", "AUX") or c.dep_ == "cc" and c.i > verb.i:
            skip.update(t.i for t in c.subtree)
    toks = [t for t in verb.subtree if t.i not in skip and not t.is_space]
    while toks and (toks[-1].is_punct or toks[-1].lower_ in ("and", "but", "yet", "or")):
        toks.pop()
    while toks and (toks[0].is_punct or toks[0].lower_ in ("and", "but", "yet", "or")):
        toks.pop(0)
    if not toks:
        return sentence
    s = max(sentence[0], toks[0].idx)
    e = min(sentence[1], toks[-1].idx + len(toks[-1].text))
    return (s, e) if e > s else sentence


def _reported(tok: Token, stop: Token, own: Span) -> bool:
    """The word sits inside what a reporting verb or a noun of opinion reports ("X maintained
    that ...", "the carping that ...")."""
    forms = reporting_forms()
    cur = tok
    for _ in range(30):
        if not own[0] <= cur.idx < own[1] and cur.pos_ in ("VERB", "AUX") and (cur.lemma_.lower() in forms or cur.lower_ in forms):
            return True
        if cur.dep_ in ("acl", "ccomp", "relcl") and cur.head.pos_ == "NOUN" and cur.head.lemma_.lower() in _view_nouns():
            return True
        if cur.i == stop.i or cur.head.i == cur.i:
            break
        cur = cur.head
    return stop.lemma_.lower() in forms and stop.i != tok.i and any(c.dep_ in ("ccomp", "xcomp") for c in stop.children)


_CONDITIONAL_MARKS = frozenset({"if", "unless", "whether", "lest"})


def _hypothetical(tok: Token, stop: Token) -> bool:
    """The word sits in an 'if' or 'unless' clause, or in the main clause of a condition."""
    cur = tok
    for _ in range(30):
        if any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL_MARKS for c in cur.children):
            return True
        if cur.i == stop.i or cur.head.i == cur.i:
            break
        cur = cur.head
    # "If he fails, he will be left with little more than ...": the consequence of a condition
    return any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONDITIONAL_MARKS for m in c.children)
        for c in stop.children
    )


@lru_cache(maxsize=1)
def _view_nouns() -> frozenset[str]:
    """Nouns of opinion and speech ("the argument that", "carping that"), with the lexicon's speech nouns."""
    return words_of("view") | frozenset(lexicons.reporting_index().noun_kind)


def _after_view_noun(toks: list[Token], tok: Token) -> bool:
    """'Clinton's argument in recent months that she was merely ...': the marker stands in a "that"
    clause after a noun of opinion, whatever the parse made of it."""
    nouns = _view_nouns()
    before = [t for t in toks if t.i < tok.i]
    for k, t in enumerate(before):
        if t.lemma_.lower() in nouns or t.lower_ in nouns:
            if any(u.lower_ == "that" for u in before[k + 1 : k + 6]):
                return True
    return False


def _hedged(clause: Token) -> bool:
    for c in clause.children:
        if c.lower_ in words_of("hedge") or c.dep_ == "aux" and c.lower_ in words_of("hedgeverb"):
            return True
    return clause.lemma_.lower() in words_of("hedgeverb")


@lru_cache(maxsize=1)
def _actor_nouns() -> frozenset[str]:
    own = {w.lower() for w in lexicon("checks_actor_nouns")}
    words = own | lexicons.people_nouns() | set(lexicons.role_nouns()) | lexicons.org_head_nouns()
    return frozenset(w for w in words if w)


def _actor_in(toks: list[Token], layout: Layout, span: Span) -> bool:
    """The claim is about someone: a named or resolved entity, or a subject naming an institution or people."""
    if layout.entities_in(span):
        return True
    if any(t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for t in toks):
        return True
    nouns = _actor_nouns()
    return any(t.dep_ in ("nsubj", "nsubjpass", "poss") and t.lemma_.lower() in nouns for t in toks)


def _content_lemmas(toks: Iterable[Token]) -> set[str]:
    return {t.lemma_.lower() for t in toks if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ") and t.lower_ not in STOP}


def find(analysis: Analysis, layout: Layout, already: list[Check]) -> list[Check]:
    text = layout.text
    quote_lemmas: list[set[str]] = []
    for q in layout.quotes:
        quote_lemmas.append(_content_lemmas(layout.tokens(q.span)))
    # a technique the techniques stage found in the same clause raises the severity, never the firing
    loaded_techniques = [t for t in analysis.techniques if t.confidence >= 0.5 and t.technique in _EVALUATIVE_TECHNIQUES]
    scored: list[tuple[int, Span, list[_Hit]]] = []
    for sentence in layout.sentences:
        if sentence[1] <= layout.body_start:
            continue  # the headline is checked against the body, not on its own
        if text[sentence[0] : sentence[1]].rstrip().endswith("?"):
            continue  # a question asserts nothing
        pi = layout.paragraph_index(sentence[0])
        if pi >= 0 and _TRANSCRIPT.match(text, layout.paragraphs[pi][0]):
            continue  # "PENCE: ...": a transcript line speaks in its speaker's voice
        toks = layout.tokens(sentence)
        if len(toks) < 5 or any(t.lower_ == "according" and t.nbor(1).lower_ == "to" for t in toks if t.i + 1 < len(layout.doc)):
            continue
        hits = _match_markers(toks)
        if not hits:
            continue
        scare = [r for r in layout.quoted_regions if r[0] < sentence[1] and sentence[0] < r[1]]
        # keep markers in the author's voice: outside quotes, outside reported clauses; group by clause
        by_clause: dict[int, list[_Hit]] = {}
        for h in hits:
            if layout.quote_over(h.span) is not None or any(a <= h.span[0] < b for a, b in scare):
                continue
            tok = layout.token_at(h.span[0])
            if tok is None:
                continue
            clause = _clause_of(tok)
            if _reported(tok, clause, h.span) or _after_view_noun(toks, tok) or _hypothetical(tok, clause) or _hedged(clause):
                continue
            by_clause.setdefault(clause.i, []).append(h)
        for clause_i, chits in by_clause.items():
            clause = layout.doc[clause_i]
            motives = [h for h in chits if h.marker.type == "motive"]
            aims = [h for h in chits if h.marker.type == "motive_object"]
            # an imputed motive needs its hidden aim right after it: "is trying to hide", "in a bid to cover up"
            paired = any(0 <= o.span[0] - m.span[1] <= _MOTIVE_GAP for m in motives for o in aims)
            chits = [h for h in chits if h.marker.type not in ("motive", "motive_object") or paired]
            score = sum(h.marker.weight for h in chits if h.marker.type != "motive_object") + (1 if paired else 0)
            if not any(h.marker.weight >= 2 or h.marker.type in ("dismissal", "pretext", "loaded", "motive") for h in chits):
                continue  # "in fact" with "never" is emphasis, not a strong claim

            span = _clause_span(clause, sentence)
            span = (min([span[0], *(h.span[0] for h in chits)]), max([span[1], *(h.span[1] for h in chits)]))
            if score < 2:
                continue
            if any(span[0] <= t.span[0] < span[1] for t in loaded_techniques):
                score += 1
            if layout.quote_over(span) is not None and _reporting_sentence(layout.tokens(span)):
                continue
            ctoks = layout.tokens(span)
            if not _actor_in(ctoks, layout, span):
                continue
            claim = _content_lemmas(ctoks)
            if claim and any(len(claim & ql) >= 0.6 * len(claim) for ql in quote_lemmas):
                continue  # a quote in the article says much the same: the author echoes a source
            scored.append((score, span, chits))
    scored.sort(key=lambda x: (-x[0], x[1][0]))
    out: list[Check] = []
    for score, span, hits in scored[:_MAX_UNATTRIBUTED]:
        words = ", ".join(f'"{text[h.span[0]:h.span[1]]}"' for h in hits[:3])
        kinds = [_MARKER_WORDS[k] for k in dict.fromkeys(h.marker.type for h in hits) if k in _MARKER_WORDS]
        message = (
            f"The author states, with no source named or quoted, {' and '.join(kinds) if kinds else 'a strong claim'} "
            f"({words})."
        )
        out.append(Check(kind=KIND, severity="warning" if score >= 3 else "info", message=message, evidence=[span]))
    return out


_EVALUATIVE_TECHNIQUES = frozenset(
    {"Loaded_Language", "Name_Calling,Labeling", "Exaggeration,Minimisation", "Doubt", "Causal_Oversimplification"}
)
_MARKER_WORDS = {
    "certainty": "a claim it presents as beyond doubt",
    "dismissal": "a dismissive judgement",
    "pretext": "that someone's stated reason is a pretext",
    "motive": "what someone secretly intends",
    "absolute": "an all-or-nothing generalisation",
    "loaded": "an evaluative label",
}
