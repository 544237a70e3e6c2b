"""Candidates: name mentions from the NER spans and the capitalised words around them, trimmed, split and typed by their votes."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from ... import lexicons
from ._common import (
    POSSESSIVE,
    SUBJECT_DEPS,
    Mention,
    acronym_key,
    given_gender,
    glued,
    initials,
    is_cap,
    is_particle,
    match_title_at,
    match_title_before,
    name_token,
    org_keywords,
    people_nouns,
    place_keywords,
    role_lasts,
    title_info,
    title_key,
)


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
LEADING_DROP = frozenset({"the", "a", "an"})
_CONTRACTION = re.compile(r"['’](?:d|m|ll|re|ve)\b")


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
        or (e - 1 > s and doc[e - 1].is_alpha and doc[e - 1].text.islower() and not is_particle(doc[e - 1]))
    ):
        e -= 1
    return s, e


def _extend(doc: Doc, s: int, e: int, taken: list[int]) -> tuple[int, int]:
    n = len(doc)
    # right: "-Haq", "bin Laden"
    while e + 1 < n and taken[e] < 0 and taken[e + 1] < 0:
        a, b = doc[e], doc[e + 1]
        if a.text in ("-", "‑") and glued(doc[e - 1], a) and glued(a, b) and b.is_alpha and is_cap(b):
            e += 2
        elif is_particle(a) and a.text[0].islower() and is_cap(b) and b.pos_ == "PROPN":
            e += 2
        else:
            break
    # left: particles ("al-", "abu") and given names tied to the name by the parse
    while s > 0 and taken[s - 1] < 0:
        p = doc[s - 1]
        if p.text in ("-", "‑") and s >= 2 and glued(doc[s - 2], p) and glued(p, doc[s]) and is_particle(doc[s - 2]):
            s -= 2
        elif is_particle(p) and p.text[0].islower() and not glued(p, doc[s]) and p.pos_ == "PROPN":
            s -= 1
        elif (
            p.pos_ == "PROPN"
            and is_cap(p)
            and all(ch.isalpha() or ch in "'’" for ch in p.text)
            and p.dep_ == "compound"
            and s <= p.head.i < e
            and match_title_before(doc, s, s - 1) == 0
            and p.lower_ not in org_keywords()
        ):
            s -= 1
        else:
            break
    return s, e


def _split(doc: Doc, s: int, e: int) -> list[tuple[int, int, str]]:
    """Cut spans that NER fused: "Green Party's Jill Stein", "X University on Long Island",
    "the Badr Organization Hadi al-Amiri"."""
    orgs = org_keywords()
    for k in range(s + 1, e - 1):
        tok = doc[k]
        if tok.text in POSSESSIVE and is_cap(doc[k + 1]):
            right = _trim(doc, k + 1, e)
            label = "PERSON" if right[1] - right[0] >= 2 else ""
            return [(s, k, ""), (right[0], right[1], label)]
        if tok.lower_ in ("in", "on", "at", "near") and doc[k - 1].lower_ in orgs and is_cap(doc[k + 1]):
            return [(s, k, "ORG"), (k + 1, e, "GPE")]
    return _split_at_org_head(doc, s, e)


def _split_at_org_head(doc: Doc, s: int, e: int) -> list[tuple[int, int, str]]:
    orgs = org_keywords()
    for k in range(s, e - 1):
        if doc[k].lower_ in orgs and is_cap(doc[k]) and is_cap(doc[k + 1]) and doc[k + 1].pos_ == "PROPN":
            rest = doc[k + 1 : e]
            if len(rest) >= 2 and not any(t.lower_ in orgs for t in rest) and all(name_token(t) or t.text in "-'’" for t in rest):
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


def find_candidates(doc: Doc) -> list[Mention]:
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
        if doc[i].text != "(" or doc[i + 2].text != ")" or not acronym_key(doc[i + 1].text):
            continue
        k = i
        while k - 1 >= 0 and taken[k - 1] < 0 and (
            (is_cap(doc[k - 1]) and doc[k - 1].is_alpha) or (doc[k - 1].lower_ in ("of", "for", "and", "on", "the") and k < i)
        ):
            k -= 1
            if doc[k].is_sent_start:
                break
        while k < i and not (is_cap(doc[k]) and doc[k].lower_ not in LEADING_DROP):
            k += 1
        if i - k >= 2 and initials([t.lower_ for t in doc[k:i]])[:1] == doc[i + 1].text[:1].lower():
            for t in range(k, i):
                taken[t] = len(out)
            out.append(Mention(start=k, end=i, tstart=k, label="ORG"))
    # names that NER missed but a title announces: "Gen. Soleimani"
    i = 0
    while i < n:
        if taken[i] >= 0:
            i += 1
            continue
        tl = match_title_at(doc, i, n)
        if tl == 0:
            i += 1
            continue
        j = i + tl
        k = j
        while k < n and taken[k] < 0 and (name_token(doc[k]) or (doc[k].text == "-" and k > j and glued(doc[k - 1], doc[k]))):
            if match_title_at(doc, k, n):
                break
            k += 1
        while k > j and not is_cap(doc[k - 1]):
            k -= 1
        if k > j and doc[k - 1].lower_ not in org_keywords() and doc[j].pos_ == "PROPN":
            for t in range(i, k):
                taken[t] = len(out)
            out.append(Mention(start=j, end=k, tstart=j, label="TITLE"))
            i = k
        else:
            i = j
    out.sort(key=lambda m: m.start)
    return out


def finish_mentions(doc: Doc, text: str, mentions: list[Mention], taken: list[int]) -> list[Mention]:
    """Titles, type votes, surface forms; drops junk."""
    orgs = org_keywords()
    kept: list[Mention] = []
    suspects: set[int] = set()  # ids of one-word mentions the tagger read as a verb or function word
    absorbed: set[int] = set()  # ids of names that turned out to sit inside a title
    sent_end: list[int] | None = None
    for m in mentions:
        weak = m.label in WEAK_LABELS
        # titles inside the span (PERSON spans, or abbreviations with a dot)
        while m.start < m.end - 1:
            tl = match_title_at(doc, m.start, m.end - 1)
            if not tl or not (m.label in ("PERSON", "TITLE") or doc[m.start + tl - 1].text.endswith(".")):
                break
            role, gender = title_info(doc, m.start, m.start + tl)
            m.title_roles.append(role)
            m.gender = m.gender or gender
            m.title_gender = m.title_gender or gender
            m.start += tl
        # titles written before it
        while True:
            tl = match_title_before(doc, m.tstart, 0)
            if not tl:
                break
            inner = {taken[k] for k in range(m.tstart - tl, m.tstart) if taken[k] >= 0}
            if inner:
                # "Secretary of State X": a name inside a title of several words is part of it
                if len(title_key(doc, m.tstart - tl, m.tstart)) < 3 or any(
                    mentions[j].start < m.tstart - tl or mentions[j].end > m.tstart for j in inner
                ):
                    break
                absorbed |= {id(mentions[j]) for j in inner}
            role, gender = title_info(doc, m.tstart - tl, m.tstart)
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
        if surface[0].islower() and not is_particle(first):
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
        elif is_cap(last) and last.lower_ in orgs:
            m.vote("ORG", 3.0)
            m.strong = True
        elif is_cap(last) and lexicons.norm_word(last.text) in place_keywords() and m.end - m.start > 1 and m.label != "TITLE":
            m.vote("PLACE", 3.0)
            m.strong = True
        elif len(m.words) >= 3 and m.words[0] in orgs and m.words[1] in ("of", "for") and is_cap(first):
            m.vote("ORG", 3.0)  # "School of Advanced Studies", "Center for Tax Policy"
            m.strong = True
        elif m.label not in ("NORP", "GPE", "LOC", "FAC") and _modifies_org_noun(head, m.end):
            # "the Daesh terrorist group": the name qualifies an organisation noun
            m.vote("ORG", 2.0)
            m.strong = m.org_modifier = True
        # a WORK_OF_ART/PRODUCT without an org head stays voteless: kept only if a
        # coordinated list gives it a type ("Homs, Hama, Aleppo and ..."), see repair_lists
        if m.honorific or m.title_roles:
            m.vote("PERSON", 3.0)
            m.strong = True
        if m.tstart > 0:
            prev = doc[m.tstart - 1]
            if prev.pos_ == "NOUN" and prev.lower_ in role_lasts() and prev.text.islower():
                m.vote("PERSON", 2.0)
                m.strong = True
        # "the secretary general of X": X leads nothing, it is led
        if m.label in ("PERSON", "NORP") and head.dep_ == "pobj" and head.head.lower_ in ("of", "for"):
            gov = head.head.head
            if gov.pos_ in ("NOUN", "PROPN") and gov.lower_ in role_lasts() and not (gov.i < m.start and taken[gov.i] >= 0):
                m.vote("ORG", 2.5)
                m.strong = True
        if m.end - m.start >= 2 and m.label in ("PERSON", "NORP", "ORG", "TITLE", *WEAK_LABELS):
            given = given_gender(m.words[0])
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
    if gov.pos_ == "NOUN" and (gov.lemma_.lower() in people_nouns() or gov.lower_ in people_nouns()):
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
