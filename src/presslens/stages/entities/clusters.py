"""Clusters: mentions of one entity grouped (full names, surnames, acronyms, parts of organisation names), their type repaired and headline-only names dropped."""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc, Token

from ... import lexicons
from ._common import Cluster, Mention, acronym_key, glued, initials, is_cap, is_particle, particles


def _core(word: str) -> str:
    """A name word without particles: 'al-sistani' -> 'sistani'."""
    parts = word.split("-")
    while len(parts) > 1 and parts[0] in particles():
        parts = parts[1:]
    return "-".join(parts)


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
            for w in {m.words[0], m.words[-1]} - particles():
                lst = self.org_parts.setdefault(w, [])
                if c not in lst:
                    lst.append(c)
        if m.kind in ("ORG", "PLACE", "OTHER", "GROUP") and len(m.words) >= 2:
            ini = initials(m.words)
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
                key = acronym_key(doc[m.end + 1].text)
                if key:
                    self.acronyms[key] = m.entity
                    self.clusters[m.entity].acronym = key

    def one_word(self, mentions: list[Mention]) -> None:
        """Pass 2: one-word names in reading order: acronyms, surnames, organisation parts, first names."""
        for m in mentions:
            if m.entity >= 0:
                continue
            key = self.key_of(m)
            acr = acronym_key(m.name)
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


def cluster_mentions(doc: Doc, mentions: list[Mention]) -> list[Cluster]:
    clusterer = _Clusterer()
    multi = [m for m in mentions if len(m.words) >= 2]
    multi.sort(key=lambda m: (-len(m.words), m.start))
    clusterer.several_words(multi)
    clusterer.explicit_acronyms(doc, multi)
    clusterer.one_word(mentions)
    clusterer.name_acronyms()
    return clusterer.clusters


def missed_mentions(doc: Doc, clusters: list[Cluster], mentions: list[Mention], taken: list[int]) -> None:
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
            if not acronym_key(c.mentions[0].name) and c.words[0] not in by_surname:
                by_surname[c.words[0]] = [i]
    if not by_acronym and not by_surname:
        return
    n = len(doc)
    for tok in doc:
        i = tok.i
        if taken[i] >= 0 or not is_cap(tok):
            continue
        entity, start = -1, i
        key = acronym_key(tok.text)
        cands = by_surname.get(lexicons.norm_word(tok.text), [])
        if key and key in by_acronym:
            entity, label = by_acronym[key], "ACRONYM"
        elif cands and (tok.pos_ == "PROPN" or not tok.is_sent_start):
            if i + 1 < n and is_cap(doc[i + 1]) and doc[i + 1].pos_ == "PROPN":
                continue  # part of another name
            # "al-Nasiri" written as al, -, Nasiri
            if i >= 2 and doc[i - 1].text == "-" and is_particle(doc[i - 2]) and glued(doc[i - 2], doc[i - 1]) and glued(doc[i - 1], tok):
                start = i - 2
            elif i >= 1 and is_cap(doc[i - 1]) and doc[i - 1].pos_ == "PROPN":
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


LOCATIVE_PREPS = frozenset({"in", "across", "throughout", "near", "into", "around", "outside", "inside", "within"})
TITLE_LINE_SMALL = frozenset(
    {"a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "by", "with", "from", "as", "vs", "via", "into", "over", "after", "amid"}
)
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def cluster_kind(c: Cluster) -> str:
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


def repair_lists(doc: Doc, clusters: list[Cluster], mentions: list[Mention]) -> None:
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


def title_lines(text: str) -> list[tuple[int, int]]:
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


def headline_only(text: str, c: Cluster, lines: list[tuple[int, int]]) -> bool:
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


def shrink_headline_names(doc: Doc, clusters: list[Cluster], headline: list[bool]) -> None:
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
