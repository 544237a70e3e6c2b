"""Speakers: the noun phrase a cue names, mapped to the entities stage's entities.

A pronoun speaker ("he said", "they insist") is whoever the entities stage linked it to in
``Entity.mentions`` (that stage resolves pronouns, speaker continuity included); this module
resolves no pronoun itself."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Doc, Token

from ...model import Entity, Speaker
from ...tokens import token_index
from ._common import GROUP_PRONOUNS, PERSON_PRONOUNS, QUANTIFIERS, Lexicons, Span, np_span


@dataclass
class Resolved:
    text: Optional[str] = None
    span: Optional[Span] = None
    entity: Optional[str] = None
    name: Optional[str] = None
    kind: str = "unknown"

    def speaker(self) -> Speaker:
        return Speaker(text=self.text, span=self.span, entity=self.entity, name=self.name, kind=self.kind)  # type: ignore[arg-type]


@dataclass
class EntityIndex:
    by_token: dict[int, Entity] = field(default_factory=dict)
    mention_of: dict[int, Span] = field(default_factory=dict)  # token -> char span of the mention it lies in


_TYPE_KIND = {"PERSON": "person", "ORG": "organization", "GROUP": "group", "PLACE": "organization"}


def _entity_index(doc: Doc, entities: list[Entity]) -> EntityIndex:
    idx = EntityIndex()
    tokens = token_index(doc)
    for ent in entities:
        for s, e in ent.mentions:
            for i in tokens.overlapping(s, e):
                idx.by_token.setdefault(i, ent)
                idx.mention_of.setdefault(i, (s, e))
    return idx


class SpeakerResolver:
    def __init__(self, doc: Doc, text: str, entities: list[Entity], paragraphs: list[Span], lex: Lexicons):
        self.doc, self.text, self.lex = doc, text, lex
        self.index = _entity_index(doc, entities)
        self.para_starts = [s for s, _ in paragraphs] or [0]

    def para_of(self, offset: int) -> int:
        return max(bisect.bisect_right(self.para_starts, offset) - 1, 0)

    @staticmethod
    def _with_entity(r: Resolved, ent: Entity) -> Resolved:
        r.entity = ent.id
        r.name = ent.name
        r.kind = _TYPE_KIND.get(ent.type, "unknown")
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
        r = Resolved(text=self.text[span[0] : span[1]], span=span)
        low = head.lower_
        if ent is not None and not (ent.type != "PERSON" and low in PERSON_PRONOUNS):
            return self._with_entity(r, ent)
        if low in PERSON_PRONOUNS:
            r.kind = "person"  # a pronoun the entities stage left unresolved
            return r
        if low in GROUP_PRONOUNS:
            r.kind = "group"
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
