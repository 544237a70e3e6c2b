"""The ``quantity_conflict`` check: two numbers counting the same thing (a crowd, troops, the dead)
that cannot both hold: ten times apart or more, or a stated range or bound that excludes the other.
The headline and the opening paragraph are compared with the whole body; two numbers inside the body
only when they stand within one paragraph of each other. Pairs are dropped when either number is a
part of a group ("among them", "another 500"), a change or a plan ("rose to", "expected"), or a
total over a wider scope ("since 2011"), when the two sentences name different places or years, and
when both numbers are quoted (a dispute between sources is reported, not committed, by the article).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from spacy.tokens import Token

from ...model import Analysis, Check, CheckKind, Quantity, Span
from ...resources import lexicon
from ...figures import COMPOUND_CROWD, CountedGroups, Interval, conflict, counted_groups, interval
from ._common import MAX_PAIRED, YEAR_IN, words_of
from ._layout import Layout

KIND: CheckKind = "quantity_conflict"


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


def _head_token(layout: Layout, span: Span) -> Optional[Token]:
    toks = layout.tokens(span)
    if not toks:
        return None
    # the token whose head lies outside the span is the phrase's head
    inside = {t.i for t in toks}
    for t in toks:
        if t.head.i not in inside or t.head.i == t.i:
            return t
    return toks[-1]


def _group_of(q: Quantity, layout: Layout) -> Optional[str]:
    groups = counted_groups()
    counted_tok: Optional[Token] = None
    if q.counted_span is not None:
        toks = layout.tokens(q.counted_span)
        counted_tok = toks[-1] if toks else None
    if counted_tok is not None:
        lemma = counted_tok.lemma_.lower()
        lower = counted_tok.lower_
        compound_crowd = bool(COMPOUND_CROWD.search(q.text))
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


def _cued_group(tok: Token, candidates: frozenset[str], groups: CountedGroups) -> Optional[str]:
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


def _object_group(prep: Token, groups: CountedGroups) -> Optional[str]:
    """'estimated the crowd at 15,000', 'put the size of the crowd at 15,000': the group a figure
    attached by "at" is given for, read from the object of the verb."""
    if prep.lower_ not in ("at", "to") or prep.head.pos_ != "VERB":
        return None
    for obj in prep.head.children:
        if obj.dep_ != "dobj":
            continue
        if obj.lemma_.lower() in words_of("sizeof"):
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


def _unsafe_pair_context(q: Quantity, layout: Layout, sentence: Span, group: str) -> bool:
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


def _claims(analysis: Analysis, layout: Layout) -> list[_Claim]:
    out: list[_Claim] = []
    for q in analysis.quantities:
        if q.kind != "count":
            continue
        group = _group_of(q, layout)
        if group is None:
            continue
        iv = interval(q)
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
    return conflict(Interval(a.lo, a.hi, a.rep, a.bounded), Interval(b.lo, b.hi, b.rep, b.bounded))


def _comparable(a: _Claim, b: _Claim, layout: Layout) -> bool:
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


def _years_in(span: Span, layout: Layout) -> set[str]:
    return set(YEAR_IN.findall(layout.text[span[0] : span[1]]))


def _modifiers(q: Quantity, layout: Layout) -> set[str]:
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


def _claim_words(c: _Claim, layout: Layout) -> str:
    q = c.q
    text = layout.text
    if q.counted_span is not None and not (q.span[0] <= q.counted_span[0] and q.counted_span[1] <= q.span[1]):
        counted = text[q.counted_span[0] : q.counted_span[1]]
        verb = "was" if counted.lower() in ("crowd",) else "were"
        return f'the {counted} {verb} "{q.text}"'
    return f'"{q.text}"'


def find(analysis: Analysis, layout: Layout, already: list[Check]) -> list[Check]:
    claims = _claims(analysis, layout)
    if len(claims) < 2:
        return []
    if len(claims) > MAX_PAIRED:  # keep the headline and lead, then the earliest of the body
        top = [c for c in claims if c.where != "body"]
        claims = top + [c for c in claims if c.where == "body"][: max(0, MAX_PAIRED - len(top))]
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
        out.append(Check(kind=KIND, severity=severity, message=message, evidence=[first.q.span, second.q.span]))
    return out


_GROUP_WORDS = {"crowd": "people taking part", "troops": "troops", "dead": "dead"}
