"""Entities: named people, organisations, places and groups, merged per referent.

Starts from spaCy's NER (``ctx.doc.ents``, never a second parse), repairs the
errors that recur in news (titles, particles, apostrophes, org heads, fused
spans), merges the surface forms of one referent (full name, surname, title +
surname, acronym), reads descriptions from appositions and pre-modifiers, and
finally links third-person pronouns and definite descriptions ("the commander")
to the entity they most plausibly refer to. Everything is reported through
``Entity.mentions``; the quotes stage looks speakers up there.

Type repair beyond the NER label: members of one coordinated list share the list's
prevailing type when their own evidence is the label alone (``_repair_lists``); a name
that only ever modifies an organisation noun ("the X militia") is an ORG; a one-word
nationality adjective qualifying a thing ("Islamic Iran") is no GROUP; names found only in
a title-case headline line are dropped unless the body vouches for them. A surname (with
or without title) joins a full name only when title gender, a following he/she and the
title's role leave one candidate; a titled surname that stays ambiguous is its own entity.
"""

from __future__ import annotations

import bisect
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional
from spacy.tokens import Doc, Token

from .. import lexicons
from ..model import Entity, Gender
from ..resources import lexicon

name = "entities"
requires: tuple[str, ...] = ()
assigns = "entities"

NER_TYPES = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "NORP": "GROUP",
    "EVENT": "OTHER",
    "LAW": "OTHER",
}
# Labels the small model often puts on organisation names; kept only with an org head.
WEAK_LABELS = frozenset({"WORK_OF_ART", "PRODUCT"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
LEADING_DROP = frozenset({"the", "a", "an"})
_CONTRACTION = re.compile(r"['’](?:d|m|ll|re|ve)\b")
POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
# How far back a pronoun / definite description may look, in paragraphs.
PRONOUN_PARAGRAPHS = 3
DESCRIPTION_PARAGRAPHS = 6
MAX_DESCRIPTION_TOKENS = 16
SPEAKER_RECENT = 1.0
SPEAKER_EARLIER = 0.5


# ---------------------------------------------------------------- lexicons


@lru_cache(maxsize=1)
def _title_max_len() -> int:
    return max((len(k) for k in lexicons.titles()), default=1)


@lru_cache(maxsize=1)
def _role_lasts() -> frozenset[str]:
    return frozenset(r.split()[-1] for r in lexicons.role_nouns())


@lru_cache(maxsize=1)
def _particles() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon("entity_particles"))


@lru_cache(maxsize=1)
def _org_keywords() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon("entity_org_keywords"))


@lru_cache(maxsize=1)
def _place_keywords() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon("entity_place_keywords"))


@lru_cache(maxsize=1)
def _people_nouns() -> frozenset[str]:
    return lexicons.people_nouns() | frozenset(
        r for r in lexicons.role_nouns() if " " not in r
    )


@lru_cache(maxsize=1)
def _speech_verbs() -> frozenset[str]:
    return frozenset(v.lemma for v in lexicons.reporting_verbs() if v.kind == "speech")


def _given_gender(word: str) -> str:
    """m/f for a known first name; f as a weak guess for unknown names ending in -a."""
    known = lexicons.given_names().get(word)
    if known:
        return known
    if len(word) > 3 and word.isalpha() and word.endswith("a"):
        return "f"
    return ""


# ---------------------------------------------------------------- data


@dataclass
class Mention:
    start: int  # first token of the name proper (titles excluded)
    end: int  # token after the name
    tstart: int  # first token including titles
    label: str  # NER label, or TITLE / ACRONYM for names found otherwise
    votes: dict[str, float] = field(default_factory=dict)
    title_roles: list[str] = field(default_factory=list)
    gender: str = ""
    title_gender: str = ""  # from a title written with the name ("Mrs.", "Congressman")
    honorific: bool = False
    span: tuple[int, int] = (0, 0)  # characters, titles included
    name: str = ""  # surface name without titles
    words: list[str] = field(default_factory=list)
    entity: int = -1
    head: int = -1
    by_surname: bool = False  # joined as a surname: its NER label says little
    dateline: bool = False
    strong: bool = False  # typed by more than the NER label (head word, title, given name...)
    org_modifier: bool = False  # modifies an organisation noun: "the X militia"
    pronoun_gender: str = ""  # gender of the next pronoun in its sentence, a hint only

    def vote(self, kind: str, weight: float) -> None:
        self.votes[kind] = self.votes.get(kind, 0.0) + weight

    @property
    def kind(self) -> str:
        return max(self.votes.items(), key=lambda kv: kv[1])[0] if self.votes else "OTHER"


@dataclass
class Cluster:
    mentions: list[Mention] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # of the longest name form
    kind: str = ""
    acronym: str = ""
    descriptions: list[str] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)
    gender: str = ""
    extra: list[tuple[int, int]] = field(default_factory=list)  # pronouns, descriptions

    def votes(self) -> dict[str, float]:
        total: dict[str, float] = {}
        for m in self.mentions:
            if m.by_surname:
                continue
            for k, v in m.votes.items():
                total[k] = total.get(k, 0.0) + v
        return total


# ---------------------------------------------------------------- token helpers


def _is_cap(tok: Token) -> bool:
    t = tok.text
    return bool(t) and t[0].isupper()


def _is_particle(tok: Token) -> bool:
    return tok.text.lower() in _particles()


def _glued(a: Token, b: Token) -> bool:
    """``a`` and ``b`` are written with no space between them."""
    return a.idx + len(a.text) == b.idx


def _title_key(doc: Doc, s: int, e: int) -> tuple[str, ...]:
    """Normalised title words of tokens s..e; a split-off abbreviation dot ("Sens", ".") and
    a non-breaking space between words are not words."""
    return tuple(lexicons.norm_word(t.text) for t in doc[s:e] if t.text != "." and not t.is_space)


@lru_cache(maxsize=1)
def _title_firsts() -> frozenset[str]:
    return frozenset(k[0] for k in lexicons.titles())


def _match_title_at(doc: Doc, i: int, limit: int) -> int:
    """Length (in tokens) of the longest title starting at token i and ending before ``limit``."""
    if i >= limit or not _is_cap(doc[i]) or lexicons.norm_word(doc[i].text) not in _title_firsts():
        return 0
    titles = lexicons.titles()
    best = 0
    for n in range(1, min(2 * _title_max_len(), limit - i) + 1):
        last = doc[i + n - 1]
        if last.is_space or (n > 1 and last.text == "." and not _glued(doc[i + n - 2], last)):
            continue
        key = _title_key(doc, i, i + n)
        if key in titles:
            best = n
    return best


def _match_title_before(doc: Doc, end: int, floor: int) -> int:
    """Length of the longest title that ends just before token ``end`` (not before ``floor``)."""
    titles = lexicons.titles()
    best = 0
    for n in range(1, 2 * _title_max_len() + 1):
        s = end - n
        if s < floor:
            break
        if not _is_cap(doc[s]):
            continue
        if _title_key(doc, s, end) in titles:
            best = n
    return best


def _title_info(doc: Doc, s: int, e: int) -> tuple[str, str]:
    return lexicons.titles().get(_title_key(doc, s, e), ("", ""))


def _name_token(tok: Token) -> bool:
    """A token that can continue a name: capitalised word, particle or inner hyphen/apostrophe."""
    if tok.is_space or "\n" in tok.text:
        return False
    if _is_cap(tok) and (tok.is_alpha or any(c.isalpha() for c in tok.text)):
        return True
    return _is_particle(tok)


# ---------------------------------------------------------------- candidates


def _trim(doc: Doc, s: int, e: int) -> tuple[int, int]:
    # a span never crosses a line break
    for k in range(s, e):
        if doc[k].is_space or "\n" in doc[k].text:
            if k > s:
                e = k
                break
    while s < e and (doc[s].is_space or doc[s].is_punct or doc[s].lower_ in LEADING_DROP):
        s += 1
    while e > s and (
        doc[e - 1].is_space
        or doc[e - 1].text in POSSESSIVE
        or doc[e - 1].pos_ == "CCONJ"
        or (doc[e - 1].is_punct and doc[e - 1].text not in ".")
        or doc[e - 1].lower_ in LEADING_DROP
        or (e - 1 > s and doc[e - 1].is_alpha and doc[e - 1].text.islower() and not _is_particle(doc[e - 1]))
    ):
        e -= 1
    return s, e


def _extend(doc: Doc, s: int, e: int, taken: list[int]) -> tuple[int, int]:
    n = len(doc)
    # right: "-Haq", "bin Laden"
    while e + 1 < n and taken[e] < 0 and taken[e + 1] < 0:
        a, b = doc[e], doc[e + 1]
        if a.text in ("-", "‑") and _glued(doc[e - 1], a) and _glued(a, b) and b.is_alpha and _is_cap(b):
            e += 2
        elif _is_particle(a) and a.text[0].islower() and _is_cap(b) and b.pos_ == "PROPN":
            e += 2
        else:
            break
    # left: particles ("al-", "abu") and given names tied to the name by the parse
    while s > 0 and taken[s - 1] < 0:
        p = doc[s - 1]
        if p.text in ("-", "‑") and s >= 2 and _glued(doc[s - 2], p) and _glued(p, doc[s]) and _is_particle(doc[s - 2]):
            s -= 2
        elif _is_particle(p) and p.text[0].islower() and not _glued(p, doc[s]) and p.pos_ == "PROPN":
            s -= 1
        elif (
            p.pos_ == "PROPN"
            and _is_cap(p)
            and all(ch.isalpha() or ch in "'’" for ch in p.text)
            and p.dep_ == "compound"
            and s <= p.head.i < e
            and _match_title_before(doc, s, s - 1) == 0
            and p.lower_ not in _org_keywords()
        ):
            s -= 1
        else:
            break
    return s, e


def _split(doc: Doc, s: int, e: int) -> list[tuple[int, int, str]]:
    """Cut spans that NER fused: "Green Party's Jill Stein", "X University on Long Island",
    "the Badr Organization Hadi al-Amiri"."""
    orgs = _org_keywords()
    for k in range(s + 1, e - 1):
        tok = doc[k]
        if tok.text in POSSESSIVE and _is_cap(doc[k + 1]):
            right = _trim(doc, k + 1, e)
            label = "PERSON" if right[1] - right[0] >= 2 else ""
            return [(s, k, ""), (right[0], right[1], label)]
        if tok.lower_ in ("in", "on", "at", "near") and doc[k - 1].lower_ in orgs and _is_cap(doc[k + 1]):
            return [(s, k, "ORG"), (k + 1, e, "GPE")]
    return _split_at_org_head(doc, s, e)


def _split_at_org_head(doc: Doc, s: int, e: int) -> list[tuple[int, int, str]]:
    orgs = _org_keywords()
    for k in range(s, e - 1):
        if doc[k].lower_ in orgs and _is_cap(doc[k]) and _is_cap(doc[k + 1]) and doc[k + 1].pos_ == "PROPN":
            rest = doc[k + 1 : e]
            if len(rest) >= 2 and not any(t.lower_ in orgs for t in rest) and all(_name_token(t) or t.text in "-'’" for t in rest):
                return [(s, k + 1, "ORG"), (k + 1, e, "PERSON")]
    return [(s, e, "")]


def _datelines(doc: Doc, window: int = 800) -> list[tuple[int, int]]:
    """All-capital words opening a paragraph near the top and followed by a dash or comma."""
    out = []
    text = doc.text
    for tok in doc:
        if tok.idx > window:
            break
        if not (tok.i == 0 or "\n" in doc[tok.i - 1].text_with_ws or doc[tok.i - 1].is_space):
            continue
        k = tok.i
        while k < len(doc) and doc[k].is_alpha and doc[k].text.isupper() and len(doc[k]) >= 2:
            k += 1
        if k > tok.i and k < len(doc) and doc[k].text in ("–", "-", "—", ",", "(", "/") and sum(len(t) for t in doc[tok.i : k]) >= 4:
            if "\n" not in text[tok.idx : doc[k].idx]:
                out.append((tok.i, k))
    return out


def _candidates(doc: Doc) -> list[Mention]:
    n = len(doc)
    taken = [-1] * n
    raw: list[tuple[int, int, str]] = []
    for ent in doc.ents:
        label = ent.label_
        if label not in NER_TYPES and label not in WEAK_LABELS:
            continue
        s, e = _trim(doc, ent.start, ent.end)
        if s >= e:
            continue
        for a, b, forced in _split(doc, s, e):
            if a < b:
                raw.append((a, b, forced or label))
    # a dateline ("SAHRUN –", "LINDMARK, March 14") names a place, whatever NER said
    datelines = _datelines(doc)
    for s, e in datelines:
        for k in range(s, e):
            taken[k] = 0
    raw = [r for r in raw if all(taken[k] < 0 for k in range(r[0], r[1]))]
    taken = [-1] * n
    out: list[Mention] = []
    for s, e in datelines:
        for k in range(s, e):
            taken[k] = len(out)
        out.append(Mention(start=s, end=e, tstart=s, label="GPE", dateline=True))
    for s, e, label in raw:
        if any(taken[k] >= 0 for k in range(s, e)):
            continue
        for k in range(s, e):
            taken[k] = len(out)
        out.append(Mention(start=s, end=e, tstart=s, label=label))
    # extend names over particles/given names, then claim their tokens
    for idx, m in enumerate(out):
        s, e = _extend(doc, m.start, m.end, taken)
        for k in range(s, e):
            taken[k] = idx
        m.start, m.tstart, m.end = s, s, e
    # a capitalised name right before "(ACRONYM)" that NER missed
    for i in range(1, n - 2):
        if doc[i].text != "(" or doc[i + 2].text != ")" or not _acronym_key(doc[i + 1].text):
            continue
        k = i
        while k - 1 >= 0 and taken[k - 1] < 0 and (
            (_is_cap(doc[k - 1]) and doc[k - 1].is_alpha) or (doc[k - 1].lower_ in ("of", "for", "and", "on", "the") and k < i)
        ):
            k -= 1
            if doc[k].is_sent_start:
                break
        while k < i and not (_is_cap(doc[k]) and doc[k].lower_ not in LEADING_DROP):
            k += 1
        if i - k >= 2 and _initials([t.lower_ for t in doc[k:i]])[:1] == doc[i + 1].text[:1].lower():
            for t in range(k, i):
                taken[t] = len(out)
            out.append(Mention(start=k, end=i, tstart=k, label="ORG"))
    # names that NER missed but a title announces: "Gen. Soleimani"
    i = 0
    while i < n:
        if taken[i] >= 0:
            i += 1
            continue
        tl = _match_title_at(doc, i, n)
        if tl == 0:
            i += 1
            continue
        j = i + tl
        k = j
        while k < n and taken[k] < 0 and (_name_token(doc[k]) or (doc[k].text == "-" and k > j and _glued(doc[k - 1], doc[k]))):
            if _match_title_at(doc, k, n):
                break
            k += 1
        while k > j and not _is_cap(doc[k - 1]):
            k -= 1
        if k > j and doc[k - 1].lower_ not in _org_keywords() and doc[j].pos_ == "PROPN":
            for t in range(i, k):
                taken[t] = len(out)
            out.append(Mention(start=j, end=k, tstart=j, label="TITLE"))
            i = k
        else:
            i = j
    out.sort(key=lambda m: m.start)
    return out


def _finish(doc: Doc, text: str, mentions: list[Mention], taken: list[int]) -> list[Mention]:
    """Titles, type votes, surface forms; drops junk."""
    orgs = _org_keywords()
    kept: list[Mention] = []
    suspects: set[int] = set()  # ids of one-word mentions the tagger read as a verb or function word
    absorbed: set[int] = set()  # ids of names that turned out to sit inside a title
    sent_end: list[int] | None = None
    for m in mentions:
        weak = m.label in WEAK_LABELS
        # titles inside the span (PERSON spans, or abbreviations with a dot)
        while m.start < m.end - 1:
            tl = _match_title_at(doc, m.start, m.end - 1)
            if not tl or not (m.label in ("PERSON", "TITLE") or doc[m.start + tl - 1].text.endswith(".")):
                break
            role, gender = _title_info(doc, m.start, m.start + tl)
            m.title_roles.append(role)
            m.gender = m.gender or gender
            m.title_gender = m.title_gender or gender
            m.start += tl
        # titles written before it
        while True:
            tl = _match_title_before(doc, m.tstart, 0)
            if not tl:
                break
            inner = {taken[k] for k in range(m.tstart - tl, m.tstart) if taken[k] >= 0}
            if inner:
                # "Secretary of State X": a name inside a title of several words is part of it
                if len(_title_key(doc, m.tstart - tl, m.tstart)) < 3 or any(
                    mentions[j].start < m.tstart - tl or mentions[j].end > m.tstart for j in inner
                ):
                    break
                absorbed |= {id(mentions[j]) for j in inner}
            role, gender = _title_info(doc, m.tstart - tl, m.tstart)
            m.title_roles.append(role)
            m.gender = m.gender or gender
            m.title_gender = m.title_gender or gender
            m.tstart -= tl
        if m.start >= m.end:
            continue
        first, last = doc[m.start], doc[m.end - 1]
        surface = text[first.idx : last.idx + len(last.text)]
        if not any(c.isupper() for c in surface) or not any(c.isalpha() for c in surface):
            continue
        if surface[0].islower() and not _is_particle(first):
            continue  # "anti-American", lowercase junk
        if first.pos_ == "PRON" or _CONTRACTION.search(surface):
            continue  # "I'd"
        if m.end - m.start == 1 and m.label not in ("NORP", "GPE") and first.pos_ in ("VERB", "AUX", "ADV", "ADP", "DET", "PRON", "SCONJ", "CCONJ", "INTJ", "PART"):
            if first.pos_ != "VERB" or not first.is_sent_start:
                continue  # a capitalised function word or verb at a sentence start
            suspects.add(id(m))  # "Trump said ..." tagged VERB: kept if the name recurs below
        if len(surface) < 2:
            continue
        if m.label == "NORP" and m.end - m.start == 1 and _modifies_non_people(first):
            continue  # "Islamic Iran", "the Iranian economy": an adjective, not a group
        m.name = surface
        m.span = (doc[m.tstart].idx, last.idx + len(last.text))
        m.words = [lexicons.norm_word(w) for w in surface.split()]
        m.honorific = m.tstart < m.start
        heads = [t for t in doc[m.start : m.end] if not (m.start <= t.head.i < m.end) or t.head.i == t.i]
        m.head = heads[-1].i if heads else m.end - 1
        # type votes
        if not weak:
            # NORP spans of several capitalised words are mostly mislabelled names
            weight = 0.5 if m.label == "NORP" and len(m.words) > 1 else 1.0
            m.vote(NER_TYPES.get(m.label, "PERSON" if m.label == "TITLE" else "ORG"), weight)
        head = doc[m.head]
        if m.dateline:
            m.vote("PLACE", 4.0)
            m.strong = True
        elif _is_cap(last) and last.lower_ in orgs:
            m.vote("ORG", 3.0)
            m.strong = True
        elif _is_cap(last) and lexicons.norm_word(last.text) in _place_keywords() and m.end - m.start > 1 and m.label != "TITLE":
            m.vote("PLACE", 3.0)
            m.strong = True
        elif len(m.words) >= 3 and m.words[0] in orgs and m.words[1] in ("of", "for") and _is_cap(first):
            m.vote("ORG", 3.0)  # "School of Advanced Studies", "Center for Tax Policy"
            m.strong = True
        elif m.label not in ("NORP", "GPE", "LOC", "FAC") and _modifies_org_noun(head, m.end):
            # "the Daesh terrorist group": the name qualifies an organisation noun
            m.vote("ORG", 2.0)
            m.strong = m.org_modifier = True
        # a WORK_OF_ART/PRODUCT without an org head stays voteless: kept only if a
        # coordinated list gives it a type ("Homs, Hama, Aleppo and ..."), see _repair_lists
        if m.honorific or m.title_roles:
            m.vote("PERSON", 3.0)
            m.strong = True
        if m.tstart > 0:
            prev = doc[m.tstart - 1]
            if prev.pos_ == "NOUN" and prev.lower_ in _role_lasts() and prev.text.islower():
                m.vote("PERSON", 2.0)
                m.strong = True
        # "the secretary general of X": X leads nothing, it is led
        if m.label in ("PERSON", "NORP") and head.dep_ == "pobj" and head.head.lower_ in ("of", "for"):
            gov = head.head.head
            if gov.pos_ in ("NOUN", "PROPN") and gov.lower_ in _role_lasts() and not (gov.i < m.start and taken[gov.i] >= 0):
                m.vote("ORG", 2.5)
                m.strong = True
        if m.end - m.start >= 2 and m.label in ("PERSON", "NORP", "ORG", "TITLE", *WEAK_LABELS):
            given = _given_gender(m.words[0])
            if given:
                m.vote("PERSON", 1.2 if m.words[0] in lexicons.given_names() else 0.5)
                m.strong = m.strong or m.words[0] in lexicons.given_names()
                if m.label in ("PERSON", "TITLE") or m.votes.get("PERSON", 0) >= 1.2:
                    m.gender = m.gender or given
        if m.label == "PERSON" and m.end - m.start == 1 and first.tag_ in ("NNPS", "NNS"):
            m.vote("GROUP", 1.5)  # "Latinos"
        if m.kind == "PERSON" or m.label in ("PERSON", "TITLE"):
            if sent_end is None:
                sent_end = [0] * len(doc)
                for sent in doc.sents:
                    for k in range(sent.start, sent.end):
                        sent_end[k] = sent.end
            m.pronoun_gender = _pronoun_hint(doc, m, sent_end[m.end - 1])
        kept.append(m)
    if absorbed:
        kept = [m for m in kept if id(m) not in absorbed]
    if suspects:
        words = {w for m in kept if id(m) not in suspects for w in m.words}
        kept = [m for m in kept if id(m) not in suspects or m.words[0] in words]
    return kept


def _modifies_org_noun(head: Token, end: int) -> bool:
    gov = head.head
    return (
        head.dep_ in ("compound", "amod", "nmod")
        and gov.i >= end
        and gov.pos_ == "NOUN"
        and gov.text.islower()
        and gov.lemma_.lower() in lexicons.org_head_nouns()
    )


def _modifies_non_people(tok: Token) -> bool:
    """A one-word nationality/religion adjective qualifying a thing, not people."""
    gov = tok.head
    if tok.dep_ not in ("amod", "compound", "nmod") or gov.i == tok.i or gov.pos_ not in ("NOUN", "PROPN"):
        return False
    if gov.pos_ == "NOUN" and (gov.lemma_.lower() in _people_nouns() or gov.lower_ in _people_nouns()):
        return False
    return tok.tag_ not in ("NNPS", "NNS")  # "Iraqis" as a compound still names people


def _pronoun_hint(doc: Doc, m: Mention, sent_end: int, window: int = 30) -> str:
    """Gender of the first subject he/she after a person mention in its sentence, unless
    another person is named first ("President Hale said she ..." -> f)."""
    pronouns = lexicons.pronouns()
    end = min(sent_end, m.end + window)
    for k in range(m.end, end):
        tok = doc[k]
        if tok.ent_type_ == "PERSON":
            return ""
        g = pronouns.get(tok.lower_)
        if g and g[0] and tok.pos_ == "PRON" and tok.dep_ in SUBJECT_DEPS:
            return g[0]
    return ""


# ---------------------------------------------------------------- merging


def _core(word: str) -> str:
    """A name word without particles: 'al-sistani' -> 'sistani'."""
    parts = word.split("-")
    while len(parts) > 1 and parts[0] in _particles():
        parts = parts[1:]
    return "-".join(parts)


def _initials(words: list[str]) -> str:
    skip = {"of", "the", "and", "for", "in", "on", "at", "to", "&"}
    letters = []
    for w in words:
        if w in skip or w in _particles():
            continue
        for piece in w.split("-"):
            if piece and piece[0].isalpha():
                letters.append(piece[0])
    return "".join(letters)


def _acronym_key(surface: str) -> str:
    letters = surface.replace(".", "")
    if 2 <= len(letters) <= 7 and letters.isalpha() and letters.isupper():
        return letters.lower()
    return ""


class _Clusterer:
    """Groups name mentions into entities: full names first, then the shorter forms that refer
    back to them (surnames, first names, acronyms, parts of organisation names)."""

    def __init__(self) -> None:
        self.clusters: list[Cluster] = []
        self.full: dict[str, int] = {}
        self.suffix: dict[str, list[int]] = {}
        self.firsts: dict[str, list[int]] = {}
        self.first_last: dict[tuple[str, str], int] = {}
        self.acronyms: dict[str, int] = {}
        self.org_parts: dict[str, list[int]] = {}  # first/last word of a long ORG name -> entities

    def key_of(self, m: Mention) -> str:
        key = " ".join(m.words)
        if m.label == "NORP" and len(m.words) == 1 and key.endswith("s"):
            key = key[:-1]
        return key

    def join(self, m: Mention, c: int) -> None:
        m.entity = c
        self.clusters[c].mentions.append(m)

    def new(self, m: Mention) -> int:
        c = len(self.clusters)
        self.clusters.append(Cluster(words=list(m.words), kind=m.kind))
        self.join(m, c)
        self.full.setdefault(self.key_of(m), c)
        if m.kind == "PERSON" and len(m.words) >= 2:
            w = m.words
            for i in range(1, len(w)):
                for key in {" ".join(w[i:]), " ".join(_core(x) for x in w[i:])}:
                    lst = self.suffix.setdefault(key, [])
                    if c not in lst:
                        lst.append(c)
            self.firsts.setdefault(w[0], []).append(c)
            self.first_last.setdefault((w[0], _core(w[-1])), c)
        if m.kind == "ORG" and len(m.words) >= 2:
            for w in {m.words[0], m.words[-1]} - _particles():
                lst = self.org_parts.setdefault(w, [])
                if c not in lst:
                    lst.append(c)
        if m.kind in ("ORG", "PLACE", "OTHER", "GROUP") and len(m.words) >= 2:
            ini = _initials(m.words)
            if len(ini) >= 2:
                self.acronyms.setdefault(ini, c)
        return c

    def most_recent(self, cands: list[int], m: Mention) -> int:
        """The candidate named most often so far (the article's main referent), then the latest."""
        if len(cands) == 1:
            return cands[0]
        best, best_key = -1, (-1, -1)
        for c in cands:
            before = [x.start for x in self.clusters[c].mentions if x.start < m.start]
            key = (len(before), max(before) if before else -1)
            if best < 0 or key > best_key:
                best, best_key = c, key
        return best

    def gender_of(self, c: int) -> str:
        for x in self.clusters[c].mentions:
            if x.gender and not x.by_surname:
                return x.gender
        return ""

    def surname_owner(self, cands: list[int], m: Mention) -> int:
        """The entity a surname (with or without title) belongs to, or -1 when a title or
        pronoun rules every candidate out or leaves several ("President Clinton" with
        both Bill and Hillary Clinton named and nothing to tell them apart)."""
        if m.gender:  # from a title ("Mrs."): it may rule candidates out
            fits = [c for c in cands if self.gender_of(c) in ("", m.gender)]
            exact = [c for c in fits if self.gender_of(c) == m.gender]
            if len(exact) == 1:
                return exact[0]
            cands = fits
        elif m.pronoun_gender and len(cands) > 1:  # a following "he"/"she" only breaks ties
            exact = [c for c in cands if self.gender_of(c) == m.pronoun_gender]
            if len(exact) == 1:
                return exact[0]
        roles = {r for r in m.title_roles if r}
        if roles and len(cands) > 1:
            same = [c for c in cands if any(roles & set(x.title_roles) for x in self.clusters[c].mentions)]
            if len(same) == 1:
                return same[0]
        if not cands:
            return -1
        if len(cands) > 1 and m.honorific:
            return -1
        return self.most_recent(cands, m)

    def several_words(self, multi: list[Mention]) -> None:
        """Pass 1: names of several words, longest first so shorter forms find them."""
        for m in multi:
            key = self.key_of(m)
            if key in self.full:
                self.join(m, self.full[key])
                continue
            if m.kind == "PERSON":
                c = self.first_last.get((m.words[0], _core(m.words[-1])))
                cands = self.suffix.get(key) or self.suffix.get(" ".join(_core(x) for x in m.words))
                if c is not None:
                    self.join(m, c)
                    continue
                if cands:
                    owner = self.surname_owner(cands, m)
                    if owner >= 0:
                        self.join(m, owner)
                        continue
            self.new(m)

    def explicit_acronyms(self, doc: Doc, multi: list[Mention]) -> None:
        """'Popular Mobilization Units (PMU)': the acronym in brackets names the entity before it."""
        n = len(doc)
        for m in multi:
            if m.end + 2 < n and doc[m.end].text == "(" and doc[m.end + 2].text == ")":
                key = _acronym_key(doc[m.end + 1].text)
                if key:
                    self.acronyms[key] = m.entity
                    self.clusters[m.entity].acronym = key

    def one_word(self, mentions: list[Mention]) -> None:
        """Pass 2: one-word names in reading order: acronyms, surnames, organisation parts, first names."""
        for m in mentions:
            if m.entity >= 0:
                continue
            key = self.key_of(m)
            acr = _acronym_key(m.name)
            if acr and acr in self.acronyms:
                self.join(m, self.acronyms[acr])
                continue
            personish = m.kind == "PERSON" or m.label in ("PERSON", "ORG", "NORP") or m.honorific
            cands = self.suffix.get(key) or self.suffix.get(_core(key)) if personish else None
            owner = self.surname_owner(cands, m) if cands else -1
            if owner >= 0:
                m.by_surname = True
                self.join(m, owner)
                continue
            if key in self.full:
                self.join(m, self.full[key])
                continue
            if m.label == "ORG" and len(self.org_parts.get(key, [])) == 1:
                self.join(m, self.org_parts[key][0])  # "the Post" for "New York Post", "Hofstra" for "Hofstra University"
                continue
            if m.honorific or m.label == "PERSON":
                cands = self.firsts.get(key, [])
                if len(cands) == 1:
                    self.join(m, cands[0])
                    continue
            self.new(m)

    def name_acronyms(self) -> None:
        """Each entity keeps the acronym it was found under."""
        for c in self.clusters:
            if not c.acronym:
                for key, idx in self.acronyms.items():
                    if self.clusters[idx] is c:
                        c.acronym = key


def _cluster(doc: Doc, mentions: list[Mention]) -> list[Cluster]:
    clusterer = _Clusterer()
    multi = [m for m in mentions if len(m.words) >= 2]
    multi.sort(key=lambda m: (-len(m.words), m.start))
    clusterer.several_words(multi)
    clusterer.explicit_acronyms(doc, multi)
    clusterer.one_word(mentions)
    clusterer.name_acronyms()
    return clusterer.clusters


def _missed_mentions(doc: Doc, clusters: list[Cluster], mentions: list[Mention], taken: list[int]) -> None:
    """Names NER missed on a later use: a bare acronym ('PMU') or surname ('Okafor') of a known entity."""
    by_acronym = {c.acronym: i for i, c in enumerate(clusters) if c.acronym and c.mentions}
    by_surname: dict[str, list[int]] = {}
    for i, c in enumerate(clusters):
        if c.kind == "PERSON" and len(c.words) >= 2 and c.mentions:
            for key in {c.words[-1], _core(c.words[-1])}:
                by_surname.setdefault(key, []).append(i)
    for i, c in enumerate(clusters):
        # a one-word name the tagger found once and missed elsewhere ("Obama" in a headline)
        if c.kind in ("PERSON", "ORG", "PLACE") and len(c.words) == 1 and len(c.words[0]) >= 3 and c.mentions:
            if not _acronym_key(c.mentions[0].name) and c.words[0] not in by_surname:
                by_surname[c.words[0]] = [i]
    if not by_acronym and not by_surname:
        return
    n = len(doc)
    for tok in doc:
        i = tok.i
        if taken[i] >= 0 or not _is_cap(tok):
            continue
        entity, start = -1, i
        key = _acronym_key(tok.text)
        cands = by_surname.get(lexicons.norm_word(tok.text), [])
        if key and key in by_acronym:
            entity, label = by_acronym[key], "ACRONYM"
        elif cands and (tok.pos_ == "PROPN" or not tok.is_sent_start):
            if i + 1 < n and _is_cap(doc[i + 1]) and doc[i + 1].pos_ == "PROPN":
                continue  # part of another name
            # "al-Nasiri" written as al, -, Nasiri
            if i >= 2 and doc[i - 1].text == "-" and _is_particle(doc[i - 2]) and _glued(doc[i - 2], doc[i - 1]) and _glued(doc[i - 1], tok):
                start = i - 2
            elif i >= 1 and _is_cap(doc[i - 1]) and doc[i - 1].pos_ == "PROPN":
                continue
            if any(taken[k] >= 0 for k in range(start, i)):
                continue
            entity = max(cands, key=lambda c: (len(clusters[c].mentions), c))
            label = {"ORG": "ORG", "PLACE": "GPE"}.get(clusters[entity].kind, "PERSON")
        else:
            continue
        first = doc[start]
        m = Mention(start=start, end=i + 1, tstart=start, label=label)
        m.name = doc[start : i + 1].text  # Doc.text would rebuild the whole text per mention
        m.span = (first.idx, tok.idx + len(tok.text))
        m.words = [lexicons.norm_word(w) for w in m.name.split()]
        m.head = i
        m.entity = entity
        m.by_surname = True
        clusters[entity].mentions.append(m)
        mentions.append(m)
        for k in range(start, i + 1):
            taken[k] = len(mentions) - 1


# ---------------------------------------------------------------- type repair

LOCATIVE_PREPS = frozenset({"in", "across", "throughout", "near", "into", "around", "outside", "inside", "within"})
TITLE_LINE_SMALL = frozenset(
    {"a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "by", "with", "from", "as", "vs", "via", "into", "over", "after", "amid"}
)
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def _cluster_kind(c: Cluster) -> str:
    votes = c.votes()
    named = [m for m in c.mentions if not m.by_surname]
    if named and all(m.org_modifier for m in named):
        return "ORG"  # only ever seen as "the X group"
    return max(votes.items(), key=lambda kv: kv[1])[0] if votes else ""


def _list_root(doc: Doc, tok: Token) -> Token:
    """First conjunct of the coordination ``tok`` belongs to, across "as well as" and
    appositions: in "in A and its suburbs, as well as B, C and D" every name leads to A."""
    for _ in range(64):
        if tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
            tok = tok.head
            continue
        # the parser attaches "as well as B" in several ways; the words themselves are the cue
        i = tok.i
        if i >= 3 and doc[i - 1].lower_ == "as" and doc[i - 2].lower_ == "well" and doc[i - 3].lower_ == "as":
            k = i - 4
            while k >= 0 and doc[k].is_punct:
                k -= 1
            if k >= 0 and doc[k].sent.start == tok.sent.start:
                tok = doc[k]
                continue
        break
    return tok


def _repair_lists(doc: Doc, clusters: list[Cluster], mentions: list[Mention]) -> None:
    """Members of one coordinated list ("Paris, Lyon and Marseille") share a type: a member
    typed by its NER label alone takes the list's prevailing type. A place list also counts
    its locative preposition ("in A, B and C"). A PERSON is never turned into an ORG: people
    and organisations are coordinated all the time ("Hale and the union")."""
    groups: dict[int, list[Mention]] = {}
    for m in mentions:
        if m.entity < 0 or m.dateline:
            continue
        groups.setdefault(_list_root(doc, doc[m.head]).i, []).append(m)
    for root_i, members in groups.items():
        if len({m.entity for m in members}) < 2:
            continue
        score: dict[str, float] = {}
        weak: list[Mention] = []
        for m in members:
            c = clusters[m.entity]
            kind = c.kind
            strength = c.votes().get(kind, 0.0) if kind else 0.0
            if kind and (strength >= 2.0 or any(x.strong for x in c.mentions if not x.by_surname)):
                w = 3.0
            elif kind == "PLACE":
                w = 2.0  # the parser seldom calls a person or a body a place
            elif kind:
                # a one-word ORG/PERSON known from its label alone is the parser's usual guess
                w = 0.75 if m.end - m.start == 1 else 1.0
                weak.append(m)
            else:
                w = 0.0
                weak.append(m)
            if kind:
                score[kind] = score.get(kind, 0.0) + w
        root = doc[root_i]
        if root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPS:
            score["PLACE"] = score.get("PLACE", 0.0) + 1.0
        if not score or not weak:
            continue
        best = max(score.items(), key=lambda kv: kv[1])
        # two names prove little ("Hale and Norway"): a pair needs a strong anchor or a preposition
        if best[1] < (2.0 if len({m.entity for m in members}) >= 3 else 3.0):
            continue
        for m in weak:
            c = clusters[m.entity]
            if c.kind == best[0] or score.get(c.kind, 0.0) >= best[1]:
                continue
            if c.kind == "PERSON" and best[0] == "ORG":
                continue
            c.kind = best[0]


def _title_lines(text: str) -> list[tuple[int, int]]:
    """Character ranges of headline-like lines: short, every content word capitalised
    ("Million Rally in Capital for Fallen Heroes"). None when no other line has text: a lone
    line is the body itself."""
    out = []
    body = False
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        if stripped[-1] in ",;":
            body = True
            continue
        words = _WORD.findall(stripped)
        content = [w for w in words if w.lower() not in TITLE_LINE_SMALL]
        if 3 <= len(words) <= 20 and len(content) >= 2 and all(w[0].isupper() for w in content):
            out.append((start, start + len(line)))
        else:
            body = True
    return out if body else []


def _headline_only(text: str, c: Cluster, lines: list[tuple[int, int]]) -> bool:
    """All of an entity's mentions sit in headline lines and nothing vouches for it: no
    title or known first name, not labelled a place, and its name is not in the body."""
    starts = [s for s, _ in lines]
    for m in c.mentions:
        i = bisect.bisect_right(starts, m.span[0]) - 1
        if i < 0 or m.span[1] > lines[i][1]:
            return False
        if m.strong or m.label in ("GPE", "LOC"):
            return False
    for m in c.mentions:
        k = text.find(m.name) if m.name else -1
        while k >= 0:
            i = bisect.bisect_right(starts, k) - 1
            if i < 0 or k >= lines[i][1]:
                return False
            k = text.find(m.name, k + 1)
    return True


def _shrink_headline_names(doc: Doc, clusters: list[Cluster], headline: list[bool]) -> None:
    """Headline NER glues a name to the next capitalised word ("Hale Plan", "Hale Wins"): when a
    headline-only mention starts with a name the body knows, it is cut to that name and joins
    that entity. Other headline-only mentions are left to be dropped."""
    known: dict[str, int] = {}
    for i, c in enumerate(clusters):
        if headline[i] or not c.kind:
            continue
        for m in c.mentions:
            known.setdefault(" ".join(m.words), i)
            if c.kind == "PERSON" and len(m.words) >= 2 and not m.by_surname:
                known.setdefault(m.words[-1], i)
                known.setdefault(_core(m.words[-1]), i)
    for i, c in enumerate(clusters):
        if not headline[i]:
            continue
        for m in list(c.mentions):
            for k in range(m.end - 1, m.start, -1):
                key = " ".join(lexicons.norm_word(t.text) for t in doc[m.start : k])
                target = known.get(key)
                if target is None:
                    continue
                last = doc[k - 1]
                m.end = k
                m.name = doc[m.start : k].text
                m.span = (doc[m.tstart].idx, last.idx + len(last.text))
                m.words = key.split()
                m.head = k - 1
                m.by_surname = True
                m.entity = target
                clusters[target].mentions.append(m)
                c.mentions.remove(m)
                break


# ---------------------------------------------------------------- descriptions


def _clean_edges(doc: Doc, s: int, e: int) -> tuple[int, int]:
    while s < e and (doc[s].is_punct or doc[s].is_space or doc[s].pos_ == "CCONJ"):
        s += 1
    while e > s and (doc[e - 1].is_punct or doc[e - 1].is_space or doc[e - 1].pos_ in ("CCONJ", "PART") and doc[e - 1].text in POSSESSIVE):
        e -= 1
    return s, e


def _describe(
    doc: Doc, text: str, m: Mention, taken: list[int], mentions: list[Mention]
) -> list[tuple[str, tuple[int, int] | None]]:
    """Descriptions of a name mention, each with the span of its role noun phrase when that
    phrase stands in apposition ("A spokeswoman" in "A spokeswoman for X, Y, said")."""
    out: list[tuple[str, tuple[int, int] | None]] = []

    def add(s: int, e: int, head: int = -1) -> None:
        for k in range(s + 1, e):  # "a retired teacher who has lived here for years" -> "a retired teacher"
            if doc[k].tag_ in ("WP", "WDT", "WP$"):
                e = k
                break
        s, e = _clean_edges(doc, s, e)
        if s >= e or e - s > MAX_DESCRIPTION_TOKENS:
            return
        if any("\n" in doc[k].text for k in range(s, e)):
            return
        if not any(doc[k].pos_ in ("NOUN", "PROPN") for k in range(s, e)):
            return
        core = None
        if s <= head < e and doc[head].pos_ in ("NOUN", "PROPN") and taken[head] < 0:
            core = (doc[s].idx, doc[head].idx + len(doc[head].text))
        out.append((text[doc[s].idx : doc[e - 1].idx + len(doc[e - 1].text)], core))

    span_tokens = range(m.tstart, m.end)
    head = doc[m.head]
    # apposition after the name: "X, the secretary general of Y"
    for tok in span_tokens:
        for child in doc[tok].children:
            if (
                child.dep_ == "appos"
                and child.i >= m.end
                and child.left_edge.i in (m.end, m.end + 1)
                and doc[m.end].text in (",", "(", "—", "–")
                and child.pos_ == "NOUN"
                and taken[child.i] < 0
            ):
                add(child.left_edge.i, child.right_edge.i + 1, child.i)
    # the name is the apposition: "Secretary General of the Badr Organization Hadi al-Amiri"
    gov = head.head
    if head.dep_ == "appos" and not (m.tstart <= gov.i < m.end) and gov.pos_ in ("NOUN", "PROPN") and taken[gov.i] < 0:
        a, b = (gov.left_edge.i, m.tstart) if gov.i < m.tstart else (m.end, gov.right_edge.i + 1)
        between = doc[gov.i + 1 : m.tstart] if gov.i < m.tstart else doc[m.end : gov.i]
        near = all(t.text in (",", "(", "—", "–") for t in between)
        clean = not any(t.text in (":", ";", '"', "“", "”") or "\n" in t.text for t in doc[a:b])
        if clean and (near or gov.lower_ in _role_lasts()):
            add(a, b, gov.i)
    # a role phrase opening the sentence, then the name: "A spokeswoman for the League, Mira Justen, said"
    if not out and m.tstart >= 2 and doc[m.tstart - 1].text == "," and m.end < len(doc) and doc[m.end].text in (",", "said"):
        sent_start = doc[m.tstart].sent.start
        first = sent_start
        while first < m.tstart and (doc[first].is_punct or doc[first].is_space):
            first += 1
        phrase = doc[first : m.tstart - 1]
        if 0 < len(phrase) <= 12 and not any(t.pos_ in ("VERB", "AUX") or (t.is_punct and t.text not in "-’'") for t in phrase):
            roles = [t for t in phrase if t.pos_ == "NOUN" and t.lower_ in _role_lasts()]
            if roles and roles[0].i - first <= 3:
                add(first, m.tstart - 1, roles[0].i)
    # pre-modifiers: "PMU head X", "prominent Shia cleric Grand Ayatollah X"
    j = m.tstart - 1
    if j >= 0:
        prev = doc[j]
        if (
            prev.pos_ == "NOUN"
            and prev.text.islower()
            and prev.is_alpha
            and (prev.lower_ in _role_lasts() or (prev.head.i in span_tokens and prev.dep_ in ("compound", "nmod", "amod")))
        ):
            k = j
            sent_start = prev.sent.start
            while k - 1 >= sent_start:
                t = doc[k - 1]
                if t.is_space or "\n" in t.text:
                    break
                if t.pos_ in ("NOUN", "ADJ", "PROPN", "NUM") or (t.text in ("-", "‑") and _glued(t, doc[k])):
                    k -= 1
                elif t.text in POSSESSIVE and k - 2 >= sent_start and doc[k - 2].pos_ in ("PROPN", "NOUN"):
                    k -= 1
                else:
                    break
                if j - k >= 8:
                    break
            add(k, j + 1)
    return out


def _roles_of(description: str) -> set[str]:
    """Role nouns of a description: its head before 'of'/'for', longest lexicon match first."""
    words = [w.strip(",.;:").replace("’", "'") for w in description.lower().split()]
    for stop in ("of", "for", "at", "in", "with", "from", "who", "that", "on"):
        if stop in words:
            words = words[: words.index(stop)]
    words = [w[:-2] if w.endswith("'s") else w for w in words if w]
    if not words:
        return set()
    roles = lexicons.role_nouns()
    for n in range(min(4, len(words)), 1, -1):
        cand = " ".join(words[-n:])
        if cand in roles:
            return {cand}
    return {words[-1]}


# ---------------------------------------------------------------- coreference


@dataclass
class _State:
    last_tok: int = -1
    last_sent: int = -1
    last_par: int = -1
    subject: bool = False  # the last mention was a subject
    subj_sent: int = -99  # sentence of the last subject mention
    speaker_sent: int = -99  # sentence of the last mention as subject of a speech verb
    count: int = 0


def _subject_of(tok: Token) -> Token | None:
    """The verb ``tok`` is the subject of (through an apposition), else None."""
    if tok.dep_ == "appos":
        tok = tok.head
    return tok.head if tok.dep_ in SUBJECT_DEPS else None


def _is_speech_subject(tok: Token) -> bool:
    verb = _subject_of(tok)
    return verb is not None and verb.lemma_.lower() in _speech_verbs()


def _participle_intro(doc: Doc, tok: Token) -> int:
    """Start of a sentence-opening participle phrase ending in a comma just before ``tok``, else -1."""
    if tok.i == 0 or doc[tok.i - 1].text != ",":
        return -1
    first = tok.sent[0]
    k = first.i
    while k < tok.i and (doc[k].is_space or doc[k].is_punct):
        k += 1
    if k >= tok.i:
        return -1
    word = doc[k]
    if word.tag_ in ("VBG", "VBN") or (word.is_alpha and word.lower_.endswith("ing") and len(word) > 5):
        return k
    return -1


def _definite_descriptions(
    doc: Doc, taken: list[int], mentions: list[Mention], all_roles: set[str]
) -> list[tuple[int, int, str]]:
    """(start token, end token, role) of 'the [modifiers] ROLE' noun phrases."""
    out = []
    for tok in doc:
        if tok.pos_ != "NOUN" or tok.tag_ not in ("NN",) or taken[tok.i] >= 0:
            continue
        lower = tok.lower_
        prev = doc[tok.i - 1].lower_ if tok.i > 0 else ""
        role = f"{prev} {lower}" if f"{prev} {lower}" in all_roles else lower if lower in all_roles else ""
        if not role:
            continue
        if tok.dep_ == "appos" or any(c.dep_ in ("appos", "relcl", "acl") for c in tok.children):
            continue
        if any(c.dep_ == "prep" and c.lower_ in ("of", "for") for c in tok.children):
            continue
        dets = [c for c in tok.children if c.dep_ == "det" and c.lower_ == "the" and c.i < tok.i]
        if not dets:
            continue
        s = dets[0].i
        if any(
            doc[k].pos_ not in ("DET", "ADJ", "NOUN", "PROPN", "ADV", "PUNCT")
            or (taken[k] >= 0 and mentions[taken[k]].kind == "PERSON")
            for k in range(s + 1, tok.i)
        ):
            continue
        nxt = tok.i + 1
        while nxt < len(doc) and doc[nxt].text in POSSESSIVE:
            nxt += 1
        if nxt < len(doc) and (taken[nxt] >= 0 or (doc[nxt].text == "," and nxt + 1 < len(doc) and taken[nxt + 1] >= 0)):
            continue  # an apposition or pre-modifier of a name, not a reference back
        out.append((s, tok.i + 1, role))
    return out


def _resolve(
    doc: Doc,
    clusters: list[Cluster],
    mentions: list[Mention],
    taken: list[int],
    par_starts: list[int],
) -> None:
    sent_of = [0] * len(doc)
    for si, sent in enumerate(doc.sents):
        for k in range(sent.start, sent.end):
            sent_of[k] = si

    def par_of(tok_i: int) -> int:
        return bisect.bisect_right(par_starts, doc[tok_i].idx) - 1

    all_roles: set[str] = set()
    for c in clusters:
        all_roles |= c.roles
    events: list[tuple[int, int, object]] = []
    for m in mentions:
        events.append((m.start, 1, m))
    pronouns = lexicons.pronouns()
    for tok in doc:
        if tok.lower_ in pronouns and tok.pos_ == "PRON" and taken[tok.i] < 0:
            events.append((tok.i, 0, tok))
    for s, e, role in _definite_descriptions(doc, taken, mentions, all_roles):
        events.append((s, 2, (s, e, role)))
    events.sort(key=lambda ev: (ev[0], ev[1]))

    state: "OrderedDict[int, _State]" = OrderedDict()

    def touch(c: int, head: Token) -> None:
        st = state.pop(c, None) or _State()
        st.last_tok = head.i
        st.last_sent = sent_of[head.i]
        st.last_par = par_of(head.i)
        st.subject = _subject_of(head) is not None
        if st.subject:
            st.subj_sent = st.last_sent
        if _is_speech_subject(head):
            st.speaker_sent = st.last_sent
        st.count += 1
        state[c] = st

    for pos, kind, obj in events:
        if kind == 1:
            m = obj  # type: ignore[assignment]
            assert isinstance(m, Mention)
            touch(m.entity, doc[m.head])
            continue
        if kind == 2:
            s, e, role = obj  # type: ignore[misc]
            par = par_of(s)
            for c in reversed(state):
                st = state[c]
                if st.last_par < par - DESCRIPTION_PARAGRAPHS + 1:
                    break
                if role in clusters[c].roles:
                    clusters[c].extra.append((doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)))
                    touch(c, doc[e - 1])
                    break
            continue
        tok = obj
        assert isinstance(tok, Token)
        gender, number = pronouns[tok.lower_]
        si, par = sent_of[tok.i], par_of(tok.i)
        # a main-clause subject pronoun seldom points at a non-subject of its own sentence
        main_subj = tok.dep_ in SUBJECT_DEPS and tok.head.dep_ in ("ROOT", "parataxis")
        # "Addressing X, he said": X sits in an introductory participle phrase
        intro = _participle_intro(doc, tok)
        speech = _is_speech_subject(tok)
        best, best_score = -1, 0.0
        for c in reversed(state):
            st = state[c]
            if st.last_par < par - PRONOUN_PARAGRAPHS + 1:
                break
            cl = clusters[c]
            if number == "sg":
                if cl.kind != "PERSON" or (cl.gender and gender and cl.gender != gender):
                    continue
            else:
                # plural: only the group that was the last thing named, as a subject
                if c != next(reversed(state)) or cl.kind not in ("GROUP", "ORG") or not st.subject or si - st.last_sent > 1:
                    continue
                if cl.kind == "ORG" and not cl.words[-1].endswith("s"):
                    continue
            score = float(si - st.last_sent)
            if intro >= 0 and intro <= st.last_tok < tok.i:
                score += 2.5
            elif st.last_sent == si and main_subj and not st.subject:
                # '"... X ...," he said': a speaker is not named inside their own words
                score += 2.5 if speech else 0.5
            if st.subj_sent >= si - 1:
                score -= 0.8
            if speech and st.speaker_sent >= si - 2:
                score -= SPEAKER_RECENT
            elif speech and st.speaker_sent >= 0:
                score -= SPEAKER_EARLIER  # "he said" in news mostly points at someone already quoted
            score -= 0.1 * min(st.count, 5)  # the article's main people stay salient
            if best < 0 or score < best_score:
                best, best_score = c, score
        if best < 0:
            continue
        if number == "pl":
            rivals = [c for c in state if c != best and clusters[c].kind in ("GROUP", "ORG") and state[c].last_sent >= si - 1]
            if rivals:
                continue  # two plural candidates: leave it
        cl = clusters[best]
        if gender and not cl.gender and number == "sg":
            cl.gender = gender
        cl.extra.append((tok.idx, tok.idx + len(tok.text)))
        touch(best, tok)


# ---------------------------------------------------------------- assembly


def _shown_gender(text: str, c: Cluster, spans: list[tuple[int, int]]) -> Optional[Gender]:
    """The gender the article itself shows for a person: pronouns resolved to them, titles
    written with the name, gendered role nouns describing them (never a guess from a first
    name). None when nothing shows it or the signs disagree evenly."""
    votes = {"m": 0, "f": 0}
    pronouns = lexicons.pronouns()
    for s, e in spans:
        p = pronouns.get(text[s:e].lower())
        if p is not None and p.gender in votes:
            votes[p.gender] += 1
    for m in c.mentions:
        if m.title_gender in votes:
            votes[m.title_gender] += 1
    roles = lexicons.role_nouns()
    for r in c.roles:
        if roles.get(r, "") in votes:
            votes[roles[r]] += 1
    if votes["m"] == votes["f"]:
        return None
    return lexicons.GENDER_NAMES["m" if votes["m"] > votes["f"] else "f"]


def _canonical(doc: Doc, c: Cluster) -> str:
    best = None
    best_key: tuple = ()
    counts: dict[str, int] = {}
    for m in c.mentions:
        counts[m.name] = counts.get(m.name, 0) + 1
    for m in c.mentions:
        if m.label == "ACRONYM":
            continue
        key = (len(m.words), len(m.name), not m.name.isupper(), not doc[m.tstart].is_sent_start, counts[m.name], -m.start)
        if best is None or key > best_key:
            best, best_key = m.name, key
    return best or c.mentions[0].name


def run(ctx) -> list[Entity]:
    doc: Doc = ctx.doc
    text: str = doc.text
    if len(doc) == 0:
        return []
    mentions = _candidates(doc)
    taken = [-1] * len(doc)
    for i, m in enumerate(mentions):
        for k in range(m.start, m.end):
            taken[k] = i
    mentions = _finish(doc, text, mentions, taken)
    taken = [-1] * len(doc)
    for i, m in enumerate(mentions):
        for k in range(m.tstart, m.end):
            taken[k] = i
    clusters = _cluster(doc, mentions)
    for c in clusters:
        c.kind = _cluster_kind(c)
    _repair_lists(doc, clusters, mentions)
    lines = _title_lines(text)
    headline = [bool(lines) and bool(c.kind) and _headline_only(text, c, lines) for c in clusters]
    if any(headline):
        _shrink_headline_names(doc, clusters, headline)
    for c, junk in zip(clusters, headline):
        # a voteless name (WORK_OF_ART/PRODUCT label, no org head, no list) and headline junk go
        if not c.kind or junk:
            for m in c.mentions:
                m.entity = -1
            c.mentions = []
        elif c.kind not in ("PERSON", "ORG", "PLACE", "GROUP"):
            c.kind = "OTHER"
    mentions = [m for m in mentions if m.entity >= 0]
    taken = [-1] * len(doc)
    for i, m in enumerate(mentions):
        for k in range(m.tstart, m.end):
            taken[k] = i
    _missed_mentions(doc, clusters, mentions, taken)
    mentions.sort(key=lambda m: m.start)
    taken = [-1] * len(doc)
    for i, m in enumerate(mentions):
        for k in range(m.tstart, m.end):
            taken[k] = i
    # type, gender, descriptions and roles per entity
    for c in clusters:
        for m in c.mentions:
            c.gender = c.gender or m.gender
            for role in m.title_roles:
                if role:
                    c.roles.add(role)
            if c.kind in ("PERSON", "ORG", "GROUP"):
                for d, core in _describe(doc, text, m, taken, mentions):
                    if d not in c.descriptions:
                        c.descriptions.append(d)
                    if core is not None:
                        c.extra.append(core)
        for d in c.descriptions:
            roles = _roles_of(d)
            c.roles |= roles
            if not c.gender and c.kind == "PERSON":
                for r in roles:
                    g = lexicons.role_nouns().get(r, "")
                    if g:
                        c.gender = g
                        break
    par_starts = [s for s, _ in (ctx.analysis.document.paragraphs or [])] if ctx.analysis is not None else []
    if not par_starts or par_starts[0] > 0:
        par_starts = [0] + par_starts
    _resolve(doc, clusters, mentions, taken, par_starts)
    # assemble in order of first mention
    built = []
    for c in clusters:
        if not c.mentions:
            continue
        spans = sorted({m.span for m in c.mentions} | set(c.extra))
        aliases: list[str] = []
        for m in sorted(c.mentions, key=lambda m: m.span):
            alias = text[m.span[0] : m.span[1]]
            if alias not in aliases:
                aliases.append(alias)
        built.append((spans[0], c, spans, aliases))
    built.sort(key=lambda b: b[0])
    out = []
    for i, (_, c, spans, aliases) in enumerate(built, 1):
        out.append(
            Entity(
                id=f"E{i}",
                name=_canonical(doc, c),
                type=c.kind if c.kind in ("PERSON", "ORG", "PLACE", "GROUP", "OTHER") else "OTHER",
                aliases=aliases,
                descriptions=c.descriptions,
                mentions=[tuple(s) for s in spans],
                gender=_shown_gender(text, c, spans) if c.kind == "PERSON" else None,
            )
        )
    return out

