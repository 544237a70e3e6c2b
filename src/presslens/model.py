"""The analysis contract (`presslens.analysis/1`; every field is explained in docs/contract.md).

Every layer speaks these types: stages fill parts of `Analysis`, renderers, CLI and
web read it. Spans are `(start, end)` character offsets into `Document.text`.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "presslens.analysis/1"

Span = tuple[int, int]

EntityType = Literal["PERSON", "ORG", "PLACE", "GROUP", "OTHER"]
QuoteKind = Literal["direct", "indirect", "mixed"]
SpeakerKind = Literal["person", "organization", "group", "document", "unknown"]
Severity = Literal["info", "warning"]
Stance = Literal["favourable", "critical", "neutral", "unknown"]
# How a cue reports its content: speech (said, told, according to), evidence (a study showed,
# police found) or belief (believes, hopes, feels). Only speech cues make quotes in the strict sense.
CueKind = Literal["speech", "evidence", "belief"]
CUE_KINDS: tuple[str, ...] = CueKind.__args__  # type: ignore[attr-defined]
Gender = Literal["female", "male"]

# The 18 PLOVER event types (the PLOVER codebook's spelling).
EventType = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "INVESTIGATE", "DEMAND",
    "DISAPPROVE", "REJECT", "THREATEN", "PROTEST", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT", "FIGHT",
]
EVENT_TYPES: tuple[str, ...] = EventType.__args__  # type: ignore[attr-defined]

# What the checks stage can report.
CheckKind = Literal["quantity_conflict", "date_conflict", "unattributed_claim", "title_body_mismatch"]
CHECK_KINDS: tuple[str, ...] = CheckKind.__args__  # type: ignore[attr-defined]

TechniqueLabel = Literal[
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
]
TECHNIQUES: tuple[str, ...] = TechniqueLabel.__args__  # type: ignore[attr-defined]


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Document(Part):
    id: str
    text: str
    title: Optional[str] = None
    title_span: Optional[Span] = None
    url: Optional[str] = None
    source: Optional[str] = None
    author: Optional[str] = None
    published: Optional[str] = None
    language: str = "en"
    # Where the text came from (file path, "path#line 3", URL, "<stdin>"); added within version 1.
    origin: Optional[str] = None
    paragraphs: list[Span] = Field(default_factory=list)
    sentences: list[Span] = Field(default_factory=list)


class Entity(Part):
    id: str
    name: str
    type: EntityType
    aliases: list[str] = Field(default_factory=list)
    descriptions: list[str] = Field(default_factory=list)
    mentions: list[Span] = Field(default_factory=list)
    # Added within version 1: only where the text shows it (pronouns used for it, Mr./Mrs.).
    gender: Optional[Gender] = None


class Speaker(Part):
    text: Optional[str] = None
    span: Optional[Span] = None
    entity: Optional[str] = None
    name: Optional[str] = None
    kind: SpeakerKind = "unknown"


class Cue(Part):
    text: str
    span: Span
    kind: CueKind = "speech"  # added within version 1


class Quote(Part):
    id: str
    kind: QuoteKind
    text: str
    span: Span
    speaker: Speaker = Field(default_factory=Speaker)
    cue: Optional[Cue] = None


class Quantity(Part):
    text: str
    span: Span
    value: Optional[float] = None
    low: Optional[float] = None
    high: Optional[float] = None
    approximate: bool = False
    counted: Optional[str] = None
    unit: Optional[str] = None
    # Fields added within schema version 1 (docs/contract.md: fields may be added, never renamed).
    kind: Literal["count", "ordinal", "duration", "percent", "money", "measure", "year", "other"] = "count"
    counted_span: Optional[Span] = None


class Trigger(Part):
    text: str
    span: Span


class Participant(Part):
    text: str
    entity: Optional[str] = None
    # Added within schema version 1: where the participant is named (null if implied).
    span: Optional[Span] = None


class EventDate(Part):
    text: str
    value: Optional[str] = None
    span: Optional[Span] = None  # added within version 1


class EventSize(Part):
    text: str
    value: Optional[float] = None
    span: Optional[Span] = None  # added within version 1


class Event(Part):
    # "V1", "V2", ... (added within version 1, so checks and reports can point at an event)
    id: Optional[str] = None
    type: str
    trigger: Trigger
    actors: list[Participant] = Field(default_factory=list)
    targets: list[Participant] = Field(default_factory=list)
    location: Optional[Participant] = None
    date: Optional[EventDate] = None
    size: Optional[EventSize] = None
    # The id of the quote that reports this event, or null when the author asserts it.
    attributed_to: Optional[str] = None
    # Added within schema version 1: the triggers of every report of this one event, the first
    # included, when the article reports it more than once ("held a march" ... "the march ended");
    # empty when it is reported once.
    mentions: list[Span] = Field(default_factory=list)


class Technique(Part):
    technique: str
    span: Span
    text: str
    confidence: float
    explanation: str
    method: Literal["model", "rule"]
    # Added within version 1: the id of the quote the span sits in, or null for the author's own words.
    attributed_to: Optional[str] = None


class Check(Part):
    kind: str
    severity: Severity
    message: str
    evidence: list[Span] = Field(default_factory=list)


class ActorStance(Part):
    """A voice's stance toward one of the article's main actors (added within version 1)."""

    entity: str  # the main actor's entity id (see Sourcing.main_actors)
    name: str
    stance: Stance
    score: Optional[float] = None  # summed sentence scores; null when the voice is this actor
    evidence: list[Span] = Field(default_factory=list)  # the quote sentences that were scored


class Voice(Part):
    name: Optional[str] = None
    entity: Optional[str] = None
    kind: SpeakerKind = "unknown"
    quotes: int = 0
    words: int = 0
    stance: Stance = "unknown"
    # Added within schema version 1.
    role: Optional[str] = None  # e.g. "the secretary general of ..." when the text gives one
    quote_ids: list[str] = Field(default_factory=list)
    mentions: list[Span] = Field(default_factory=list)  # where this voice is named as a speaker
    stances: list[ActorStance] = Field(default_factory=list)  # added within version 1: per main actor


class Sourcing(Part):
    voices: list[Voice] = Field(default_factory=list)
    quoted_share: float = 0.0
    one_sided: Optional[bool] = None
    summary: str = ""
    main_actors: list[str] = Field(default_factory=list)  # added within version 1: entity ids stances refer to


class Analysis(Part):
    schema_: str = Field(default=SCHEMA_VERSION, alias="schema")
    document: Document
    entities: list[Entity] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    techniques: list[Technique] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    sourcing: Optional[Sourcing] = None
    # Non-fatal problems met while analysing (e.g. "PL201: text does not look English").
    warnings: list[str] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    def entity(self, entity_id: str | None) -> Entity | None:
        if entity_id is None:
            return None
        for ent in self.entities:
            if ent.id == entity_id:
                return ent
        return None

    def findings(self) -> list[tuple[str, Span, str]]:
        """Every (layer, span, reported text) pair, for span-truth checks."""
        out: list[tuple[str, Span, str]] = []
        text = self.document.text
        for q in self.quotes:
            out.append(("quote", q.span, q.text))
            if q.speaker.span is not None and q.speaker.text is not None:
                out.append(("speaker", q.speaker.span, q.speaker.text))
            if q.cue is not None:
                out.append(("cue", q.cue.span, q.cue.text))
        for n in self.quantities:
            out.append(("quantity", n.span, n.text))
        for t in self.techniques:
            out.append(("technique", t.span, t.text))
        for e in self.events:
            out.append(("event", e.trigger.span, e.trigger.text))
            parts = [*e.actors, *e.targets, e.location, e.date, e.size]
            for part in parts:
                if part is not None and part.span is not None:
                    out.append(("event part", part.span, part.text))
        for c in self.checks:
            for s, e in c.evidence:
                out.append(("check evidence", (s, e), text[s:e]))
        if self.sourcing is not None:
            for v in self.sourcing.voices:
                for s, e in v.mentions:
                    out.append(("voice", (s, e), text[s:e]))
        for ent in self.entities:
            for s, e in ent.mentions:
                out.append(("mention", (s, e), text[s:e]))
        if self.document.title is not None and self.document.title_span is not None:
            out.append(("title", self.document.title_span, self.document.title))
        return out


class Article(Part):
    """What ingest hands the pipeline: the text to analyse and what is known about it."""

    text: str
    title: Optional[str] = None
    title_span: Optional[Span] = None
    url: Optional[str] = None
    source: Optional[str] = None
    author: Optional[str] = None
    published: Optional[str] = None
    # Where it came from: a path, a URL, "path#line 3" for a record, "<stdin>".
    origin: Optional[str] = None
    warnings: list[str] = Field(default_factory=list)
