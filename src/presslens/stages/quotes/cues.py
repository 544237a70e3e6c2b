"""Reporting cues read off the dependency parse, each with the content it reports."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from spacy.tokens import Doc, Token

from ...model import CueKind
from ...quotemarks import ALL_MARKS
from ...resources import lexicon
from ._common import CONTENT_DEPS, Lexicons, Span, governing_subject, subject_of, subtree_span, trim


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
                return trim(text, doc[obj.i + 1].idx, doc[hi_i].idx + len(doc[hi_i]))
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
            return trim(text, obj.left_edge.idx, doc[hi_i].idx + len(doc[hi_i]))
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
    sub = subject_of(verb)
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


@lru_cache(maxsize=1)
def _set_phrases() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(w.strip().lower().split()) for w in lexicon("quote_set_phrases") if w.strip())


def _in_set_phrase(tok: Token) -> bool:
    """'That said, ...', 'needless to say': the verb is part of a fixed phrase, not a report."""
    doc = tok.doc
    for words in _set_phrases():
        for k, w in enumerate(words):
            if w != tok.lower_.replace("’", "'"):
                continue
            lo = tok.i - k
            if lo >= 0 and lo + len(words) <= len(doc) and all(doc[lo + n].lower_.replace("’", "'") == words[n] for n in range(len(words))):
                return True
    return False


def _imperative(tok: Token) -> bool:
    """'Call it a fetish.' / 'Say you win.': a bare verb opening its sentence, with no subject, reports nobody."""
    if tok.tag_ != "VB" or tok.dep_ != "ROOT" or subject_of(tok) is not None:
        return False
    if any(c.dep_ in ("aux", "auxpass") for c in tok.children):
        return False
    # anything before the verb hangs from it ("For more, read the report"), never a subject
    return all(t.head.i == tok.i or t.head.i < tok.i or t.is_punct for t in tok.doc[tok.sent.start : tok.i])


_HEDGE_MODALS = frozenset({"might", "could", "may", "should"})
_QUESTION_OPENERS = frozenset(
    "do does did is are was were can could will would should has have had why how what who whom which when where".split()
)


_WH_OPENERS = ("when ", "whether ", "if ", "why ", "how ", "what ", "where ", "who ", "which ")


def _not_reported(tok: Token, content: str) -> bool:
    """A cue that reports no actual statement: negated ('did not say that'; 'has not said when'
    still reports a refusal to answer), hypothetical ('critics might argue that', 'if he said
    that'), or asked about ('Did she say that ...?')."""
    kids = list(tok.children)
    if any(c.dep_ == "neg" for c in kids) and not content.lower().startswith(_WH_OPENERS):
        return True
    if any(c.dep_ == "aux" and c.lower_ in _HEDGE_MODALS for c in kids):
        return True
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in kids):
        return True
    if any(c.dep_ == "aux" and c.lower_ in ("would", "'d") for c in kids) and any(
        t.lower_ in ("if", "unless") and t.i < tok.i for t in tok.sent
    ):
        return True
    sent = tok.sent
    body = sent.text.rstrip(" \t\n" + ALL_MARKS)
    # a question: the reporting clause asks rather than reports (no quoted words in the sentence,
    # and it opens as a question, not "X asked a question: Who ...?")
    first = next((t for t in sent if not t.is_punct and not t.is_space), None)
    return (
        body.endswith("?")
        and first is not None
        and first.lower_ in _QUESTION_OPENERS
        and not any(t.text in ALL_MARKS or t.text == ":" for t in sent)
    )


def find_cues(doc: Doc, text: str, lex: Lexicons) -> list[CueCand]:
    cues: list[CueCand] = []
    for tok in doc:
        if _in_set_phrase(tok) or (tok.pos_ == "VERB" and _imperative(tok)):
            continue
        cue: Optional[CueCand] = None
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            cue = _according_cue(tok, text, lex)
        elif tok.pos_ == "NOUN" and tok.dep_ in ("dobj", "nsubjpass") and tok.lemma_.lower() in lex.noun_class:
            cue = _noun_subject_cue(tok, text, lex)
        elif tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
            cue = _verb_cue(tok, text, lex)
        if cue is not None:
            if cue.content is not None and _not_reported(cue.tok, text[cue.content[0] : cue.content[1]]):
                cue.content = None
            cues.append(cue)
    return cues


def _according_cue(tok: Token, text: str, lex: Lexicons) -> Optional[CueCand]:
    """'according to X': the rest of the sentence, or what precedes the phrase when it closes it."""
    doc = tok.doc
    to = doc[tok.i + 1]
    pobj = [c for c in to.children if c.dep_ == "pobj"] or [c for c in tok.children if c.dep_ == "pobj"]
    sent = tok.sent
    phrase_lo = tok.i
    phrase_hi = max(to.right_edge.i, tok.right_edge.i)
    last = sent.end - 1
    while last > sent.start and (doc[last].is_space or doc[last].is_punct):
        last -= 1
    if phrase_lo - sent.start <= 1:
        content = trim(text, doc[min(phrase_hi + 1, sent.end - 1)].idx, sent.end_char)
    elif phrase_hi >= last:
        if any(0 < tok.i - t.i <= 5 and lex.verb_class.get(t.lemma_.lower()) == "speech" and t.pos_ == "VERB" for t in sent):
            return None  # "…, X said, according to a transcript": the transcript is not the speaker
        content = trim(text, sent.start_char, tok.idx)
    else:
        content = trim(text, sent.start_char, sent.end_char)
    return CueCand(tok.idx, to.idx + len(to), tok, "speech", pobj[0] if pobj else None, content)


def _noun_subject_cue(tok: Token, text: str, lex: Lexicons) -> Optional[CueCand]:
    """'issued a warning that ...': a cue noun, the object of a verb that is no cue itself."""
    verb = tok.head
    clause = _noun_cue(tok, lex)
    if clause is not None and verb.pos_ in ("VERB", "AUX") and verb.i < tok.i and verb.lemma_.lower() not in lex.verb_class:
        return CueCand(
            verb.idx, tok.idx + len(tok), verb, lex.noun_class[tok.lemma_.lower()], governing_subject(verb),
            trim(text, clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge)),
        )
    return None


def _verb_cue(tok: Token, text: str, lex: Lexicons) -> Optional[CueCand]:
    """A reporting verb with the content it reports, from the first seam that gives one."""
    doc = tok.doc
    low = tok.lower_
    lemma = tok.lemma_.lower()
    cls = lex.verb_class.get(lemma)
    if cls is None:
        lemma = lex.form_lemma.get(low, "")
        cls = lex.verb_class.get(lemma)
    if cls is None or tok.dep_ in ("amod", "compound"):
        return None
    if tok.dep_ == "acl" and tok.tag_ in ("VBD", "VBN") and tok.head.dep_ == "nsubj" and tok.head.i < tok.i:
        # "Officials said Tuesday the plant will close" misparsed as "officials (who were) said":
        # the clause verb then has a second subject after the cue
        verb = tok.head.head
        if any(c.dep_ in ("nsubj", "nsubjpass") and c.i > tok.right_edge.i for c in verb.children) and tok.right_edge.i + 1 < len(doc):
            content = trim(text, doc[tok.right_edge.i + 1].idx, verb.right_edge.idx + len(verb.right_edge))
            return CueCand(tok.idx, tok.idx + len(tok), tok, cls, tok.head, content)
        return None
    comp = [
        c
        for c in tok.children
        if c.dep_ in CONTENT_DEPS and (_is_clause(c) or any(x.dep_ in ("ccomp", "conj") and _is_clause(x) for x in c.children))
        or _question_clause(tok, c)
        # headline order "Plan unclear on costs, experts say": a fronted complement the parser left verbless
        or (c.dep_ == "ccomp" and c.right_edge.i < tok.i and _comma_before_subject(tok) and c.left_edge.i == tok.sent.start)
    ]
    content = _complement_content(tok, comp, text, lex) if comp else _clause_content(tok, lemma, text, lex)
    short_ok = False
    if content is None and lemma in _SAY_OBJECT_VERBS and tok.dep_ not in ("amod", "acl"):
        # "said no", "said so", "said the same of X", "has said the same thing"
        for c in tok.children:
            if c.i <= tok.i:
                continue
            if (c.dep_ == "intj" and c.lower_ in ("yes", "no")) or (c.dep_ == "advmod" and c.lower_ == "so" and c.i == tok.i + 1) or (
                c.dep_ == "dobj" and c.lemma_.lower() not in lex.noun_class and c.lower_ not in ("it", "this", "what", "which", "that")
                and not _vague_object(c)
            ):
                content, short_ok = trim(text, c.left_edge.idx, c.right_edge.idx + len(c.right_edge)), True
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
                    content = trim(text, doc[lo_i].idx, doc[hi_i].idx + len(doc[hi_i]))
                    cls = lex.noun_class[obj.lemma_.lower()]
                break
    if content is None and cls == "speech" and tok.dep_ == "ROOT" and _comma_before_subject(tok):
        content = _fronted_content(tok, text)
    return CueCand(tok.idx, tok.idx + len(tok), tok, cls, governing_subject(tok), content, short_ok=short_ok)


def _complement_content(tok: Token, comp: list[Token], text: str, lex: Lexicons) -> Optional[Span]:
    """The verb's clausal complement, widened over clauses the parser split off, cut before a
    second report or a verb that agrees with the reporter."""
    doc = tok.doc
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
    return trim(text, s, e)


def _clause_content(tok: Token, lemma: str, text: str, lex: Lexicons) -> Optional[Span]:
    """Content when the cue has no complement: a parenthetical cue ("A is B, he said"), "As X
    reported, A", a colon, a for-clause, an unmarked adverbial, a that-clause after a
    prepositional phrase, or an infinitive ("urged voters to ...")."""
    doc = tok.doc
    content: Optional[Span] = None
    if (
        tok.dep_ in ("parataxis", "ccomp")
        and tok.head.i < tok.i
        and tok.head is not tok
        and _comma_before_clause(tok)
        and tok.head.lemma_.lower() not in lex.verb_class
        and subject_of(tok) is not None
    ):
        # "A is B, he said": the governing clause is the content
        head = tok.head
        if head.dep_ in ("nsubj", "nsubjpass") and head.head.i > tok.i and _comma_after(tok):
            head = head.head  # "The difference now, he told me, is that ...": the cue hangs on the subject
        content = trim(text, *subtree_span(head, exclude=tok))
    elif (
        tok.dep_ in ("parataxis", "ccomp", "advcl")
        and tok.head.i > tok.i
        and (_comma_before_clause(tok) or _comma_before_subject(tok))
        and _comma_after(tok)
        and lex.verb_class.get(tok.head.lemma_.lower()) != "speech"
        and subject_of(tok) is not None
    ):
        # "In his state, Christie said, offenders are sent ...": the cue sits inside its content
        content = trim(text, *subtree_span(tok.head))
    elif (
        tok.dep_ == "advcl"
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children)
        and subject_of(tok) is not None
        and tok.head.pos_ in ("VERB", "AUX")
        and tok.head.lemma_.lower() not in lex.verb_class
        and not any(c.dep_ in ("dobj", "ccomp") for c in tok.children)
    ):
        # "As Politico reported, the deal is off": the main clause is the content
        content = trim(text, *subtree_span(tok.head, exclude=tok))
    elif tok.i + 1 < len(doc) and doc[tok.i + 1].text == ":" and tok.i + 2 < len(doc) and not doc[tok.i + 2].is_space and doc[tok.i + 2].text not in ALL_MARKS:
        # "X wrote: The trouble began ..." (no quote marks): the rest of the paragraph
        nl = text.find("\n", tok.idx)
        content = trim(text, doc[tok.i + 2].idx, nl if nl != -1 else len(text))
    elif (fc := _for_clause(tok, lemma, lex)) is not None:
        # "is calling for the council to resign": the parser made "for" a subordinator
        content = trim(text, doc[fc.i + 1].idx, fc.head.right_edge.idx + len(fc.head.right_edge))
    elif _unmarked_advcl(tok) is not None:
        # "said after the convention he would not accept": the parser took the clause for an adverbial
        c = _unmarked_advcl(tok)
        subj = next(m for m in c.children if m.dep_ in ("nsubj", "nsubjpass") and m.i < c.i)
        content = trim(text, subj.left_edge.idx, c.right_edge.idx + len(c.right_edge))
    elif _that_clause_in_prep(tok) is not None:
        # "said in a statement that ...", "said during a news conference that ..."
        c = _that_clause_in_prep(tok)
        content = trim(text, c.left_edge.idx, c.right_edge.idx + len(c.right_edge))
    elif lemma in _XCOMP_VERBS:
        xc = [c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i]
        if xc:
            lo_i = xc[0].left_edge.i
            for obj in tok.children:  # "urged voters to ...": the addressee is part of the content
                if obj.dep_ in ("dobj", "nsubj") and tok.i < obj.i < xc[0].i and obj.right_edge.i + 1 == lo_i:
                    lo_i = obj.left_edge.i
                elif obj.dep_ == "prep" and obj.lower_ in ("on", "upon") and obj.i == tok.i + 1 and obj.right_edge.i + 1 == lo_i and obj.right_edge.i > obj.i:
                    lo_i = obj.i + 1  # "called on the council to act": the council is addressed
            content = trim(text, doc[lo_i].idx, xc[0].right_edge.idx + len(xc[0].right_edge))
    return content


def _fronted_content(verb: Token, text: str) -> Optional[Span]:
    """'People like her, he said.' / 'Though A, he said, B.': the parser made the cue the root, so the
    reported words are the text before the comma that precedes its subject (and any clause after it)."""
    doc = verb.doc
    sub = subject_of(verb)
    if sub is None or sub.i > verb.i:
        return None
    sent = verb.sent
    comma = sub.left_edge.i - 1
    if comma - sent.start < 2:
        return None
    for t in doc[sent.start : comma]:
        if t.head.i == verb.i and (t.dep_ in ("prep", "npadvmod", "advmod", "mark", "cc") or (t.dep_ == "advcl" and subject_of(t) is None)):
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
    return trim(text, doc[sent.start].idx, doc[end - 1].idx + len(doc[end - 1]))


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
_VAGUE_OBJECTS = frozenset({"something", "anything", "nothing", "everything", "thing", "things", "stuff", "word", "words", "lot"})


def _vague_object(obj: Token) -> bool:
    """'said something stupid', 'say the wrong thing': an object that names no content ('the same
    thing' still points back to a report)."""
    return obj.lower_ in _VAGUE_OBJECTS and not any(c.lower_ in ("same", "following") for c in obj.children)


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
    cue_subject = subject_of(cue)
    if own is None or content_subject is None or cue_subject is None:
        return False
    content_number = _finite_number(content) or _number(content_subject)
    return content_number is not None and own != content_number and own == _number(cue_subject)


def _own_report(verb: Token, lex: Lexicons) -> bool:
    """A reporting verb with a clausal complement of its own."""
    if verb.pos_ not in ("VERB", "AUX") or lex.verb_class.get(verb.lemma_.lower()) is None:
        return False
    return any(c.dep_ in CONTENT_DEPS and _is_clause(c) for c in verb.children)
