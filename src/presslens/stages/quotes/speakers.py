"""Speakers: the noun phrase a cue names, mapped to the entities stage's entities."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Doc, Token

from ...lexicons import GENDER_NAMES, pronouns
from ...model import Entity, Speaker
from ...tokens import token_index
from ._common import GROUP_PRONOUNS, PERSON_PRONOUNS, QUANTIFIERS, Lexicons, Span, np_span


_GENDER_CODE = {name: code for code, name in GENDER_NAMES.items()}  # the entity's gender as m / f


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
        lo, hi = np_span(head)
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
        if ent is not None and not (ent.type != "PERSON" and low in PERSON_PRONOUNS):
            return self._with_entity(r, ent)
        if low in PERSON_PRONOUNS:
            r.kind = "person"
            p = pronouns().get(low)
            r.gender = p.gender if p is not None and p.gender else None
            target = self._pronoun_target(r.gender, head.idx)
            if target is not None:
                r.entity, r.name, r.gender = target.entity, target.name, target.gender or r.gender
            return r
        if low in GROUP_PRONOUNS:
            r.kind = "group"
            g = self.last_group
            if g is not None and g.span is not None and 0 <= self.sent_of(span[0]) - self.sent_of(g.span[0]) <= 1:
                # "Resistance factions have maintained ..., and they insist ...": they = the factions
                r.entity, r.name = g.entity, g.name or g.text
            return r
        noun = head
        if (low in QUANTIFIERS or head.pos_ in ("NUM", "PRON")) :
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
        elif r.kind in ("group", "organization") and r.text is not None and r.text.lower() not in GROUP_PRONOUNS:
            self.last_group = r


def _compatible(a: Optional[str], b: Optional[str]) -> bool:
    return a is None or b is None or a == b
