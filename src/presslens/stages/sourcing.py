"""Sourcing: whose voices the article lets speak, how much, and on which side.

1. **Voices.** Quotes are merged per speaker entity, else per normalised speaker text
   ("the placards", "Iraqi officials"). Quotes whose speaker is unknown or an unresolved
   pronoun are *not* a voice: nobody can be named for them. They still count in
   ``quoted_share`` and the summary says how many there are. A speaker written as a
   description that the entities stage gave to one entity ("the Republican nominee") joins
   that entity's voice. A group named twice with variants of one head noun ("the protesters",
   "The protestors") is one voice. Voices are listed in the order they first show in the text
   (where they are named as a speaker or their first quote starts, whichever is earlier).
2. **Quoted share.** Characters of the body (the text minus the title span) that lie inside
   any quote span (direct, indirect or mixed), over the body's characters.
3. **Main actors.** The 1-3 entities the article is most about: mentions are counted, a
   mention in the title counts double, a mention that names a speaker counts nothing (being
   quoted does not make one a subject) and a place in a locative phrase ("in Baghdad")
   counts little. Demonym groups join their country ("Americans" + "the U.S.").
4. **Stance.** For every voice and main actor, the sentences of the voice's quotes that
   mention the actor (names, pronouns the entities stage resolved, and an unresolved
   "they/them/their" after a group actor named earlier in the same quote) are scored. Each
   sentiment word (``stance_terms``, else VADER's lexicon for verbs, adjectives and adverbs)
   counts toward the actor by its distance in the dependency parse; it counts little when a
   verb stands between them (unless the actor is that verb's subject: "X committed crimes"),
   when another entity is nearer to it, or when it is a verb reporting what a third party did
   ("gunmen attacked X"). The quote's cue counts too ("praised X for ..."), and so do doubt
   and dismissal markers ("merely", "so-called", "under the pretext of"), as critical words. A
   sentence that names this actor alone, with all its sentiment words reaching the actor, adds
   half its VADER compound. The sum gives favourable / critical / neutral; unknown when the
   voice never names the actor. A voice that speaks for a main actor (is it, is its capital,
   or carries its name or demonym: "Iraqi officials") is on that actor's side.
5. **One-sided.** False when two voices take opposite stances toward one actor, or when
   independent voices are quoted beside a side (voices neutral toward the actors, not leaning
   the side's way, speaking for no main actor and judging something rather than stating a
   plain fact; together at least two quotes or 20 words). True when the voices
   that take a side form one camp (linked through shared positions) and are at least two, or
   one voice with three quotes. Null otherwise: too little to tell.

``Voice.stance`` is the stance toward the first main actor other than the voice itself (so a
corpus column means one thing); ``Voice.stances`` holds the stance toward each main actor with the sentences that
carry it.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

from spacy.tokens import Token

from ..lexicons import doubt_markers
from ..lexicons import pronouns as pronoun_lexicon
from ..model import ActorStance, Entity, Quote, Sourcing, Voice
from ..pipeline import Context
from ..resources import lexicon
from ..tokens import TokenIndex, token_index

name = "sourcing"
requires: tuple[str, ...] = ("entities", "quotes")
assigns = "sourcing"

Span = tuple[int, int]

MAX_ACTORS = 3
STANCE_THRESHOLD = 0.25  # |summed score| at or above which a voice takes a side
LEAN = 0.1  # a neutral voice whose score leans the side's way this much is not independent of it
INDEPENDENT_MIN_WORDS = 20  # neutral voices this long together (or with 2 quotes) balance a side
_LOCATIVE_PREPS = frozenset(
    "in at from across near inside outside throughout within into around".split()
)
_COPULAS = frozenset({"be", "become", "remain", "seem", "stay"})
# VADER's own lexicon is trusted for these parts of speech only: in news, nouns it scores
# ("prison", "deaths", "crisis") name things and events, not the speaker's view of an actor;
# the nouns that do carry a stance ("occupier", "hero", "crimes") are in stance_terms.
_CONTENT_POS = frozenset({"VERB", "ADJ", "ADV", "INTJ"})
# Determiners dropped from a speaker's name ("other" stays: "other protesters" are a second set).
_LEADING = re.compile(r"^(?:(?:some|many|most|several|all|one|two|three|few)\s+of\s+)?(?:the|a|an|some)\s+", re.I)
_WORD = re.compile(r"\w", re.UNICODE)
_MARKER_WORD = re.compile(r"\w+|-", re.UNICODE)
# A doubt or dismissal marker in a quote ("merely relabeling", "so-called mission") counts as
# a critical word of this weight (VADER's scale) toward the actor it qualifies.
DOUBT_WEIGHT = -1.5
# A neutral voice balances a side only if the sentences where it names the actors hold some
# judging word (summed absolute weights / 4); a statement of plain fact ("X announced the end
# of Y") does not.
EVALUATED_MIN = 0.05


# ---------------------------------------------------------------- resources


@dataclass(frozen=True)
class _Lexicons:
    terms: dict[str, tuple[float, bool]]  # word -> (weight, describe-only)
    demonyms: dict[str, frozenset[str]]  # demonym -> place names
    pronouns: frozenset[str]
    doubt: tuple[tuple[str, ...], ...] = ()  # doubt and dismissal markers, as word tuples ("so", "-", "called")


@lru_cache(maxsize=1)
def _lex() -> _Lexicons:
    terms: dict[str, tuple[float, bool]] = {}
    for line in lexicon("stance_terms"):
        parts = line.split("\t")
        if len(parts) >= 2:
            scope = parts[2].strip() if len(parts) > 2 else "any"
            terms[parts[0].strip().lower()] = (float(parts[1]), scope == "describe")
    demonyms: dict[str, frozenset[str]] = {}
    for line in lexicon("stance_demonyms"):
        cells = [c.strip().lower() for c in line.split("|")]
        if len(cells) >= 2:
            demonyms[cells[0]] = frozenset(cells[1:])
    pronouns = set(pronoun_lexicon())
    pronouns |= {"i", "me", "we", "us", "you", "it", "they", "them", "he", "she", "him", "her", "who", "one"}
    # "nobody would question ..." names no speaker
    pronouns |= {"nobody", "no one", "none", "nothing", "anyone", "anybody", "someone", "somebody", "everyone", "everybody"}
    # The doubt markers the techniques stage reads ("so-called", "merely", "under the pretext of"):
    # one list, shared as data. Inside a quote they dismiss what they qualify.
    doubt = {tuple(_MARKER_WORD.findall(m.phrase.lower())) for m in doubt_markers()}
    return _Lexicons(terms, demonyms, frozenset(pronouns), tuple(sorted(d for d in doubt if d)))


@lru_cache(maxsize=1)
def _vader() -> Any:
    """VADER, loaded once per process (it reads its lexicon from its own package files)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


# ---------------------------------------------------------------- tokens


def _root(tokens: TokenIndex, start: int, end: int) -> Optional[Token]:
    """The token of [start, end) whose head lies outside it (the phrase's syntactic head)."""
    r = tokens.overlapping(start, end)
    if not r:
        return None
    toks = [tokens.doc[i] for i in r]
    inside = {t.i for t in toks}
    for t in toks:
        if t.head.i not in inside or t.head.i == t.i:
            return t
    return toks[0]


# ---------------------------------------------------------------- voices


@dataclass
class _Voice:
    key: str
    name: Optional[str]
    entity: Optional[str]
    quotes: list[Quote] = field(default_factory=list)
    kinds: Counter = field(default_factory=Counter)
    mentions: set[Span] = field(default_factory=set)
    first: int = 0
    words: int = 0
    scores: dict[str, float] = field(default_factory=dict)  # actor key -> summed score
    evidence: dict[str, list[Span]] = field(default_factory=dict)


def _normalise(speaker_text: str) -> str:
    s = " ".join(speaker_text.split())
    s = _LEADING.sub("", s)
    s = re.sub(r"[’']s$", "", s)
    return s.lower()


def _speaker_key(q: Quote, lex: _Lexicons, described: dict[str, str]) -> Optional[tuple[str, Optional[str]]]:
    sp = q.speaker
    if sp.entity:
        return "entity:" + sp.entity, sp.entity
    label = sp.name or sp.text
    if not label or not _WORD.search(label):
        return None
    norm = _normalise(label)
    if not norm or norm in lex.pronouns:
        return None  # an unresolved pronoun names nobody
    if norm in described:  # "the Republican nominee", given elsewhere as one entity's description
        return "entity:" + described[norm], described[norm]
    return "name:" + norm, None


def _descriptions(entities: dict[str, Entity]) -> dict[str, str]:
    """Normalised description -> entity id, for descriptions that belong to one entity only."""
    owners: dict[str, set[str]] = defaultdict(set)
    for ent in entities.values():
        for d in ent.descriptions:
            owners[_normalise(d)].add(ent.id)
    return {d: next(iter(ids)) for d, ids in owners.items() if len(ids) == 1 and d}


def _count_words(tokens: TokenIndex, span: Span) -> int:
    doc = tokens.doc
    return sum(1 for i in tokens.overlapping(*span) if not (doc[i].is_punct or doc[i].is_space) and _WORD.search(doc[i].text))


def _group_voices(quotes: list[Quote], entities: dict[str, Entity], tokens: TokenIndex, lex: _Lexicons) -> tuple[list[_Voice], int]:
    by_key: dict[str, _Voice] = {}
    unattributed = 0
    described = _descriptions(entities)
    for q in quotes:
        key = _speaker_key(q, lex, described)
        if key is None:
            unattributed += 1
            continue
        k, ent_id = key
        v = by_key.get(k)
        # where the voice first shows: its naming or its words, whichever comes first
        first = min(q.span[0], q.speaker.span[0]) if q.speaker.span else q.span[0]
        if v is None:
            ent = entities.get(ent_id) if ent_id else None
            label = ent.name if ent else (q.speaker.name or " ".join((q.speaker.text or "").split()))
            v = by_key[k] = _Voice(key=k, name=label, entity=ent_id if ent else None, first=first)
        v.first = min(v.first, first)
        v.quotes.append(q)
        v.kinds[q.speaker.kind] += 1
        if q.speaker.span is not None:
            v.mentions.add(q.speaker.span)
        v.words += _count_words(tokens, q.span)
    voices = _merge_group_names(sorted(by_key.values(), key=lambda v: v.first), tokens)
    return voices, unattributed


# Words that mark a second, different set of the same kind ("other protesters", "another group").
_CONTRAST = frozenset({"other", "another", "rival", "opposing"})
_NOMINAL = frozenset({"NOUN", "PROPN"})
_STEM_SHARE = 0.75  # a shared beginning this long (of the shorter head) makes two heads one word
_STEM_MIN = 5


def _head_and_modifiers(tokens: TokenIndex, span: Span) -> Optional[tuple[str, frozenset[str]]]:
    """(head lemma, content modifiers) of a speaker phrase: the head is its last noun (English
    noun phrases end in their head; "some of the protesters" heads on "protesters"); modifiers
    are its other nouns and adjectives. None when the phrase has no noun."""
    toks = [tokens.doc[i] for i in tokens.overlapping(*span)]
    nouns = [t for t in toks if t.pos_ in _NOMINAL]
    if not nouns:
        return None
    head = nouns[-1]
    mods = frozenset(t.lemma_.lower() for t in toks if t.i != head.i and (t.pos_ in _NOMINAL or t.pos_ == "ADJ"))
    return head.lemma_.lower(), mods


def _same_head(a: str, b: str) -> bool:
    """One word, or one stem in two forms ("protester"/"protestor", "participant"/"participation")."""
    if a == b:
        return True
    common = len(_common_prefix(a, b))
    return common >= _STEM_MIN and common >= _STEM_SHARE * min(len(a), len(b))


def _merge_group_names(voices: list[_Voice], tokens: TokenIndex) -> list[_Voice]:
    """Join group voices named twice with variants of one head noun ("the marchers" and "the
    marcher crowd", "protesters" and "the protestors"): one set of people, one voice. Two
    names merge only when both voices are groups, at most one names an entity, neither marks
    itself as a different set ("other ...") and the modifiers of one contain the other's
    ("striking nurses" and "nurses" merge; "senior officials" and "government officials" do not)."""
    heads: dict[int, tuple[str, frozenset[str]]] = {}
    for n, v in enumerate(voices):
        if v.kinds.most_common(1)[0][0] != "group" or not v.mentions:
            continue
        found = _head_and_modifiers(tokens, min(v.mentions))
        if found is not None and not found[1] & _CONTRAST:
            heads[n] = found
    into: dict[int, int] = {}
    for n in sorted(heads):
        for m in sorted(heads):
            if m >= n:
                break
            if m in into:
                continue
            (ha, ma), (hb, mb) = heads[m], heads[n]
            ents = {voices[m].entity, voices[n].entity} - {None}
            if len(ents) <= 1 and _same_head(ha, hb) and (ma <= mb or mb <= ma):
                into[n] = m
                break
    for n, m in into.items():
        keep, gone = voices[m], voices[n]
        keep.entity = keep.entity or gone.entity
        keep.quotes = sorted(keep.quotes + gone.quotes, key=lambda q: q.span)
        keep.kinds.update(gone.kinds)
        keep.mentions |= gone.mentions
        keep.first = min(keep.first, gone.first)
        keep.words += gone.words
    return [v for n, v in enumerate(voices) if n not in into]


def _quoted_share(text: str, quotes: list[Quote], title_span: Optional[Span]) -> float:
    body = len(text) - (title_span[1] - title_span[0] if title_span else 0)
    if body <= 0:
        return 0.0
    spans = sorted(q.span for q in quotes)
    covered, last_end = 0, -1
    for s, e in spans:
        s = max(s, last_end)
        if e > s:
            covered += e - s
            if title_span:  # the title is not body
                covered -= max(0, min(e, title_span[1]) - max(s, title_span[0]))
            last_end = e
    return round(min(1.0, max(0.0, covered / body)), 4)


# ---------------------------------------------------------------- main actors


@dataclass
class _Actor:
    key: str  # the id of its most mentioned entity
    name: str
    members: frozenset[str]
    salience: float


def _letters(s: str) -> str:
    return re.sub(r"[^a-z]", "", s.lower())


def _demonym_of(group: Entity, place: Entity, lex: _Lexicons) -> bool:
    places = {n.lower() for n in (place.name, *place.aliases)}
    return any(_is_demonym(n, places, lex) for n in (group.name, *group.aliases))


def _is_demonym(word: str, places: set[str], lex: _Lexicons) -> bool:
    """Whether ``word`` ("Iraqi", "Americans") names the people of one of ``places`` (lower case)."""
    low = word.lower().strip()
    singular = low[:-1] if low.endswith("s") and not low.endswith("ss") else low
    for form in (low, singular):
        if lex.demonyms.get(form, frozenset()) & places:
            return True
    g = _letters(singular)
    for p in places:
        pl = _letters(p)
        if len(pl) < 4 or len(g) < 4:
            continue
        common = len(_common_prefix(pl, g))
        if common >= 4 and common >= len(pl) - 2 and len(g) <= len(pl) + 4:
            return True
    return False


def _one_polity(a: set[str], b: set[str], lex: _Lexicons) -> bool:
    """Whether two sets of place names (lower case) share a demonym line: a capital speaks for its
    country ("Washington" and "the U.S.", "the Kremlin" and "Russia")."""
    return any(places & a and places & b for places in lex.demonyms.values())


def _own_actor(
    gv: _Voice, actors: list[_Actor], actor_of: dict[str, str], entities: dict[str, Entity], tokens: TokenIndex, lex: _Lexicons
) -> Optional[str]:
    """The main actor a voice speaks for, when the article ties it to one: the voice is the actor
    (or one of its entities), a capital speaking for its country, or a body named after the actor
    ("Iraqi officials", "U.S. negotiators": the actor's name or demonym in the speaker's words)."""
    if gv.entity and gv.entity in actor_of:
        return actor_of[gv.entity]
    names_of = {
        a.key: {n.lower() for eid in a.members if eid in entities for n in (entities[eid].name, *entities[eid].aliases)}
        for a in actors
    }
    ent = entities.get(gv.entity) if gv.entity else None
    if ent is not None and ent.type in ("PLACE", "ORG"):
        own_names = {n.lower() for n in (ent.name, *ent.aliases)}
        for a in actors:
            if _one_polity(own_names, names_of[a.key], lex):
                return a.key
    if not gv.mentions:
        return None
    span = min(gv.mentions)
    toks = [tokens.doc[i] for i in tokens.overlapping(*span)]
    nouns = [t for t in toks if t.pos_ in _NOMINAL]
    head = nouns[-1].i if nouns else None
    for t in toks:
        if t.i == head or not _WORD.search(t.text):
            continue
        for a in actors:
            if t.lower_ in names_of[a.key] or _is_demonym(t.text, names_of[a.key], lex):
                return a.key
    return None


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return a[:n]


def _main_actors(
    entities: list[Entity], quotes: list[Quote], tokens: TokenIndex, title_span: Optional[Span], lex: _Lexicons
) -> list[_Actor]:
    speaker_spans = [q.speaker.span for q in quotes if q.speaker.span is not None]
    speaker_starts = sorted(speaker_spans)

    def names_a_speaker(s: int, e: int) -> bool:
        i = bisect.bisect_right(speaker_starts, (s, 10**12)) - 1
        while i >= 0 and speaker_starts[i][0] <= s:
            ss, se = speaker_starts[i]
            if ss <= s and e <= se:
                return True
            i -= 1
            if s - ss > 200:
                break
        return False

    salience: dict[str, float] = {}
    for ent in entities:
        score = 0.0
        for s, e in ent.mentions:
            if names_a_speaker(s, e):
                continue
            weight = 1.0
            if ent.type == "PLACE":
                root = _root(tokens, s, e)
                if root is not None and root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE_PREPS:
                    weight = 0.3
            if title_span and title_span[0] <= s and e <= title_span[1]:
                weight *= 2
            score += weight
        salience[ent.id] = score

    # join demonym groups to their place ("Americans" + "U.S.")
    parent: dict[str, str] = {e.id: e.id for e in entities}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    groups = [e for e in entities if e.type == "GROUP" and salience[e.id] > 0]
    places = [e for e in entities if e.type in ("PLACE", "ORG") and salience[e.id] > 0]
    for g in groups:
        for p in places:
            if _demonym_of(g, p, lex):
                parent[find(g.id)] = find(p.id)
                break
    members: dict[str, list[Entity]] = defaultdict(list)
    for e in entities:
        members[find(e.id)].append(e)
    actors = []
    for ents in members.values():
        total = sum(salience[e.id] for e in ents)
        # a country names its demonym group ("North Korea", not "North Korean")
        lead = max(ents, key=lambda e: (e.type != "GROUP", salience[e.id], -int(e.id[1:]) if e.id[1:].isdigit() else 0))
        actors.append(_Actor(lead.id, lead.name, frozenset(e.id for e in ents), total))
    actors.sort(key=lambda a: -a.salience)
    if not actors:
        return []
    top = actors[0].salience
    floor = max(2.5, 0.35 * top)
    return [a for a in actors[:MAX_ACTORS] if a.salience >= floor]


# ---------------------------------------------------------------- stance scoring


def _path(a: Token, b: Token) -> Optional[list[Token]]:
    """Tokens strictly between a and b on the dependency path, in order from a to b
    (None when they are in different trees)."""
    up_a = [a, *a.ancestors]
    index_a = {t.i: n for n, t in enumerate(up_a)}
    chain_b = [b]
    for t in b.ancestors:
        if chain_b[-1].i in index_a:
            break
        chain_b.append(t)
    meet = chain_b[-1]
    if meet.i not in index_a:
        return None
    down = chain_b[1:-1][::-1]  # below the meeting token, toward b
    if meet.i == a.i:
        return down
    if meet.i == b.i:
        return up_a[1 : index_a[meet.i]]
    return up_a[1 : index_a[meet.i] + 1] + down


def _inner(path: list[Token], a: Token, b: Token) -> list[Token]:
    return [t for t in path if t.i not in (a.i, b.i)]


_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
_ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "attr", "oprd", "agent"})
_CHAINS = frozenset({"xcomp", "ccomp", "conj", "acomp", "advcl"})


def _is_verb(t: Token) -> bool:
    return t.pos_ == "VERB" or t.pos_ == "AUX" and t.lemma_.lower() not in _COPULAS


def _blocked(inner: list[Token], target: Token, term: Token) -> bool:
    """Whether a verb between the two makes the word speak of another participant.

    A verb does not block when the target is its subject or object and the word sits in its
    predicate ("the U.S. committed crimes", "forced them to leave in disgrace"), nor a verb
    chained to such a verb by a complement; any other verb does ("terrorists attacked the U.S.").
    """
    chain = [target, *inner, term]
    open_from: Optional[Token] = None  # the last verb that let the path through
    for k in range(1, len(chain) - 1):
        t = chain[k]
        if not _is_verb(t):
            continue
        prev, nxt = chain[k - 1], chain[k + 1]
        if prev.head.i == t.i and nxt.head.i == t.i:  # t is the head of both neighbours
            if prev.dep_ in _SUBJECTS or prev.dep_ in ("attr", "agent"):
                through = nxt.dep_ not in _SUBJECTS  # the word is in what the actor does or is
            else:  # the actor is the object: only a predicate about it ("forced them to leave",
                # "called X a liar", "hailed X as a hero")
                through = prev.dep_ in _ARGUMENTS and (
                    nxt.dep_ in ("xcomp", "oprd", "acomp")
                    or nxt.dep_ == "dobj" == prev.dep_ and nxt.i > prev.i  # "branded X a traitor"
                    or nxt.dep_ == "prep" and nxt.lower_ == "as"
                )
        elif nxt.i == t.head.i and prev.head.i == t.i and t.dep_ in ("acl", "relcl"):
            through = prev.dep_ in _ARGUMENTS  # "the sanctions imposed by X": X did the sanctions
        elif prev.i == t.head.i and open_from is not None and prev.i == open_from.i:
            through = t.dep_ in _CHAINS  # a complement of a verb already passed
        else:
            through = False
        if not through:
            return True
        open_from = t
    return False


def _valence(tok: Token, lex: _Lexicons) -> Optional[tuple[float, bool]]:
    low = tok.lower_
    if low == "welcome" and any(c.dep_ == "xcomp" for c in tok.children):
        return None  # "she is welcome to try" is a dare, not praise
    hit = lex.terms.get(low) or lex.terms.get(tok.lemma_.lower())
    if hit is not None:
        return hit
    if tok.pos_ not in _CONTENT_POS:
        return None
    v = _vader().lexicon.get(low)
    return (float(v), False) if v else None


_FIRST_PERSON = frozenset({"i", "we"})


def _reported_act(term: Token, roots: list[Token], cue_ids: set[int], quote: Span) -> bool:
    """A verb that reports what someone else did ("gunmen attacked X", "he accused X") rather
    than the speaker's own view ("we condemn X") or what the actor did ("X lied"): its
    subject is a third party, or it has none of its own (a gerund or infinitive). The cue of
    the quote ("praised X for ...") and an imperative keep their full weight."""
    if term.pos_ != "VERB" or term.i in cue_ids:
        return False
    verb = term
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "agent")]
    while not subjects and verb.dep_ in ("xcomp", "pcomp", "advcl", "conj", "acl", "ccomp") and verb.head.i != verb.i:
        # a gerund or infinitive takes the subject of the verb it hangs from; outside the quote
        # that subject is the speaker ("pledging to stand firm in demanding ...")
        verb = verb.head
        if not quote[0] <= verb.idx < quote[1]:
            return False
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "agent")]
    for subj in subjects:
        if subj.lower_ in _FIRST_PERSON:
            return False
        if any(r.i == subj.i or subj.i in {a.i for a in r.ancestors} and r.dep_ in ("poss", "compound", "conj", "appos") for r in roots):
            return False  # the actor is the one acting
    if not subjects and (verb.dep_ == "ROOT" or not quote[0] <= verb.head.idx < quote[1]):
        return False  # an imperative, or a clause whose subject is the speaker
    return True


def _negated(tok: Token) -> bool:
    if any(c.dep_ == "neg" for c in tok.children):
        return True
    head = tok.head
    return head is not tok and tok.dep_ in ("acomp", "attr", "dobj", "xcomp") and any(c.dep_ == "neg" for c in head.children)


_COORDINATION = frozenset({"conj", "appos", "cc"})


def _term_weight(term: Token, target: Token, others: list[Token], describe_only: bool) -> float:
    between = _path(term, target)
    if between is None:
        return 0.0
    inner = _inner(between, term, target)[::-1]  # from the target's side to the word's
    # items of one coordination ("Iran, Kerman and Haj Qassem") are as near as the first item
    distance = sum(1 for t in inner if t.dep_ not in _COORDINATION) + 1
    blocked = _blocked(inner, target, term)
    if describe_only and (blocked or distance > 2 and not any(t.lemma_.lower() in _COPULAS for t in inner)):
        return 0.0
    weight = 1.0 if distance <= 2 else 0.6 if distance <= 4 else 0.3
    if blocked:
        weight *= 0.1
    on_path = {t.i for t in inner}
    for other in others:  # the word is nearer another participant: it is about them
        if other.i in on_path:
            continue  # coordinated with the target or containing it: the word reaches both
        p = _path(term, other)
        if p is not None and sum(1 for t in _inner(p, term, other) if t.dep_ not in _COORDINATION) + 1 < distance:
            weight *= 0.3
            break
    return weight


_PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})


@dataclass
class _Scorer:
    text: str
    tokens: TokenIndex
    lex: _Lexicons
    mention_starts: list[int]
    mention_spans: list[tuple[int, int, str]]  # (start, end, actor key or "" for other entities)
    plural_actors: frozenset[str]  # actors that "they" can refer to (groups, organisations, countries)

    def mentions_in(self, s: int, e: int) -> list[tuple[int, int, str]]:
        i = bisect.bisect_left(self.mention_starts, s)
        out = []
        while i < len(self.mention_starts) and self.mention_starts[i] < e:
            ms, me, key = self.mention_spans[i]
            if me <= e:
                out.append((ms, me, key))
            i += 1
        return out

    def _link_plural_pronouns(
        self, toks: list[Token], quote_start: int, targets: dict[str, list[Token]], in_sent: list[tuple[int, int, str]]
    ) -> None:
        """An unresolved they/them/their in a quote takes the last group actor named before it in
        the same quote ("the Americans are trying ... force them to leave")."""
        taken = {(ms, me) for ms, me, _ in in_sent}
        for tok in toks:
            if tok.lower_ not in _PLURAL_PRONOUNS or any(ms <= tok.idx < me for ms, me in taken):
                continue
            before = [m for m in self.mentions_in(quote_start, tok.idx) if m[2] and m[2] in self.plural_actors]
            if before:
                targets[before[-1][2]].append(tok)

    def _vader_text(self, toks: list[Token]) -> str:
        """The sentence as VADER should read it: words our lexicon calls neutral in news
        ("combat mission") or that an idiom disarms are masked."""
        vader_lex = _vader().lexicon
        parts = []
        for t in toks:
            word = t.text
            if t.lower_ in vader_lex:
                own = self.lex.terms.get(t.lower_)
                if own is not None and own[0] == 0 or own is None and _valence(t, self.lex) is None:
                    word = "x"
            parts.append(word + t.whitespace_)
        return "".join(parts)

    def doubt_terms(self, toks: list[Token]) -> list[tuple[Token, tuple[float, bool]]]:
        """Doubt and dismissal markers in a sentence, each as a critical term on the marker's
        root token. A marker whose verb governs a clause outside it ("supposed to leave") is no
        doubt."""
        words = [t.lower_ for t in toks]
        lemmas = [t.lemma_.lower() for t in toks]
        out = []
        for i in range(len(toks)):
            for marker in self.lex.doubt:
                n = len(marker)
                if all(i + k < len(toks) and marker[k] in (words[i + k], lemmas[i + k]) for k in range(n)):
                    inside = {t.i for t in toks[i : i + n]}
                    root = next((t for t in toks[i : i + n] if t.head.i not in inside or t.head.i == t.i), toks[i])
                    if any(c.dep_ == "xcomp" and c.i not in inside for c in root.children):
                        continue
                    out.append((root, (DOUBT_WEIGHT, False)))
        return out

    def score_quote(self, q: Quote, own: frozenset[str], cue_tokens: list[Token]) -> dict[str, tuple[float, list[Span], float]]:
        """Actor key -> (score, evidence sentences, how much evaluation reached it) for one quote."""
        doc = self.tokens.doc
        s0, e0 = q.span
        found = self.mentions_in(s0, e0)
        if not any(key and key not in own for _, _, key in found):
            return {}
        out: dict[str, tuple[float, list[Span], float]] = {}
        token_range = self.tokens.overlapping(s0, e0)
        if not token_range:
            return {}
        sentences: dict[int, list[Token]] = defaultdict(list)
        for i in token_range:
            sentences[doc[i].sent.start].append(doc[i])
        for toks in sentences.values():
            ss, se = toks[0].idx, toks[-1].idx + len(toks[-1].text)
            in_sent = self.mentions_in(ss, se)
            targets: dict[str, list[Token]] = defaultdict(list)
            others: list[Token] = []
            for ms, me, key in in_sent:
                root = _root(self.tokens, ms, me)
                if root is None:
                    continue
                if key and key not in own:
                    targets[key].append(root)
                elif not key:
                    others.append(root)
            self._link_plural_pronouns(toks, s0, targets, in_sent)
            if not targets:
                continue
            sent = toks[0].sent
            cue_ids = {t.i for t in cue_tokens}
            terms = [(t, v) for t in toks if (v := _valence(t, self.lex)) is not None]
            terms += [(t, v) for t in cue_tokens if t.sent == sent and (v := _valence(t, self.lex)) is not None]
            seen = {t.i for t, _ in terms}
            terms += [(t, v) for t, v in self.doubt_terms(toks) if t.i not in seen]
            compound = None
            for key, roots in targets.items():
                rivals = others + [r for k, rs in targets.items() if k != key for r in rs]
                score = 0.0
                # any judging word in a sentence naming the actor: the voice weighs something
                weighed = sum(abs(weight) for _, (weight, _) in terms) / 4.0
                stray = False  # a sentiment word in the sentence that is about someone else
                for term, (weight, describe_only) in terms:
                    if any(term.i == r.i for r in roots):
                        continue
                    best = max(_term_weight(term, r, rivals, describe_only) for r in roots)
                    if best and _reported_act(term, roots, cue_ids, q.span):
                        best *= 0.3
                    if weight and best < 0.5:
                        stray = True
                    if best:
                        sign = -0.74 if _negated(term) else 1.0
                        score += sign * weight / 4.0 * best
                # the sentence's overall tone is this actor's only when the sentence names no one
                # else and all its sentiment words reach the actor
                if len(targets) == 1 and not others and not stray:
                    if compound is None:
                        compound = _vader().polarity_scores(self._vader_text(toks))["compound"]
                    score += 0.5 * compound
                    weighed += abs(0.5 * compound)
                total, ev, was = out.get(key, (0.0, [], 0.0))
                out[key] = (total + score, ev + [(ss, se)], was + weighed)
        return out


def _stance(score: float) -> str:
    if score >= STANCE_THRESHOLD:
        return "favourable"
    if score <= -STANCE_THRESHOLD:
        return "critical"
    return "neutral"


# ---------------------------------------------------------------- verdict and summary


def _plural(n: int, word: str, plural: Optional[str] = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _names(voices: list[Voice], limit: int = 3) -> str:
    names = [v.name or "?" for v in voices]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _verb(n: int, singular: str, plural: str) -> str:
    return singular if n == 1 else plural


def _how_many(n: int, of: int) -> str:
    if n == of == 2:
        return "both"
    if n == of > 2:
        return f"all {n}"
    return str(n)


def _verdict(voices: list[Voice], actors: list[_Actor], plain: set[int] = frozenset()) -> tuple[Optional[bool], str]:  # type: ignore[assignment]
    # a voice's side toward itself (score None) counts for conflicts, not as taking a side
    said = {id(v): [st for st in v.stances if st.score is not None] for v in voices}
    sided = [v for v in voices if any(st.stance in ("favourable", "critical") for st in said[id(v)])]
    neutral = [v for v in voices if said[id(v)] and all(st.stance == "neutral" for st in said[id(v)])]
    side_sign: dict[str, float] = {}
    for v in sided:
        for st in said[id(v)]:
            if st.stance in ("favourable", "critical"):
                side_sign[st.entity] = 1.0 if st.stance == "favourable" else -1.0

    def leans_with_side(v: Voice) -> bool:
        return any(st.entity in side_sign and (st.score or 0.0) * side_sign[st.entity] >= LEAN for st in said[id(v)])

    # A neutral voice is independent only if nothing ties it to a side: it speaks for no main actor,
    # does not lean the side's way, and judges something (a statement of plain fact balances nothing).
    # Neutral voices balance a side together: several short quotes count as much as one long one.
    tied = {id(v) for v in voices if any(st.score is None for st in v.stances)}
    factual = {id(voices[i]) for i in plain}
    independent = [v for v in neutral if not leans_with_side(v) and id(v) not in tied and id(v) not in factual]
    # neutral voices set aside only for stating plain facts: they cannot balance a side, but beside a
    # single voice that takes one they leave too little to call the article one-sided
    plain_only = [v for v in neutral if id(v) in factual and id(v) not in tied and not leans_with_side(v)]
    if sum(v.quotes for v in independent) < 2 and sum(v.words for v in independent) < INDEPENDENT_MIN_WORDS:
        independent = []
    silent = [v for v in voices if not said[id(v)]]

    for a in actors:
        fav = [v for v in voices if any(st.entity == a.key and st.stance == "favourable" for st in v.stances)]
        crit = [v for v in voices if any(st.entity == a.key and st.stance == "critical" for st in v.stances)]
        if fav and crit:
            return False, (
                f"Opposing views are quoted on {a.name}: {len(fav)} favourable ({_names(fav)}), "
                f"{len(crit)} critical ({_names(crit)})."
            )
    if not sided:
        if neutral:
            return None, (
                f"No quoted voice takes a clear side on {_actor_list(actors)}; {len(neutral)} "
                f"{_verb(len(neutral), 'speaks', 'speak')} of them in neutral terms; too little to tell."
            )
        if not actors:
            return None, "No actor is named often enough to measure the voices' stance; too little to tell."
        return None, f"No quoted voice names the main actors ({_actor_list(actors)}); too little to tell."

    parts = []
    criticised, favoured = [], []
    single = len(sided) == 1
    shared = _one_camp(sided, said)
    for a in actors:
        crit = [v for v in sided if any(st.entity == a.key and st.stance == "critical" and st.score is not None for st in v.stances)]
        fav = [v for v in sided if any(st.entity == a.key and st.stance == "favourable" and st.score is not None for st in v.stances)]
        if crit:
            criticised.append(a)
            count = "" if single else f"{_how_many(len(crit), len(sided))} "
            parts.append(f"{count}{_verb(len(crit), 'criticises', 'criticise')} {a.name}")
        if fav:
            favoured.append(a)
            count = "" if single else f"{_how_many(len(fav), len(sided))} "
            parts.append(f"{count}{_verb(len(fav), 'speaks', 'speak')} well of {a.name}")
    side = _join(parts)
    others = f"; {_plural(len(silent), 'other voice')} {_verb(len(silent), 'does', 'do')} not name them" if silent else ""
    if single:
        lead = f"Only {sided[0].name} takes a side ({side})"
    elif not shared:
        lead = f"{len(sided)} voices take a side and none contradicts another ({side})"
    elif len(sided) == 2:
        lead = f"Both voices that take a side agree ({side})"
    else:
        lead = f"All {len(sided)} voices that take a side agree ({side})"
    if independent:
        return False, (
            f"{lead}, but {_plural(len(independent), 'independent voice')} neutral toward them "
            f"{_verb(len(independent), 'is', 'are')} also quoted ({_names(independent)})."
        )
    if shared and (len(sided) >= 2 or sided[0].quotes >= 3 and not plain_only):
        missing = f"defending {_actor_list(criticised)}" if criticised else f"critical of {_actor_list(favoured)}"
        return True, f"{lead}{others}. No voice {missing} or independent of that side is quoted."
    return None, f"{lead}{others}; too little to tell."


def _one_camp(sided: list[Voice], said: dict[int, list[ActorStance]]) -> bool:
    """Whether the voices that take a side form one camp: linked through shared positions
    (two voices that both criticise X are one camp; a third that praises Y joins them when one
    of them also praises Y). Voices on unrelated actors are not shown to agree."""
    positions = {id(v): {(st.entity, st.stance) for st in said[id(v)] if st.stance in ("favourable", "critical")} for v in sided}
    camp = set(positions[id(sided[0])])
    members = {id(sided[0])}
    grew = True
    while grew:
        grew = False
        for v in sided:
            if id(v) not in members and positions[id(v)] & camp:
                members.add(id(v))
                camp |= positions[id(v)]
                grew = True
    return len(members) == len(sided)


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _actor_list(actors: list[_Actor]) -> str:
    return _join([a.name for a in actors]) if actors else "anyone"


def _summary(voices: list[Voice], verdict_text: str, unattributed: int, share: float, n_quotes: int) -> str:
    if n_quotes == 0:
        return "No one is quoted: the article speaks only in its author's voice."
    pct = f"quotes make up {round(share * 100)}% of the text"
    if not voices:
        return f"{_plural(n_quotes, 'quote')}, none with an identified speaker; {pct}."
    head = f"{_plural(len(voices), 'voice')} quoted ({pct})"
    if unattributed:
        head += f", plus {_plural(unattributed, 'quote')} with no identified speaker"
    return f"{head}. {verdict_text}"


# ---------------------------------------------------------------- the stage


def run(ctx: Context) -> Sourcing:
    analysis = ctx.analysis
    text = ctx.text
    quotes = list(analysis.quotes)
    title_span = analysis.document.title_span
    share = _quoted_share(text, quotes, title_span)
    if not quotes:
        return Sourcing(voices=[], quoted_share=0.0, one_sided=None, summary=_summary([], "", 0, 0.0, 0))

    lex = _lex()
    tokens = token_index(ctx.doc)
    entities = {e.id: e for e in analysis.entities}
    grouped, unattributed = _group_voices(quotes, entities, tokens, lex)
    actors = _main_actors(analysis.entities, quotes, tokens, title_span, lex)
    actor_of = {eid: a.key for a in actors for eid in a.members}

    mention_spans = sorted(
        (s, e, actor_of.get(ent.id, "")) for ent in analysis.entities for s, e in ent.mentions if e <= len(text)
    )
    plural = frozenset(a.key for a in actors if entities[a.key].type != "PERSON")
    scorer = _Scorer(text, tokens, lex, [m[0] for m in mention_spans], mention_spans, plural)

    voices: list[Voice] = []
    plain: set[int] = set()  # voices whose words judge no actor (statements of plain fact)
    for gv in grouped:
        own_actor = _own_actor(gv, actors, actor_of, entities, tokens, lex)
        own = frozenset({own_actor}) if own_actor else frozenset()
        weighed = 0.0
        for q in gv.quotes:
            cue_tokens = [ctx.doc[i] for i in tokens.overlapping(*q.cue.span)] if q.cue is not None else []
            for key, (score, ev, was) in scorer.score_quote(q, own, cue_tokens).items():
                gv.scores[key] = gv.scores.get(key, 0.0) + score
                gv.evidence.setdefault(key, []).extend(ev)
                weighed += was
        stances = []
        for a in actors:
            if a.key == own_actor:
                stances.append(ActorStance(entity=a.key, name=a.name, stance="favourable", score=None))
            elif a.key in gv.scores:
                score = gv.scores[a.key]
                stances.append(
                    ActorStance(
                        entity=a.key, name=a.name, stance=_stance(score), score=round(score, 3),
                        evidence=sorted(set(gv.evidence[a.key])),
                    )
                )
        # toward the first main actor that is not the voice itself
        first_actor = next((a.key for a in actors if a.key != own_actor), None)
        stance = next((st.stance for st in stances if st.entity == first_actor), "unknown")
        ent = entities.get(gv.entity) if gv.entity else None
        kind = next((k for k, _ in gv.kinds.most_common() if k != "unknown"), "unknown")
        voices.append(
            Voice(
                name=gv.name, entity=gv.entity, kind=kind, quotes=len(gv.quotes), words=gv.words,
                stance=stance, role=ent.descriptions[0] if ent and ent.descriptions else None,
                quote_ids=[q.id for q in gv.quotes], mentions=sorted(gv.mentions), stances=stances,
            )
        )
        if weighed < EVALUATED_MIN:
            plain.add(len(voices) - 1)

    one_sided, verdict_text = _verdict(voices, actors, plain) if voices else (None, "")
    return Sourcing(
        voices=voices, quoted_share=share, one_sided=one_sided,
        summary=_summary(voices, verdict_text, unattributed, share, len(quotes)),
        main_actors=[a.key for a in actors],
    )
