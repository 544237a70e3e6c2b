"""Checks: cross-checks over the other stages, for the places a reader should look twice.

Four kinds, each tuned for precision (a false alarm costs more trust than a miss):

- ``quantity_conflict``: two numbers counting the same thing (a crowd, troops, the dead) that
  cannot both hold: ten times apart or more, or a stated range or bound that excludes the
  other. The headline and the opening paragraph are compared with the whole body; two
  numbers inside the body only when they stand within one paragraph of each other. Pairs
  are dropped when either number is a part of a group ("among them", "another 500"), a
  change or a plan ("rose to", "expected"), or a total over a wider scope ("since 2011"),
  when the two sentences name different places or years, and when both numbers are quoted (a
  dispute between sources is reported, not committed, by the article).
- ``date_conflict``: one event given two different dates, and anniversaries whose
  arithmetic fails against the year of the event and the date of publication.
- ``unattributed_claim``: a clause in the author's own voice (outside quotes and quote marks,
  not what a reporting verb reports, not a question, a condition or a transcript line) that
  carries strong assertion markers (``checks_assertion_markers.txt``), names an actor, and that
  no quote in the article supports. At most three per article, strongest first; a technique
  found in the clause by the techniques stage raises the severity but never fires a check.
- ``title_body_mismatch``: a headline figure the body never gives, a headline quote the body
  never contains, a person named only in the headline, or a headline stating as fact what
  the body calls alleged, claimed or unconfirmed.

Word lists live in ``resources/lexicons/checks_*.txt``.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from spacy.tokens import Doc, Token

from .. import lexicons
from ..model import Analysis, Check, Event, Quantity, Quote, Span
from ..pipeline import Context
from ..quotemarks import double_segments
from ..resources import lexicon
from ..tokens import token_index

name = "checks"
requires: tuple[str, ...] = ("entities", "quotes", "quantities", "events", "techniques")
assigns = "checks"

_MOTIVE_GAP = 25  # characters between "trying to" and the aim it imputes ("hide", "cover up")
_MAX_UNATTRIBUTED = 3  # per article: the strongest few, so the list stays worth reading
_MIN_HEADLINE_QUOTE_WORDS = 4
_MAX_PAIRED = 300  # numbers or dated events compared pairwise: bounds the time on very long inputs
_CONFLICT_RATIO = 10.0  # "differ by ten times or more"
_BOUND_RATIO = 1.5  # a stated range or bound must miss the other figure by this factor
_VAGUE = re.compile(r"\b(?:dozens|scores|hundreds|thousands|millions|billions|tens|lakhs)\b", re.I)
_VAGUE_SPREAD = 25.0  # "thousands" reads as 2,000 up to about 50,000
_COMPOUND_CROWD = re.compile(r"-\s*(?:strong|man|men|person|people)\b", re.I)
_TRANSCRIPT = re.compile(r"[\"“']?[A-Z][A-Z.'’ -]{1,40}:\s")
_HEADLINE_QUOTE = re.compile(r"[\"“„«]([^\"“”„«»]{3,200})[\"”»]|(?<![A-Za-z])['‘]([^'‘’]{3,200})['’](?![A-Za-z])")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
_STOP = frozenset(
    "a an the of to in on at for and or but is are was were be been being has have had it its this that these those "
    "with by from as he she they we you i his her their our your them him us not no will would can could should may "
    "might do does did than then so if into about over after before up out who whom which what when where".split()
)


# ---------------------------------------------------------------- word lists


@dataclass(frozen=True)
class _Groups:
    noun: dict[str, str]  # lemma -> group
    event: dict[str, str]
    generic: dict[str, frozenset[str]]  # lemma -> groups it may join
    cue: dict[str, frozenset[str]]  # lemma -> groups it puts a generic noun into


@lru_cache(maxsize=1)
def _groups() -> _Groups:
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
    return _Groups(
        noun, event, {k: frozenset(v) for k, v in generic.items()}, {k: frozenset(v) for k, v in cue.items()}
    )


@dataclass(frozen=True)
class _Context:
    verbs: frozenset[str]
    part: frozenset[str]
    before: frozenset[str]
    after: tuple[tuple[str, ...], ...]
    scope: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=1)
def _quantity_context() -> _Context:
    verbs, part, before, after, scope = set(), set(), set(), [], []
    for line in lexicon("checks_quantity_context"):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) != 2:
            continue
        kind, phrase = parts[0], parts[1].lower()
        if kind == "verb":
            verbs.add(phrase)
        elif kind == "part":
            part.add(phrase)
        elif kind == "before":
            before.add(phrase)
        elif kind == "after":
            after.append(tuple(phrase.split()))
        elif kind == "scope":
            scope.append(tuple(phrase.split()))
    return _Context(frozenset(verbs), frozenset(part), frozenset(before), tuple(after), tuple(scope))


@dataclass(frozen=True)
class _Marker:
    words: tuple[str, ...]
    weight: int
    type: str
    prefix: bool  # last word matches any ending ("blatant*")


def _split_phrase(phrase: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[\w']+|[^\w\s]", phrase.lower()))


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
        words = _split_phrase(phrase.rstrip("*"))
        if not words:
            continue
        out.setdefault(words[0], []).append(_Marker(words, int(weight), kind, prefix))
    for v in out.values():
        v.sort(key=lambda m: -len(m.words))
    return out


@lru_cache(maxsize=1)
def _hedges() -> dict[str, tuple[tuple[tuple[str, ...], bool], ...]]:
    """Hedge phrases keyed by their first word (a one-word prefix entry by its stem)."""
    out: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
    for p in lexicon("checks_hedges"):
        words = _split_phrase(p.rstrip("*"))
        if words:
            out.setdefault(words[0], []).append((words, p.endswith("*")))
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _clause_words() -> dict[str, frozenset[str]]:
    """checks_clause_words.txt by kind: view, hedge, hedgeverb, measure, sizeof."""
    out: dict[str, set[str]] = {}
    for line in lexicon("checks_clause_words"):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) == 2 and parts[1]:
            out.setdefault(parts[0], set()).add(parts[1].lower())
    return {k: frozenset(v) for k, v in out.items()}


def _words_of(kind: str) -> frozenset[str]:
    return _clause_words().get(kind, frozenset())


def _reporting_forms() -> frozenset[str]:
    """Lemmas and irregular forms of reporting verbs (speech, evidence and belief)."""
    return lexicons.reporting_index().written_forms


# ---------------------------------------------------------------- the article's layout


class _Layout:
    """Where things stand: sentences, paragraphs, the headline, the lead, quotes, entity mentions."""

    def __init__(self, analysis: Analysis, doc: Doc) -> None:
        document = analysis.document
        self.text = document.text
        self.doc = doc
        self.sentences = list(document.sentences)
        self._sent_starts = [s for s, _ in self.sentences]
        self.paragraphs = list(document.paragraphs)
        self._par_starts = [s for s, _ in self.paragraphs]
        self.title: Optional[Span] = document.title_span
        body_pars = [p for p in self.paragraphs if self.title is None or p[0] >= self.title[1]]
        self.body_start = self.title[1] if self.title is not None else 0
        self.lead: Optional[Span] = body_pars[0] if body_pars else None
        # a dateline-only first paragraph ("BAGHDAD –") is not the lead
        if self.lead is not None and len(self.text[self.lead[0] : self.lead[1]].split()) < 8 and len(body_pars) > 1:
            self.lead = (self.lead[0], body_pars[1][1])
        self.quotes = sorted(analysis.quotes, key=lambda q: q.span[0])
        self._quote_starts = [q.span[0] for q in self.quotes]
        self._tokens = token_index(doc)
        self.places: list[tuple[Span, str]] = []  # (mention span, entity id) of places
        self.mentions: list[tuple[Span, str]] = []
        for ent in analysis.entities:
            for m in ent.mentions:
                self.mentions.append((m, ent.id))
                if ent.type == "PLACE":
                    self.places.append((m, ent.id))
        self.mentions.sort()
        self.quoted_regions = _quoted_stretches(self.text, self.paragraphs)
        self._places_cache: dict[tuple[int, int], set[str]] = {}
        self._mention_starts = [m[0][0] for m in self.mentions]

    def sentence_of(self, pos: int) -> Optional[Span]:
        i = bisect_right(self._sent_starts, pos) - 1
        if i >= 0 and self.sentences[i][0] <= pos < self.sentences[i][1]:
            return self.sentences[i]
        return None

    def paragraph_index(self, pos: int) -> int:
        return bisect_right(self._par_starts, pos) - 1

    def in_title(self, span: Span) -> bool:
        return self.title is not None and self.title[0] <= span[0] and span[1] <= self.title[1]

    def in_lead(self, span: Span) -> bool:
        return self.lead is not None and self.lead[0] <= span[0] and span[1] <= self.lead[1]

    def quote_over(self, span: Span) -> Optional[Quote]:
        """The quote whose span overlaps ``span`` (quotes are short lists; a scan is cheap)."""
        i = bisect_right(self._quote_starts, span[1])
        for q in reversed(self.quotes[max(0, i - 40) : i]):
            if q.span[0] < span[1] and span[0] < q.span[1]:
                return q
        return None

    def token_at(self, pos: int) -> Optional[Token]:
        return self._tokens.at(pos)

    def tokens(self, span: Span) -> list[Token]:
        r = self._tokens.starting_in(span[0], span[1])
        return [t for t in self.doc[r.start : r.stop] if not t.is_space]

    def entities_in(self, span: Span, only_places: bool = False) -> set[str]:
        if only_places:
            key = (span[0], span[1])
            if key not in self._places_cache:
                self._places_cache[key] = {eid for (s, e), eid in self.places if span[0] <= s and e <= span[1]}
            return self._places_cache[key]
        i = bisect_right(self._mention_starts, span[0] - 1)
        out = set()
        for k in range(i, len(self.mentions)):
            (s, e), eid = self.mentions[k]
            if s >= span[1]:
                break
            if e <= span[1]:
                out.add(eid)
        return out


# ---------------------------------------------------------------- the stage


def run(ctx: Context) -> list[Check]:
    analysis = ctx.analysis
    text = analysis.document.text
    doc: Doc = ctx.doc
    if not text.strip() or len(doc) == 0 or not analysis.document.sentences:
        return []
    layout = _Layout(analysis, doc)
    found: list[Check] = []
    found.extend(_quantity_conflicts(analysis, layout))
    found.extend(_date_conflicts(analysis, layout))
    found.extend(_unattributed_claims(analysis, layout))
    found.extend(_title_body_mismatches(analysis, layout, found))
    kept = [c for c in found if c.evidence and all(0 <= s < e <= len(text) for s, e in c.evidence)]
    kept.sort(key=lambda c: (c.evidence[0][0], c.kind))
    return kept


# ---------------------------------------------------------------- quantity_conflict


@dataclass
class _Claim:
    q: Quantity
    group: str
    lo: float  # the interval of values the wording allows
    hi: float
    rep: float  # the figure a reader takes away
    bounded: bool  # an explicit range or bound ("between 2,000 and 3,000", "at most 500")
    sentence: Span
    where: str  # "headline" | "lead" | "body"
    quoted_by: Optional[str]  # who is quoted giving the figure; None when the author states it


def _head_token(layout: _Layout, span: Span) -> Optional[Token]:
    toks = layout.tokens(span)
    if not toks:
        return None
    # the token whose head lies outside the span is the phrase's head
    inside = {t.i for t in toks}
    for t in toks:
        if t.head.i not in inside or t.head.i == t.i:
            return t
    return toks[-1]


def _group_of(q: Quantity, layout: _Layout) -> Optional[str]:
    groups = _groups()
    counted_tok: Optional[Token] = None
    if q.counted_span is not None:
        toks = layout.tokens(q.counted_span)
        counted_tok = toks[-1] if toks else None
    if counted_tok is not None:
        lemma = counted_tok.lemma_.lower()
        lower = counted_tok.lower_
        compound_crowd = bool(_COMPOUND_CROWD.search(q.text))
        if compound_crowd and lower in ("man", "men", "person", "people", "strong"):
            return "crowd"  # "million-man march", "a 5,000-person rally"
        for form in (lemma, lower):
            if form in groups.noun:
                return groups.noun[form]
        if lemma in groups.event or lower in groups.event:
            # "thousands of marches" counts marches; "a 5,000-strong march" counts its crowd
            return (groups.event.get(lemma) or groups.event.get(lower)) if compound_crowd else None
        candidates = groups.generic.get(lemma) or groups.generic.get(lower)
        if not candidates:
            return None
        return _cued_group(counted_tok, candidates, groups)
    # no counted noun: "a crowd of 5,000", "a death toll of 40"
    head = _head_token(layout, q.span)
    if head is None:
        return None
    anc = head.head
    by_object = _object_group(anc, groups)
    if by_object is not None:
        return by_object
    if anc.lower_ == "of" and anc.head.i != anc.i:
        holder = anc.head
        lemma = holder.lemma_.lower()
        if lemma in groups.noun:
            return groups.noun[lemma]
        cued = groups.cue.get(lemma)
        if cued and len(cued) == 1 and lemma not in groups.event:
            return next(iter(cued))
        if lemma in groups.event and lemma == "crowd":
            return "crowd"
    return None


def _cued_group(tok: Token, candidates: frozenset[str], groups: _Groups) -> Optional[str]:
    """A generic noun ("people") joins a group through the verb or noun it hangs from."""
    cur = tok
    for _ in range(4):
        nxt = cur.head
        if nxt.i == cur.i:
            break
        cur = nxt
        if cur.pos_ in ("VERB", "NOUN", "AUX"):
            hit = groups.cue.get(cur.lemma_.lower())
            if hit:
                both = hit & candidates
                if len(both) == 1:
                    return next(iter(both))
                return None
            if cur.pos_ == "VERB":
                break
    # "police put the crowd at 15,000 people": the verb's object names the group
    group = _object_group(tok.head, groups)
    if group is not None and group in candidates:
        return group
    # "people who marched": a relative clause ("one man who killed himself" is no count of the dead)
    for child in tok.children:
        if child.dep_ in ("relcl", "acl") and child.pos_ == "VERB" and not any(c.lower_.endswith("self") for c in child.children):
            hit = groups.cue.get(child.lemma_.lower())
            if hit:
                both = hit & candidates
                if len(both) == 1:
                    return next(iter(both))
    return None




def _object_group(prep: Token, groups: _Groups) -> Optional[str]:
    """'estimated the crowd at 15,000', 'put the size of the crowd at 15,000': the group a figure
    attached by "at" is given for, read from the object of the verb."""
    if prep.lower_ not in ("at", "to") or prep.head.pos_ != "VERB":
        return None
    for obj in prep.head.children:
        if obj.dep_ != "dobj":
            continue
        if obj.lemma_.lower() in _words_of("sizeof"):
            of = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if pobj is None:
                return None
            obj = pobj
        lemma = obj.lemma_.lower()
        if lemma in groups.noun:
            return groups.noun[lemma]
        hit = groups.cue.get(lemma)
        if hit and len(hit) == 1:
            return next(iter(hit))
    return None


def _interval(q: Quantity) -> Optional[tuple[float, float, float, bool]]:
    """(low, high, representative figure, explicitly bounded) for a counted quantity."""
    v, lo, hi = q.value, q.low, q.high
    if lo is not None and hi is not None:
        if lo <= 0 or hi < lo:
            return None
        return lo, hi, math.sqrt(lo * hi), True
    if _VAGUE.search(q.text) and lo is not None:
        return lo, lo * _VAGUE_SPREAD, lo, False
    if lo is not None:
        return lo, math.inf, lo, True
    if hi is not None:
        return 0.0, hi, hi, True
    if v is None or v <= 0:
        return None
    if q.approximate:
        return v / 1.5, v * 1.5, v, False
    return v, v, v, False


def _unsafe_pair_context(q: Quantity, layout: _Layout, sentence: Span, group: str) -> bool:
    """Words around a number that make it a part, a change, a plan or a wider total."""
    cx = _quantity_context()
    toks = layout.tokens(q.span)
    if not toks:
        return True
    first, last = toks[0], toks[-1]
    doc = layout.doc
    # a part or an addition just before the number
    for t in doc[max(0, first.i - 3) : first.i]:
        if t.lower_ in cx.before:
            return True
    # "500 of them", "500 more", "40 a day"
    after = [t.lower_ for t in doc[last.i + 1 : last.i + 4]]
    for phrase in cx.after:
        if tuple(after[: len(phrase)]) == phrase:
            return True
    if last.i + 1 < len(doc) and doc[last.i + 1].lower_ == "of" and q.counted_span is not None and q.counted_span[1] <= q.span[1]:
        return True
    # "two of the 5,000 marchers": the number is itself a part of a larger one
    head = _head_token(layout, q.span)
    if head is not None:
        if head.head.lower_ == "of" and head.head.head.like_num:
            return True
        cur = head
        for _ in range(5):
            nxt = cur.head
            if nxt.i == cur.i:
                break
            cur = nxt
            if cur.lemma_.lower() in cx.verbs or group != "dead" and cur.lemma_.lower() in cx.part:
                return True
            if any(c.dep_ == "aux" and c.lemma_.lower() in cx.verbs for c in cur.children):
                return True
    words = [t.lower_ for t in layout.tokens(sentence)]
    for phrase in cx.scope:
        n = len(phrase)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) == phrase:
                return True
    return False


def _claims(analysis: Analysis, layout: _Layout) -> list[_Claim]:
    out: list[_Claim] = []
    for q in analysis.quantities:
        if q.kind != "count":
            continue
        group = _group_of(q, layout)
        if group is None:
            continue
        iv = _interval(q)
        if iv is None or iv[1] <= 1:
            continue  # "one man" singles someone out; it is not a rival count of a group
        if layout.in_title(q.span):
            sentence: Optional[Span] = layout.title
            where = "headline"
        else:
            sentence = layout.sentence_of(q.span[0])
            where = "lead" if layout.in_lead(q.span) else "body"
        if sentence is None or _unsafe_pair_context(q, layout, sentence, group):
            continue
        quote = layout.quote_over(q.span)
        quoted_by = None if quote is None else (quote.speaker.name or quote.speaker.text or "an unnamed source")
        out.append(_Claim(q, group, iv[0], iv[1], iv[2], iv[3], sentence, where, quoted_by))
    return out


def _conflict(a: _Claim, b: _Claim) -> Optional[str]:
    """'warning' for ten times apart, 'info' for a bound that excludes the other, else None."""
    low, high = (a, b) if a.hi < b.lo else (b, a) if b.hi < a.lo else (None, None)
    if low is None or high is None:
        return None
    ratio = high.rep / max(low.rep, 1e-9)
    if ratio >= _CONFLICT_RATIO:
        return "warning"
    gap = high.lo / max(low.hi, 1e-9)
    if (low.bounded or high.bounded) and gap >= _BOUND_RATIO:
        return "info"
    return None


def _comparable(a: _Claim, b: _Claim, layout: _Layout) -> bool:
    if a.group != b.group or a.sentence == b.sentence:
        return False
    if a.quoted_by is not None and b.quoted_by is not None:
        return False  # two sources disagreeing is reported, not committed, by the article
    top = {"headline", "lead"}
    if not (a.where in top or b.where in top):
        # inside the body only numbers one paragraph apart at most speak of the same scene
        if abs(layout.paragraph_index(a.q.span[0]) - layout.paragraph_index(b.q.span[0])) > 1:
            return False
    elif a.where == b.where == "headline":
        return False
    ya, yb = _years_in(a.sentence, layout), _years_in(b.sentence, layout)
    if (ya or yb) and ya != yb:
        return False  # "in 2014, 11,000 died": another time, likely another event
    pa = layout.entities_in(a.sentence, only_places=True)
    pb = layout.entities_in(b.sentence, only_places=True)
    if pa and pb and not (pa & pb):
        return False  # different places: likely different gatherings
    # troops: differently described forces are different forces ("American soldiers" vs "coalition troops")
    if a.group == "troops":
        ma, mb = _modifiers(a.q, layout), _modifiers(b.q, layout)
        if ma and mb and not (ma & mb):
            return False
    return True


def _years_in(span: Span, layout: _Layout) -> set[str]:
    return set(_YEAR_IN.findall(layout.text[span[0] : span[1]]))


def _modifiers(q: Quantity, layout: _Layout) -> set[str]:
    if q.counted_span is None:
        return set()
    toks = layout.tokens(q.counted_span)
    return {t.lower_ for t in toks[:-1] if t.pos_ in ("ADJ", "PROPN", "NOUN")}


_WHERE = {"headline": "The headline", "lead": "The opening paragraph", "body": "One passage"}


def _describe_figure(c: _Claim) -> str:
    q = c.q
    if q.low is not None and q.high is not None:
        return f"{_fmt(q.low)}–{_fmt(q.high)}"
    if q.low is not None and (q.value is None or q.value == q.low):
        return f"at least {_fmt(q.low)}"
    if q.high is not None and q.low is None:
        return f"at most {_fmt(q.high)}"
    v = q.value if q.value is not None else c.rep
    return f"about {_fmt(v)}" if q.approximate or q.low is not None else _fmt(v)


def _fmt(v: float) -> str:
    if v >= 1000 or v == int(v):
        return f"{int(round(v)):,}"
    return f"{v:g}"


def _claim_words(c: _Claim, layout: _Layout) -> str:
    q = c.q
    text = layout.text
    if q.counted_span is not None and not (q.span[0] <= q.counted_span[0] and q.counted_span[1] <= q.span[1]):
        counted = text[q.counted_span[0] : q.counted_span[1]]
        verb = "was" if counted.lower() in ("crowd",) else "were"
        return f'the {counted} {verb} "{q.text}"'
    return f'"{q.text}"'


def _quantity_conflicts(analysis: Analysis, layout: _Layout) -> list[Check]:
    claims = _claims(analysis, layout)
    if len(claims) < 2:
        return []
    if len(claims) > _MAX_PAIRED:  # keep the headline and lead, then the earliest of the body
        top = [c for c in claims if c.where != "body"]
        claims = top + [c for c in claims if c.where == "body"][: max(0, _MAX_PAIRED - len(top))]
    best: dict[str, tuple[int, float, _Claim, _Claim, str]] = {}
    rank_where = {"headline": 0, "lead": 1, "body": 2}
    for i, a in enumerate(claims):
        for b in claims[i + 1 :]:
            if not _comparable(a, b, layout):
                continue
            severity = _conflict(a, b)
            if severity is None:
                continue
            ratio = max(a.rep, b.rep) / max(min(a.rep, b.rep), 1e-9)
            key = (rank_where[a.where] + rank_where[b.where], -ratio)
            cur = best.get(a.group)
            if cur is None or key < (cur[0], cur[1]):
                best[a.group] = (key[0], key[1], a, b, severity)
    out = []
    for group, (_, _, a, b, severity) in best.items():
        first, second = (a, b) if a.q.span[0] <= b.q.span[0] else (b, a)
        where1 = _WHERE[first.where]
        where2 = "the body" if first.where in ("headline", "lead") else "a passage close by"
        says1 = "speaks of" if first.quoted_by is None else f"quotes {first.quoted_by} on"
        says2 = "says" if second.quoted_by is None else f"quotes {second.quoted_by} saying"
        message = (
            f"{where1} {says1} {_claim_words(first, layout)}, but {where2} {says2} {_claim_words(second, layout)} "
            f"({_describe_figure(first)} vs {_describe_figure(second)}); both count the {_GROUP_WORDS[group]}."
        )
        out.append(Check(kind="quantity_conflict", severity=severity, message=message, evidence=[first.q.span, second.q.span]))
    return out


_GROUP_WORDS = {"crowd": "people taking part", "troops": "troops", "dead": "dead"}


# ---------------------------------------------------------------- date_conflict


_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _trigger_lemma(ev: Event, layout: _Layout) -> str:
    toks = [t for t in layout.tokens(ev.trigger.span) if t.pos_ in ("VERB", "NOUN")]
    nouns = [t for t in toks if t.pos_ == "NOUN"]
    pick = nouns[-1] if nouns else (toks[0] if toks else None)
    return pick.lemma_.lower() if pick is not None else ev.trigger.text.lower()


def _same_occasion(a: Event, b: Event, layout: _Layout) -> bool:
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


def _date_conflicts(analysis: Analysis, layout: _Layout) -> list[Check]:
    out: list[Check] = []
    dated = [
        ev for ev in analysis.events
        if ev.date is not None and ev.date.value and _FULL_DATE.match(ev.date.value) and ev.date.span is not None
    ]
    dated = dated[:_MAX_PAIRED]
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
            out.append(Check(kind="date_conflict", severity="warning", message=message, evidence=sorted([da.span, db.span])))
    out.extend(_anniversary_conflicts(analysis, layout))
    return out


_YEAR_IN = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
_NOT_YET = re.compile(r"\b(?:upcoming|approaching|next|ahead of|will mark|would mark|will be|would have been|would be)\b", re.I)


def _published_year(analysis: Analysis) -> Optional[int]:
    pub = analysis.document.published
    if pub and re.match(r"^\d{4}", pub):
        return int(pub[:4])
    return None


def _anniversary_conflicts(analysis: Analysis, layout: _Layout) -> list[Check]:
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
        out.append(Check(kind="date_conflict", severity="warning", message=message, evidence=[q.span, event_year.span]))
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


# ---------------------------------------------------------------- unattributed_claim


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
                nxt.lower_ in ("a", "an", "the") and after is not None and (after.like_num or after.lemma_.lower() in _words_of("measure"))
            ) or nxt.lemma_.lower() in _words_of("measure") or not _copular(toks[i]):
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
    forms = _reporting_forms()
    for i, t in enumerate(toks):
        if t.lower_ == "according" and i + 1 < len(toks) and toks[i + 1].lower_ == "to":
            return True
        if t.pos_ in ("VERB", "AUX") and (t.lemma_.lower() in forms or t.lower_ in forms):
            if any(c.dep_ in ("nsubj", "nsubjpass", "ccomp", "agent") for c in t.children) or t.dep_ in ("parataxis",):
                return True
    return False


_BLOCK_QUOTE_PARAGRAPHS = 3  # paragraphs after one ending in ":" read as the quoted text it announces


def _quoted_stretches(text: str, paragraphs: list[Span]) -> list[Span]:
    """Stretches inside double quote marks, found from the marks alone (the quote stage keeps
    only speech), plus the paragraphs right after one ending in a colon: the block quotation
    it announces."""
    out = double_segments(text, paragraphs)
    for i, (ps, pe) in enumerate(paragraphs):
        if text[ps:pe].rstrip().endswith(":"):
            for qs, qe in paragraphs[i + 1 : i + 1 + _BLOCK_QUOTE_PARAGRAPHS]:
                out.append((qs, qe))
    out.sort()
    return out


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
    forms = _reporting_forms()
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
    return _words_of("view") | frozenset(lexicons.reporting_index().noun_kind)


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
        if c.lower_ in _words_of("hedge") or c.dep_ == "aux" and c.lower_ in _words_of("hedgeverb"):
            return True
    return clause.lemma_.lower() in _words_of("hedgeverb")


@lru_cache(maxsize=1)
def _actor_nouns() -> frozenset[str]:
    own = {w.lower() for w in lexicon("checks_actor_nouns")}
    words = own | lexicons.people_nouns() | set(lexicons.role_nouns()) | lexicons.org_head_nouns()
    return frozenset(w for w in words if w)


def _actor_in(toks: list[Token], layout: _Layout, span: Span) -> bool:
    """The claim is about someone: a named or resolved entity, or a subject naming an institution or people."""
    if layout.entities_in(span):
        return True
    if any(t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for t in toks):
        return True
    nouns = _actor_nouns()
    return any(t.dep_ in ("nsubj", "nsubjpass", "poss") and t.lemma_.lower() in nouns for t in toks)


def _content_lemmas(toks: Iterable[Token]) -> set[str]:
    return {t.lemma_.lower() for t in toks if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ") and t.lower_ not in _STOP}


def _unattributed_claims(analysis: Analysis, layout: _Layout) -> list[Check]:
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
        out.append(Check(kind="unattributed_claim", severity="warning" if score >= 3 else "info", message=message, evidence=[span]))
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


# ---------------------------------------------------------------- title_body_mismatch


def _title_body_mismatches(analysis: Analysis, layout: _Layout, already: list[Check]) -> list[Check]:
    title = layout.title
    if title is None or layout.body_start >= len(layout.text):
        return []
    body = layout.text[layout.body_start :]
    if len(body.split()) < 40:
        return []  # too little body to judge a headline by
    out: list[Check] = []
    covered = {tuple(c.evidence[0]) for c in already if c.kind == "quantity_conflict" and c.evidence}
    out.extend(_title_numbers(analysis, layout, covered))
    out.extend(_title_quotes(layout, body))
    out.extend(_title_entities(analysis, layout))
    out.extend(_title_hedged(analysis, layout))
    return out[:2]  # a headline gets two remarks at most; more would bury the body's own checks


def _title_numbers(analysis: Analysis, layout: _Layout, covered: set[tuple[int, int]]) -> list[Check]:
    title = layout.title
    assert title is not None
    out: list[Check] = []
    headline_end = _headline_end(layout)
    body_digits = re.sub(r"(?<=\d),(?=\d{3})", "", layout.text[layout.body_start :])
    body_q = [q for q in analysis.quantities if q.span[0] >= layout.body_start]
    for q in analysis.quantities:
        if not layout.in_title(q.span) or q.kind not in ("count", "money", "percent") or tuple(q.span) in covered:
            continue
        v = q.value if q.value is not None else q.low if q.low is not None else q.high
        if v is None or v < 10 or _VAGUE.search(q.text) or _COMPOUND_CROWD.search(q.text):
            continue  # small numbers and vague amounts are too loosely worded to demand an echo
        if not layout.text[title[0] : q.span[0]].strip(" \t\"'“‘"):
            continue  # "31 ways to ...": a list headline counts the items the body lists
        if layout.text[max(0, q.span[0] - 1) : q.span[0]] in ("'", "’", "‘"):
            continue  # "in '16": a year
        if q.span[0] >= headline_end:
            continue
        if any(_figure_matches(v, q, b) for b in body_q):
            continue
        digits = re.search(r"\d[\d,.]*", q.text)
        raw = digits.group().replace(",", "").rstrip(".") if digits else ""
        if raw and re.search(r"(?<![\d.])" + re.escape(raw) + r"(?![\d])", body_digits):
            continue
        message = f'The headline gives the figure "{q.text}", but the body never states that figure.'
        out.append(Check(kind="title_body_mismatch", severity="info", message=message, evidence=[q.span]))
    return out


def _headline_end(layout: _Layout) -> int:
    """Where the headline proper ends: before a " | Site name" or " - Site name" tail."""
    title = layout.title
    assert title is not None
    head = layout.text[title[0] : title[1]]
    m = re.search(r"\s[|–—-]\s[^|–—-]{1,40}$", head)
    return title[0] + m.start() if m else title[1]


def _figure_matches(v: float, tq: Quantity, bq: Quantity) -> bool:
    if tq.kind != bq.kind:
        return False
    vals = [x for x in (bq.value, bq.low, bq.high) if x is not None]
    if bq.low is not None and bq.high is not None and bq.low <= v <= bq.high:
        return True
    # headlines round: 1,480 becomes "nearly 1,500"
    return any(abs(x - v) <= 0.12 * max(abs(v), 1) for x in vals)


def _norm_words(s: str) -> list[str]:
    """Lower-case words, hyphenated compounds split ("doom-and-despair" matches "doom and despair")."""
    return [p for w in _WORD.findall(s) for p in (x.lower().strip("'’") for x in w.split("-")) if p]


def _title_quotes(layout: _Layout, body: str) -> list[Check]:
    title = layout.title
    assert title is not None
    head = layout.text[title[0] : title[1]]
    body_words = " " + " ".join(_norm_words(body)) + " "
    out: list[Check] = []
    for m in _HEADLINE_QUOTE.finditer(head):
        g = 1 if m.group(1) is not None else 2
        words = _norm_words(m.group(g))
        content = [w for w in words if w not in _STOP]
        if len(words) < _MIN_HEADLINE_QUOTE_WORDS or len(content) < 2:
            continue  # a quoted word or short phrase is a label or a name ("Super Tuesday 2"), not a quotation
        if " " + " ".join(words) + " " in body_words:
            continue
        # allow light headline editing: most content words within one body sentence
        best = 0.0
        for s, e in layout.sentences:
            if s < layout.body_start:
                continue
            sw = set(_norm_words(layout.text[s:e]))
            best = max(best, sum(w in sw for w in content) / len(content))
            if best >= 0.6:
                break
        if best >= 0.6:
            continue
        span = (title[0] + m.start(g), title[0] + m.end(g))
        message = f'The headline quotes "{m.group(g)}", but the body contains no such words.'
        out.append(Check(kind="title_body_mismatch", severity="warning", message=message, evidence=[span]))
    return out


def _title_entities(analysis: Analysis, layout: _Layout) -> list[Check]:
    """A person the headline names and the body never mentions at all.

    Only people whose name starts with a known given name: in a Title Case headline the
    entity recogniser takes verbs and nouns for names ("Senator Supports"), and
    organisations are too often renamed in the body (an acronym, a short form).
    """
    title = layout.title
    assert title is not None
    headline_end = _headline_end(layout)
    body = layout.text[layout.body_start :].lower()
    given = lexicons.given_names()
    out: list[Check] = []
    for ent in analysis.entities:
        if ent.type != "PERSON":
            continue
        in_title = [m for m in ent.mentions if title[0] <= m[0] and m[1] <= headline_end]
        if not in_title or any(m[0] >= layout.body_start for m in ent.mentions):
            continue
        mention = in_title[0]
        surface = layout.text[mention[0] : mention[1]]
        words = re.findall(r"[A-Za-z][A-Za-z'’]*", surface)
        if len(words) < 2 or words[0].lower() not in given:
            continue
        if layout.text[mention[1] : mention[1] + 2].lstrip().startswith(":"):
            continue  # "Name: the truth about ...": an author's or speaker's label on the headline
        names = {w.lower() for form in [ent.name, *ent.aliases] for w in re.findall(r"[A-Za-z][A-Za-z'’]*", form) if len(w) > 2}
        if any(re.search(r"\b" + re.escape(w) + r"\b", body) for w in names):
            continue
        message = f"The headline names {surface}, but the body never mentions this person."
        out.append(Check(kind="title_body_mismatch", severity="info", message=message, evidence=[mention]))
    return out


def _title_hedged(analysis: Analysis, layout: _Layout) -> list[Check]:
    """A headline stating flatly what the body attributes as alleged or unconfirmed."""
    title = layout.title
    assert title is not None
    ttoks = layout.tokens(title)
    head_text = layout.text[title[0] : title[1]]
    if _hedge_in(ttoks) or "?" in head_text or re.search(r"[\"“”‘’«»]|(?<![A-Za-z])'|'(?![A-Za-z])", head_text):
        return []  # a question, or a headline quoting someone, asserts nothing itself
    if re.match(r"^\s*(?:\S+\s+){0,4}\S+:\s", head_text):
        return []  # "Texas Mom: My Son Was Attacked": the headline gives someone's account
    # Title Case fools the tagger ("Took" as a proper noun): compare word forms and lemmas
    reporting = _reporting_forms()
    title_words = {w for t in ttoks for w in (t.lower_, t.lemma_.lower())} - reporting - _STOP
    title_names = {w.lower() for w in re.findall(r"[A-Z][A-Za-z'’]+", head_text) if len(w) > 2}
    if not title_words or not title_names:
        return []
    by_id = {e.id: e for e in analysis.entities}
    for sentence in layout.sentences:
        if sentence[0] < layout.body_start:
            continue
        toks = layout.tokens(sentence)
        hedge = _hedge_in(toks)
        if hedge is None:
            continue
        shared = [
            t for t in toks
            if t.pos_ == "VERB" and (t.lower_ in title_words or t.lemma_.lower() in title_words)
            and t.lemma_.lower() not in reporting and not t.lower_.endswith("ing")  # "Involving": not the headline's claim
        ]
        if not shared:
            continue
        # the same actor: an entity of the sentence named in the headline
        names = {
            w.lower()
            for eid in layout.entities_in(sentence) if eid in by_id
            for form in (by_id[eid].name, *by_id[eid].aliases)
            for w in re.findall(r"[A-Za-z][A-Za-z'’]+", form) if len(w) > 2
        }
        if not names & title_names:
            continue
        # the hedge must bear on the shared verb: "allegedly attacked", "accused of attacking"
        if not any(_hedge_governs(hedge, t) for t in shared):
            continue
        hs = (hedge[0].idx, hedge[-1].idx + len(hedge[-1].text))
        message = (
            f'The headline states "{head_text.strip()}" as fact, but the body says '
            f'"{layout.text[hs[0]:hs[1]]}": "{layout.text[sentence[0]:sentence[1]][:160].strip()}".'
        )
        return [Check(kind="title_body_mismatch", severity="info", message=message, evidence=[title, hs])]
    return []


def _hedge_governs(hedge: list[Token], verb: Token) -> bool:
    h = hedge[0]
    if any(t.head.i == verb.i and t.dep_ in ("advmod", "aux", "amod") for t in hedge):
        return True
    cur = verb
    for _ in range(4):  # the hedge word is an ancestor: "accused of attacking", "believed to have attacked"
        if cur.head.i == cur.i:
            break
        cur = cur.head
        if any(cur.i == t.i for t in hedge):
            return True
    return verb.dep_ == "amod" and verb.head.i == h.i + 1 if h.lower_ == "alleged" else False


def _hedge_in(toks: list[Token]) -> Optional[list[Token]]:
    index = _hedges()
    stems = [k for k, v in index.items() if any(prefix and len(w) == 1 for w, prefix in v)]
    words = [t.lower_ for t in toks]
    for i, w in enumerate(words):
        cands = list(index.get(w, ()))
        cands += [e for st in stems if w.startswith(st) and w != st for e in index[st] if e[1] and len(e[0]) == 1]
        for phrase, prefix in cands:
            n = len(phrase)
            if i + n > len(words):
                continue
            if prefix:
                ok = tuple(words[i : i + n - 1]) == phrase[:-1] and words[i + n - 1].startswith(phrase[-1])
            else:
                ok = tuple(words[i : i + n]) == phrase
            if ok:
                return toks[i : i + n]
    return None
