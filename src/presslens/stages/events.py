"""Events: who did what to whom, where and when, coded into the 18 PLOVER types.

Patterns are data (`resources/lexicons/events_verbs.txt`, `events_nouns.txt`), read once into
lookup tables; the stage makes one pass over the tokens of the shared parse, collecting verbs
and nouns found in the tables, then reads each candidate's arguments off the dependency tree.

- Verbal events: a verb lemma (with its particle or preposition: "call for", "pull out") whose
  conditions hold ("sign" codes AGREE only with an agreement-like object). Actor = subject (or
  the "by" agent of a passive), inherited through coordination, infinitives and participles;
  targets = direct object (or passive subject) and the objects of the pattern's prepositions.
- Light verbs + event nouns: "held a million-man march", "imposed sanctions on X", "opened an
  inquiry into Y". The trigger runs from the verb to the noun; the type is the noun's; the
  actor is the verb's.
- Nominal events: "the U.S. assassination of X", "sanctions against Y", "Saturday's march".
  Actor = possessive, compound name or "by" phrase; target = "of"/"against"/"on" phrase (per
  noun). A bare event noun with no participant, place, date, size or governing verb is not
  reported: a mention of "the war" is not an event a reader can check.
- Documents that call for something ("a bill requiring ...", "a fatwa that called for ...")
  give a DEMAND whose actor is the document's issuer when the text names one.
- Not reported: negated verbs ("did not attack"), events under a modal of possibility or
  a condition ("could attack", "if they attack"), and what is only demanded, threatened,
  promised, refused or planned ("threatened to attack" is THREATEN, not ASSAULT;
  "demanded the withdrawal" is DEMAND, not RETREAT).
- Participants link to an entity when their head word lies in one of its mentions.
  Location: an "in/at/near ..." phrase on the trigger naming a place. Date: a date expression
  hanging from the trigger (`presslens.dates`, resolved against `document.published`). Size:
  a count quantity inside the trigger phrase or the actor ("a million-man march", "thousands
  of protesters"). ``attributed_to``: the quote whose span holds the trigger.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from spacy.tokens import Doc, Token

from .. import dates
from ..model import EVENT_TYPES, Event, EventDate, EventSize, Participant, Quantity, Trigger
from ..pipeline import Context
from ..resources import lexicon
from ..tokens import token_index

name = "events"
requires: tuple[str, ...] = ("entities", "quotes", "quantities")
assigns = "events"

_PLOVER = frozenset(EVENT_TYPES)

# Types under which an embedded event is only wanted, promised or refused, not done.
_NONFACTUAL_HEADS = frozenset({"AGREE", "DEMAND", "THREATEN", "REJECT", "SANCTION", "IRREALIS"})
# Modal auxiliaries of possibility: "could attack" is no attack.
_MODALS = frozenset({"could", "might", "may", "would", "should", "must", "can", "ca", "cannot", "'d"})
# Hostile acts that a speaker says will happen: PLOVER codes them as threats.
_HOSTILE = frozenset({"ASSAULT", "FIGHT", "COERCE", "SANCTION"})
# Speech verbs whose "would" clause is the speaker's future ("said it would supply ...").
_SPEECH_VERBS = frozenset({"say", "announce", "tell", "state", "declare", "warn", "vow", "insist", "confirm",
                           "add", "write", "tweet", "pledge", "promise", "threaten", "signal", "indicate"})
# Types whose size (how many took part) a reader wants to know.
_SIZED = frozenset({"PROTEST", "MOBILIZE", "FIGHT", "ASSAULT"})
# Cooperative acts that, said in the future tense, PLOVER codes as promises (AGREE).
_PROMISABLE = frozenset({"AID", "COOPERATE", "RETREAT", "SUPPORT"})
# Helping acts that, as the purpose of another coded act, are its aim rather than an event.
_HELPING = frozenset({"AID", "SUPPORT", "COOPERATE"})
# Verbs whose subject is the author of the document they govern ("parliament passed a bill").
_ISSUING_VERBS = frozenset({"pass", "issue", "adopt", "sign", "approve", "publish", "release", "send", "write",
                            "draft", "enact", "table", "introduce", "deliver", "announce", "file", "submit", "vote"})
# "the march drew thousands": verbs whose object gives the size of the event that is their subject.
_CROWD_VERBS = frozenset({"draw", "attract", "bring", "gather", "involve", "mobilize", "mobilise"})
# "BAGHDAD –", "GAZA CITY, March 3 (Reuters) -": a place in capitals opening a line, then a dash.
_DATELINE = re.compile(r"(?m)^[ \t]*([A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+){0,3})(?:,[^\n–—-]{1,40})?[ \t]*(?:\([^()\n]{1,40}\)[ \t]*)?[–—-]{1,2}[ \t]")
_DATELINE_WINDOW = 600
_HYPHEN_WORD = re.compile(r"[a-z]+(?:-[a-z]+)+")
# Verbs of promising: promising a hostile act is threatening it ("vowed to attack the convoy").
_PROMISE_VERBS = frozenset({"promise", "pledge", "vow", "swear"})
_WH_WORDS = frozenset({"what", "whatever", "whoever", "whichever"})
_NOT_PARTICIPANTS = frozenset({"ADP", "PART", "PUNCT", "SCONJ", "CCONJ", "DET", "AUX", "VERB", "ADV", "SPACE", "SYM"})
_POSSESSIVE_PRONOUNS = frozenset({"their", "its", "his", "her", "our", "my", "your", "whose"})
# Nouns that carry an event noun in their "of" phrase ("a message of condolence").
_CONTAINER_NOUNS = frozenset({"message", "letter", "note", "statement", "expression", "word", "gesture", "show", "sign", "round", "series", "wave", "day", "campaign"})
# Verbs that say an event noun, their subject, took place ("the march drew thousands", "talks
# resumed", "the bombing killed 12"); a noun subject of any other verb ("the deal was bad") is
# not enough to report an event.
_HAPPENING_VERBS = frozenset({
    "take", "begin", "start", "continue", "end", "erupt", "break", "resume", "draw", "attract", "gather",
    "turn", "enter", "last", "spread", "intensify", "escalate", "kill", "leave", "injure", "wound",
    "paralyse", "paralyze", "shut", "disrupt", "block", "halt", "rock", "hit", "shake", "follow", "mark",
    "coincide", "claim", "destroy", "damage", "conclude", "open", "close", "culminate", "occur", "happen",
    "unfold", "proceed", "stall", "collapse", "bring", "force", "cripple", "target", "rage", "flare",
    "persist", "subside", "erupt", "spill", "engulf", "grip", "sweep",
})
# "drew criticism from X": verbs whose subject receives the event noun their object names.
_RECEIVING_VERBS = frozenset({"draw", "attract", "receive", "face", "earn", "meet", "provoke", "spark", "prompt", "trigger"})
# "gathered for a meeting", "came to the rally": their subject takes part in the event.
_GATHERING_VERBS = frozenset({"gather", "meet", "arrive", "travel", "come", "go", "convene", "assemble", "head", "turn", "flock", "pour", "descend", "fly"})
_NEGATIVE_WORDS = frozenset({"nobody", "nothing", "none", "no-one", "noone"})
_CONDITION_MARKS = frozenset({"if", "unless", "whether", "lest"})
_LOCATION_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "throughout", "around"})
# "descended on Freedom Square", "marched to parliament", "troops moved into the city": where a
# crowd or a force went is where the event took place.
_MOTION_PREPS = frozenset({"on", "into", "to", "through", "onto"})
_PLACE_ENT_TYPES = frozenset({"GPE", "LOC", "FAC"})
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
_QUANTITY_HEADS = frozenset({"thousand", "hundred", "dozen", "million", "score", "ten", "tens", "hundreds", "thousands", "millions", "dozens"})
_NP_LEFT = frozenset({"det", "amod", "compound", "poss", "nummod", "nmod", "quantmod", "predet", "case", "nn"})
_SUBJECTS = frozenset({"nsubj", "csubj"})
_MAX_PHRASE = 12
_MAX_CLIMB = 5
# Noun-event prepositions whose objects are targets, and for which types.
_NOUN_TARGET_PREPS: dict[str, Optional[frozenset[str]]] = {
    "against": None,
    "on": frozenset({"SANCTION", "COERCE", "ASSAULT", "FIGHT", "THREATEN", "DISAPPROVE"}),
    "upon": frozenset({"SANCTION", "COERCE", "ASSAULT", "FIGHT", "THREATEN", "DISAPPROVE"}),
    "into": frozenset({"INVESTIGATE", "FIGHT"}),
    "toward": None,
    "towards": None,
    "with": frozenset({"CONSULT", "COOPERATE", "FIGHT", "AGREE"}),
    "to": frozenset({"AID", "CONCEDE", "DEMAND", "THREATEN", "CONSULT"}),
    "for": frozenset({"SUPPORT", "DEMAND", "AID"}),
}


# --------------------------------------------------------------------------- pattern tables


@dataclass(frozen=True)
class VerbPattern:
    type: str
    obj: Optional[frozenset[str]] = None
    notobj: frozenset[str] = frozenset()
    mil: Optional[str] = None
    target_preps: frozenset[str] = frozenset()
    notx: frozenset[str] = frozenset()
    need_subj: bool = False
    notsubj: frozenset[str] = frozenset()  # not when the doer's head lemma is one of these ("shares rallied")
    need_x: bool = False  # only with an infinitive or clause complement ("asked them to leave")
    need_obj: bool = False  # only with a direct object ("want a pay rise")


@dataclass(frozen=True)
class NounPattern:
    type: str
    mod: Optional[frozenset[str]] = None
    notmod: frozenset[str] = frozenset()
    of_actor: bool = False
    prep: Optional[str] = None
    light: bool = False  # only as the object of a light verb ("staged a strike")
    poss_target: bool = False  # "Steinle's killing": the possessor is the victim
    mil: Optional[str] = None  # type when the actor is a military force


@dataclass(frozen=True)
class Tables:
    verbs: dict[str, tuple[VerbPattern, ...]]
    particles: frozenset[str]  # words that can complete a verb key ("for" in "call for")
    light: frozenset[str]
    light_preps: dict[str, frozenset[str]]  # light verbs reaching their noun through a preposition
    irrealis: frozenset[str]
    known_verbs: frozenset[str]  # every verb lemma the tables name
    nouns: dict[str, tuple[NounPattern, ...]]
    documents: frozenset[str]
    military: frozenset[str]
    abstract: frozenset[str]
    hyphenated: frozenset[str] = frozenset()  # hyphenated words the files name ("sit-in", "cease-fire")


def _words(value: str) -> frozenset[str]:
    return frozenset(w.strip().lower() for w in value.split("|") if w.strip())


def _options(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in raw.split(";"):
        part = part.strip()
        if not part:
            continue
        key, _, value = part.partition("=")
        out[key.strip()] = value.strip()
    return out


@lru_cache(maxsize=1)
def tables() -> Tables:
    """The verb and noun pattern files, compiled into dictionaries (once per process)."""
    verbs: dict[str, list[VerbPattern]] = {}
    light: set[str] = set()
    light_preps: dict[str, frozenset[str]] = {}
    irrealis: set[str] = set()
    particles: set[str] = set()
    hyphenated: set[str] = set()
    for line in lexicon("events_verbs"):
        hyphenated.update(_HYPHEN_WORD.findall(line.lower()))
        cols = line.split("\t")
        if len(cols) < 2:
            continue
        key, kind = " ".join(cols[0].lower().split()), cols[1].strip()
        if " " in key:
            particles.update(key.split()[1:])
        opts = _options(cols[2]) if len(cols) > 2 else {}
        if kind == "LIGHT":
            light.add(key)
            if "prep" in opts:
                light_preps[key] = _words(opts["prep"])
            continue
        if kind == "IRREALIS":
            irrealis.add(key)
            continue
        if kind not in _PLOVER:
            continue
        mil = opts.get("mil")
        verbs.setdefault(key, []).append(
            VerbPattern(
                type=kind,
                obj=_words(opts["obj"]) if "obj" in opts else None,
                notobj=_words(opts.get("notobj", "")),
                mil=mil if mil in _PLOVER else None,
                target_preps=_words(opts.get("target", "")),
                notx=_words(opts.get("notx", "")),
                need_subj="subj" in opts,
                notsubj=_words(opts.get("notsubj", "")),
                need_x="needx" in opts,
                need_obj="needobj" in opts,
            )
        )
    nouns: dict[str, list[NounPattern]] = {}
    documents: set[str] = set()
    military: set[str] = set()
    abstract: set[str] = set()
    for line in lexicon("events_nouns"):
        hyphenated.update(_HYPHEN_WORD.findall(line.lower()))
        cols = line.split("\t")
        if len(cols) < 2:
            continue
        noun, kind = cols[0].strip().lower(), cols[1].strip()
        if kind == "DOCUMENT":
            documents.add(noun)
        elif kind == "MILITARY":
            military.add(noun)
        elif kind == "ABSTRACT":
            abstract.add(noun)
        elif kind in _PLOVER:
            opts = _options(cols[2]) if len(cols) > 2 else {}
            nouns.setdefault(noun, []).append(
                NounPattern(
                    type=kind,
                    mod=_words(opts["mod"]) if "mod" in opts else None,
                    notmod=_words(opts.get("notmod", "")),
                    of_actor=opts.get("of") == "actor",
                    prep=opts.get("prep") or None,
                    light="light" in opts,
                    poss_target=opts.get("poss") == "target",
                    mil=opts.get("mil") if opts.get("mil") in _PLOVER else None,
                )
            )
    return Tables(
        verbs={k: tuple(v) for k, v in verbs.items()},
        particles=frozenset(particles),
        light=frozenset(light),
        light_preps=light_preps,
        irrealis=frozenset(irrealis),
        known_verbs=frozenset(k.split()[0] for k in (*verbs, *light, *irrealis)),
        nouns={k: tuple(v) for k, v in nouns.items()},
        documents=frozenset(documents),
        military=frozenset(military),
        abstract=frozenset(abstract),
        hyphenated=frozenset(hyphenated),
    )


# --------------------------------------------------------------------------- per-document indexes


@dataclass
class _Index:
    """What the stage looks up per token: entity mentions, places, quotes, dates, quantities."""

    text: str
    mention_starts: list[int]
    mentions: list[tuple[int, int, str]]
    place_entities: frozenset[str]
    quotes: list[tuple[int, int, str]]
    date_mentions: list[dates.DateMention]
    date_token: dict[int, int]  # token index -> index into date_mentions
    quantities: list[Quantity]

    def entity_at(self, start: int, end: int) -> Optional[str]:
        """The entity whose mention holds the characters [start, end), innermost first."""
        i = bisect.bisect_right(self.mention_starts, start) - 1
        best: Optional[tuple[int, str]] = None
        # mentions are sorted by start; look back a few for nested or overlapping ones
        for j in range(i, max(-1, i - 8), -1):
            s, e, ent = self.mentions[j]
            if s <= start and end <= e and (best is None or e - s < best[0]):
                best = (e - s, ent)
        return best[1] if best else None

    def quote_at(self, start: int) -> Optional[str]:
        for s, e, qid in self.quotes:
            if s <= start < e:
                return qid
            if s > start:
                break
        return None


def _index(ctx: Context) -> _Index:
    analysis = ctx.analysis
    mentions = sorted((s, e, ent.id) for ent in analysis.entities for (s, e) in ent.mentions)
    places = frozenset(ent.id for ent in analysis.entities if ent.type == "PLACE")
    quotes = sorted((q.span[0], q.span[1], q.id) for q in analysis.quotes)
    found = dates.find_dates(ctx.doc, analysis.document.published, ctx.text)
    date_token: dict[int, int] = {}
    tokens = token_index(ctx.doc)
    for k, dm in enumerate(found):
        # an anchored expression ("the anniversary of the assassination", "two days after the
        # attack") is a date only up to its anchor word: the anchor can be an event itself
        core_end = dm.span[1]
        if dm.value is None:
            for word in (" of ", " after ", " before "):
                cut = dm.text.find(word)
                if cut != -1:
                    core_end = dm.span[0] + cut
                    break
        for i in tokens.overlapping(dm.span[0], core_end):
            date_token.setdefault(i, k)
    return _Index(
        text=ctx.text,
        mention_starts=[m[0] for m in mentions],
        mentions=mentions,
        place_entities=places,
        quotes=quotes,
        date_mentions=found,
        date_token=date_token,
        quantities=[q for q in analysis.quantities if q.kind == "count"],
    )


# --------------------------------------------------------------------------- small parse helpers


def _lemma(tok: Token) -> str:
    lemma = tok.lemma_.lower()
    # the tokenizer splits "sit-in" and "cease-fire" into three tokens; the head (the last one)
    # stands for the whole word when the pattern files name it
    if tok.i >= 2:
        dash, left = tok.doc[tok.i - 1], tok.doc[tok.i - 2]
        if dash.text == "-" and not dash.whitespace_ and not left.whitespace_:
            joined = f"{left.lower_}-{lemma}"
            if joined in tables().hyphenated:
                return joined
    return lemma


def _verb_lemma(verb: Token, tab: Tables) -> str:
    """The verb's lemma, repaired when the lemmatiser slips ("staged" -> "stag"): the first
    simple un-inflection of the word that the tables know."""
    lemma = _lemma(verb)
    if lemma in tab.known_verbs:
        return lemma
    word = verb.lower_
    for cut, add in (("d", ""), ("ed", ""), ("s", ""), ("es", ""), ("ing", ""), ("ing", "e"), ("ied", "y"), ("ies", "y")):
        if word.endswith(cut) and len(word) - len(cut) >= 3:
            guess = word[: len(word) - len(cut)] + add
            if guess in tab.known_verbs:
                return guess
    return lemma


def _keys(verb: Token, tab: Tables) -> list[tuple[str, Optional[Token]]]:
    """Lookup keys for a verb, particle forms first: [("call for", <for>), ("call", None)]."""
    lemma = _verb_lemma(verb, tab)
    out: list[tuple[str, Optional[Token]]] = []

    def add(particle: Token) -> None:
        key = f"{lemma} {particle.lower_}"
        if particle.lower_ in tab.particles and (key in tab.verbs or key in tab.light):
            out.append((key, particle))

    objects = [c.i for c in verb.children if c.dep_ == "dobj"]
    for child in verb.children:
        # "intj": "no" in "said no to"; "oprd": "free" in "set them free"
        if child.dep_ in ("prt", "prep", "advmod", "dobj", "intj", "oprd"):
            if child.dep_ == "prep" and any(verb.i < o < child.i for o in objects) and any(g.dep_ == "pobj" for g in child.children):
                continue  # "gave a lecture in Boston": a place phrase after the object, not "give in"
            add(child)
    for child in verb.children:
        if child.i < verb.i:
            continue
        if child.dep_ in ("advcl", "ccomp", "xcomp"):
            # "called for the minister to resign": the parser makes "for" the clause's marker
            mark = child.doc[child.left_edge.i]
            if mark.dep_ == "mark" and mark.head.i == child.i:
                add(mark)
        elif child.dep_ == "prep":
            # "said no to": the parser may hang "no" on the preposition
            for g in child.children:
                if g.dep_ == "intj" and g.i < child.i:
                    add(g)
        elif child.dep_ == "dobj":
            # "set free the hostages", "set the hostages free": the particle hung on the object
            for g in child.children:
                if g.dep_ == "amod" and g.i in (verb.i + 1, child.i + 1):
                    add(g)
    # "take part in": a two-word complement
    for child in verb.children:
        if child.dep_ == "dobj" and child.lower_ == "part":
            out.append((f"{lemma} part", child))
    out.append((lemma, None))
    return out


def _negated(tok: Token) -> bool:
    if any(c.dep_ == "neg" or c.lower_ in ("never",) for c in tok.children):
        return True
    # "no deal struck", "nobody attacked": a negative participant negates the event
    heads = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
    if tok.dep_ in ("acl", "relcl"):
        heads.append(tok.head)
    return any(h.lower_ in _NEGATIVE_WORDS or any(d.dep_ == "det" and d.lower_ == "no" for d in h.children) for h in heads)


def _modal(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in _MODALS for c in verb.children)


def _conditional(verb: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS for c in verb.children)


def _arguments(verb: Token) -> list[Token]:
    """Heads of the verb's objects: direct object, attribute, passive subject, objects of its
    prepositions and particles (the words pattern conditions are checked against)."""
    out: list[Token] = []
    if verb.dep_ in ("acl", "relcl") and verb.tag_ == "VBN":
        out.append(verb.head)  # "a deal struck in secret": the noun is the verb's object
    for c in verb.children:
        if c.dep_ in ("dobj", "attr", "nsubjpass", "dative", "oprd", "prt", "acomp", "advmod"):
            out.append(c)
            if c.dep_ in ("dobj", "nsubjpass"):  # "declared a state of emergency"
                for p in c.children:
                    if p.dep_ == "prep" and p.lower_ == "of":
                        out.extend(g for g in p.children if g.dep_ == "pobj")
        elif c.dep_ in ("xcomp", "ccomp"):
            # "let them go", "vowed to take revenge": the complement and its object
            out.append(c)
            out.extend(g for g in c.children if g.dep_ == "dobj")
        elif c.dep_ in ("prep", "agent"):
            out.append(c)
            out.extend(g for g in c.children if g.dep_ in ("pobj", "pcomp"))
            # "handed him over to the police": a preposition hanging from a particle-like "over"
            for g in c.children:
                if g.dep_ == "prep":
                    out.extend(x for x in g.children if x.dep_ == "pobj")
    return out


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or (
        verb.tag_ == "VBN" and verb.dep_ in ("acl",) and not any(c.dep_ == "dobj" for c in verb.children)
    )


def _has_infinitive(verb: Token) -> bool:
    return any(
        c.dep_ == "xcomp" or (c.dep_ == "ccomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children))
        for c in verb.children
    )


def _reported_future(verb: Token) -> bool:
    """"X said it would supply ...": a "would" in a clause reported by a speech verb is the
    reported speaker's future, not a hypothesis."""
    return (
        any(c.dep_ == "aux" and c.lower_ in ("would", "'d") for c in verb.children)
        and verb.dep_ == "ccomp"
        and verb.head.lemma_.lower() in _SPEECH_VERBS
    )


def _object_controller(tok: Token) -> Optional[Token]:
    """The doer of a non-finite clause that the object of the verb above controls: "praised X for
    helping ...", "thanked X for sending ...", "urged X to leave": X, not the speaker."""
    if tok.tag_ not in ("VBG", "VB"):
        return None
    head = tok.head
    if tok.dep_ == "pcomp" and head.dep_ == "prep" and head.lower_ in ("for", "of"):
        verb = head.head
    elif tok.dep_ == "xcomp" and tok.tag_ == "VB" and _lemma(head) not in _PROMISE_VERBS:
        verb = head
    else:
        return None
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    return next((c for c in verb.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN", "PRON")), None)


def _xcomp_lemmas(verb: Token) -> set[str]:
    return {_lemma(c) for c in verb.children if c.dep_ == "xcomp"}


# --------------------------------------------------------------------------- the stage


@dataclass
class _Candidate:
    type: str
    trigger: tuple[int, int]
    anchors: list[Token]  # tokens dates and places may hang from
    actors: list[Participant] = field(default_factory=list)
    targets: list[Participant] = field(default_factory=list)
    verb: Optional[Token] = None
    place: Optional[Token] = None  # a place named inside the event phrase ("Baghdad protests")
    crowd: Optional[tuple[int, int]] = None  # "the march drew thousands": where its size is said
    attributed_to_speech: bool = False  # the verb is reported by a speech verb ("said it would ...")


class _Coder:
    def __init__(self, doc: Doc, index: _Index) -> None:
        self.doc = doc
        self.ix = index
        self.tab = tables()
        self.verb_type: dict[int, str] = {}  # token index -> type or IRREALIS, for embedding checks

    # ---------------------------------------------------------------- participants

    def _np_bounds(self, head: Token) -> tuple[int, int]:
        left = head.i
        for c in head.lefts:
            # a participle modifier ("masked men") but not a clause the parse hung there
            if c.dep_ in _NP_LEFT and not (c.pos_ in ("VERB", "AUX") and c.left_edge.i < c.i):
                left = min(left, c.left_edge.i)
        right = head.i
        for c in head.rights:
            if c.dep_ in ("compound", "flat", "nummod"):
                right = max(right, c.right_edge.i)
            elif c.dep_ == "prep" and (c.lower_ == "of" or c.lower_ == "from" and self._names_place_or_group(c)) and head.pos_ in ("NOUN", "PRON", "NUM"):
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    stop = pobj.i
                    for g in pobj.rights:
                        if g.dep_ in ("compound", "flat", "case"):
                            stop = max(stop, g.right_edge.i)
                    if stop - head.i <= 8:
                        right = max(right, stop)
            if c.i > right + 1:
                break
        if right - left + 1 > _MAX_PHRASE:
            left = head.i
            for c in head.lefts:
                if c.dep_ in ("compound", "flat") and c.i >= head.i - 4:
                    left = min(left, c.i)
        while left < head.i and (self.doc[left].is_punct or self.doc[left].is_space):
            left += 1
        while right > head.i and (self.doc[right].is_punct or self.doc[right].is_space):
            right -= 1
        return left, right

    @staticmethod
    def _under_by(tok: Token) -> Optional[Token]:
        """The "by" above a name ("issued by the cleric Ali Haddad" -> by), or None."""
        for _ in range(3):
            if tok.dep_ == "pobj" and tok.head.lower_ == "by":
                return tok.head
            if tok.dep_ not in ("appos", "compound", "flat") or tok.head.i == tok.i:
                return None
            tok = tok.head
        return None

    def _names_place_or_group(self, prep: Token) -> bool:
        """"officials from Arnland": a "from" phrase naming where the people come from."""
        pobj = next((g for g in prep.children if g.dep_ == "pobj"), None)
        return pobj is not None and (pobj.pos_ == "PROPN" or self.ix.entity_at(pobj.idx, pobj.idx + len(pobj.text)) is not None)

    def participant(self, head: Token) -> Optional[Participant]:
        if head.i in self.ix.date_token or head.pos_ in _NOT_PARTICIPANTS or head.lower_ in _WH_WORDS:
            return None
        if head.lower_ in _RELATIVE_PRONOUNS and head.dep_ in ("nsubj", "nsubjpass", "dobj"):
            # "rebels who attacked": the antecedent of the relative clause
            clause = head.head
            if clause.dep_ in ("relcl", "acl") and clause.head.i != clause.i:
                head = clause.head
            else:
                return None
        key = head
        if _lemma(head) in _QUANTITY_HEADS or head.pos_ == "NUM":
            # "thousands of protesters": the people, not the number
            of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            pobj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
            if pobj is not None:
                key = pobj
        left, right = self._np_bounds(head)
        if key is not head:
            right = max(right, self._np_bounds(key)[1])
        start = self.doc[left].idx
        end = self.doc[right].idx + len(self.doc[right].text)
        text = self.ix.text[start:end]
        if not text.strip():
            return None
        entity = self.ix.entity_at(key.idx, key.idx + len(key.text))
        if entity is None and head.lower_ in _POSSESSIVE_PRONOUNS:
            return None  # an unresolved "their" tells the reader nothing
        return Participant(text=text, entity=entity, span=(start, end))

    def _with_conjuncts(self, head: Token) -> list[Token]:
        out = [head]
        for c in head.children:
            if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "PRON"):
                out.append(c)
                out.extend(g for g in c.children if g.dep_ == "conj" and g.pos_ in ("NOUN", "PROPN", "PRON"))
        return out

    def participants(self, heads: list[Token]) -> list[Participant]:
        out: list[Participant] = []
        seen: set[tuple[int, int]] = set()
        for h in heads:
            for t in self._with_conjuncts(h):
                p = self.participant(t)
                if p is not None and p.span not in seen:
                    seen.add(p.span)  # type: ignore[arg-type]
                    out.append(p)
        return out

    def _stand_in(self, tok: Token) -> Token:
        """A demanded or rejected abstract ("the release of X", "the withdrawal of Y") stands
        for the ones it is about."""
        lemma = _lemma(tok)
        if lemma in self.tab.abstract or lemma in self.tab.nouns:
            of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            pobj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
            if pobj is not None:
                return pobj
        return tok

    def _issuer(self, document: Token) -> Optional[Token]:
        """Who issued a document: its possessor ("Sistani's fatwa"), a "by" agent, or the subject
        of the verb that governs it ("parliament passed a bill")."""
        for c in document.children:
            if c.dep_ == "poss":
                return c
            if c.dep_ == "acl" and c.tag_ == "VBN":  # "a fatwa issued by X"
                agent = next((g for g in c.children if g.dep_ == "agent"), None)
                pobj = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
                if pobj is not None:
                    return pobj
            if c.dep_ == "prep" and c.lower_ == "by":  # "a ruling by the court"
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
            if c.dep_ == "compound" and (c.pos_ == "PROPN" or self.ix.entity_at(c.idx, c.idx + len(c.text))):
                return c
        gov = document.head
        if document.dep_ in ("dobj",) and gov.pos_ in ("VERB", "AUX") and _lemma(gov) in _ISSUING_VERBS:
            subj = next((c for c in gov.children if c.dep_ in _SUBJECTS), None)
            if subj is not None:
                return subj
        if document.dep_ == "nsubjpass":
            agent = next((c for c in gov.children if c.dep_ == "agent"), None)
            if agent is not None:
                return next((g for g in agent.children if g.dep_ == "pobj"), None)
        return None

    def subject_of(self, verb: Token) -> Optional[Token]:
        """The doer of ``verb``: its subject, a passive's agent, or (for infinitives, participles,
        coordinated verbs) the doer of the verb it hangs from."""
        tok = verb
        for _ in range(_MAX_CLIMB):
            if _is_passive(tok):
                agent = next((c for c in tok.children if c.dep_ == "agent"), None)
                if agent is not None:
                    return next((g for g in agent.children if g.dep_ == "pobj"), None)
                if tok is verb:
                    return None
            # the subject nearest the verb ("BAGHDAD – Iraqis held": Iraqis, not the dateline)
            subj = max((c for c in tok.children if c.dep_ in _SUBJECTS and c.i < tok.i), key=lambda c: c.i, default=None)
            if subj is None:
                subj = next((c for c in tok.children if c.dep_ in _SUBJECTS), None)
            if subj is not None:
                if subj.lower_ in _RELATIVE_PRONOUNS and tok.dep_ == "relcl":
                    return tok.head
                return subj
            if tok.dep_ == "relcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
                return None  # "ways to help": an infinitive; the noun is not its doer
            if tok.dep_ == "relcl" or (tok.dep_ == "acl" and tok.tag_ in ("VBG", "VBN")):
                # "protesters marching ...", "rebels who attacked": the noun does it
                # ("ways to help" is an infinitive: the noun is not its doer)
                if tok.head.pos_ in ("NOUN", "PROPN", "PRON") and not (tok.tag_ == "VBN" and tok.dep_ == "acl"):
                    return tok.head
                return None
            controller = _object_controller(tok)
            if controller is not None:
                return controller
            if tok.dep_ not in ("xcomp", "conj", "advcl", "pcomp", "ccomp", "prep", "pobj") or tok.head.i == tok.i:
                return None
            tok = tok.head
        return None

    # ---------------------------------------------------------------- embedding

    def _embedded_nonfactual(self, tok: Token) -> bool:
        """True when ``tok`` is only wanted, demanded, threatened, promised or refused: an
        infinitive or object under such a verb, or a noun under "call for"."""
        cur = tok
        for _ in range(3):
            head = cur.head
            if head.i == cur.i:
                return False
            if cur.dep_ in ("xcomp", "ccomp", "dobj", "pobj", "prep", "advcl", "acl") or (cur.dep_ == "conj" and cur.pos_ != "VERB"):
                if head.pos_ in ("VERB", "AUX"):
                    kind = self.verb_type.get(head.i)
                    if kind is None:
                        kind = self._classify_head(head)
                    if kind == "DISAPPROVE" and cur.dep_ == "prep":
                        return True  # "accused X of shelling villages": an allegation
                    if kind in _NONFACTUAL_HEADS:
                        if cur.dep_ == "advcl" and not any(c.lower_ == "to" for c in tok.children):
                            return False
                        return True
                    if cur.dep_ in ("xcomp", "ccomp", "dobj", "advcl"):
                        return False
                elif cur.dep_ == "pobj":
                    cur = head
                    continue
                elif head.pos_ in ("NOUN", "PROPN") and cur.dep_ in ("acl", "prep"):
                    # "a call for the withdrawal", "a threat to strike"
                    patterns = self.tab.nouns.get(_lemma(head), ())
                    if any(p.type in _NONFACTUAL_HEADS for p in patterns):
                        return True
                    return False
            cur = head
            if cur.pos_ in ("VERB", "AUX") and cur.dep_ not in ("xcomp", "ccomp", "conj", "advcl"):
                return False
        return False

    def _purpose_of_coded_act(self, verb: Token, cand_type: str) -> bool:
        """"deployed 5,200 troops to help the border police": help named as the aim of an act
        already coded is no second event (a purpose such as "to protest" still says what it was)."""
        if cand_type not in _HELPING or verb.dep_ != "advcl":
            return False
        if not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            return False
        return self.verb_type.get(verb.head.i) in _PLOVER

    def _classify_head(self, verb: Token) -> Optional[str]:
        for key, _ in _keys(verb, self.tab):
            if key in self.tab.irrealis:
                return "IRREALIS"
            patterns = self.tab.verbs.get(key)
            if patterns:
                p = self._match(verb, patterns, check_subject=False)
                if p is not None:
                    return p.type
        if _lemma(verb) in ("want", "plan", "try", "seek", "hope", "intend"):
            return "IRREALIS"
        return None

    # ---------------------------------------------------------------- verbs

    def _match(self, verb: Token, patterns: tuple[VerbPattern, ...], check_subject: bool = True) -> Optional[VerbPattern]:
        args = _arguments(verb)
        words = {_lemma(a) for a in args} | {a.lower_ for a in args}
        xcomps = _xcomp_lemmas(verb)
        for p in patterns:
            if p.obj is not None and not (words & p.obj):
                continue
            if p.notobj and words & p.notobj:
                continue
            if p.notx and xcomps & p.notx:
                continue
            if p.need_subj and check_subject and self.subject_of(verb) is None:
                continue
            if p.notsubj:
                doer = self.subject_of(verb)
                if doer is not None and (_lemma(doer) in p.notsubj or doer.lower_ in p.notsubj):
                    continue
            if p.need_x and not _has_infinitive(verb):
                continue
            if p.need_obj and not any(c.dep_ == "dobj" for c in verb.children):
                continue
            return p
        return None

    def verb_event(self, verb: Token) -> Optional[_Candidate]:
        tab = self.tab
        if verb.dep_ in ("amod", "compound") or _negated(verb) or _conditional(verb):
            return None
        if _modal(verb) and not _reported_future(verb):
            return None
        for key, particle in _keys(verb, tab):
            if key in tab.irrealis:
                self.verb_type[verb.i] = "IRREALIS"
            if key in tab.light:
                light = self.light_event(verb, key, particle)
                if light is not None:
                    return light
            patterns = tab.verbs.get(key)
            if not patterns:
                continue
            pattern = self._match(verb, patterns)
            if pattern is None:
                continue
            self.verb_type[verb.i] = pattern.type
            cand = self._verb_candidate(verb, pattern, particle)
            if cand is not None and cand.type == "AGREE" and self._promises_hostile(verb):
                cand.type = "THREATEN"
            elif cand is not None and self._future(verb):
                if cand.type in _PROMISABLE:
                    cand.type = "AGREE"  # PLOVER: "X will give/support/release ..." is a promise
                elif cand.type in _HOSTILE and cand.attributed_to_speech:
                    cand.type = "THREATEN"  # "the group said it would kill the hostages"
            return cand
        return None

    def _promises_hostile(self, verb: Token) -> bool:
        if _verb_lemma(verb, self.tab) not in _PROMISE_VERBS:
            return False
        return any(c.dep_ == "xcomp" and self._classify_head(c) in _HOSTILE for c in verb.children)

    def _verb_candidate(self, verb: Token, pattern: VerbPattern, particle: Optional[Token]) -> Optional[_Candidate]:
        passive = _is_passive(verb)
        subj = self.subject_of(verb)
        event_type = pattern.type
        anchors = [verb]
        actor_heads: list[Token] = []
        if subj is not None:
            if _lemma(subj) in self.tab.documents:
                anchors.append(subj)
                issuer = self._issuer(subj)
                subj = issuer or subj
            elif verb.dep_ in ("relcl", "acl") and _lemma(verb.head) in self.tab.documents and subj.i == verb.head.i:
                anchors.append(verb.head)
                subj = self._issuer(verb.head) or subj
            elif self._under_by(subj) is not None:
                # "an edict (issued) by the council that called for ...": the parse may hang the
                # clause on the issuer; the document is still what the date and place belong to
                doc_tok = self._under_by(subj).head  # type: ignore[union-attr]
                if doc_tok.dep_ == "acl":
                    doc_tok = doc_tok.head
                if _lemma(doc_tok) in self.tab.documents:
                    anchors.append(doc_tok)
            actor_heads.append(subj)
        if pattern.mil and self._armed_force_involved(verb, subj):
            event_type = pattern.mil
        target_heads: list[Token] = []
        for c in verb.children:
            if c.dep_ in ("dobj", "dative") and not passive:
                if c.pos_ == "ADP":  # "lent books to the school": dative "to"
                    pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                    if pobj is not None:
                        target_heads.append(pobj)
                    continue
                if c.lower_ in self.tab.particles and c.pos_ != "NOUN":
                    continue
                target_heads.append(self._stand_in(c))
            elif c.dep_ == "nsubjpass":
                target_heads.append(self._stand_in(c))
            elif c.dep_ == "prep" and c.lower_ in pattern.target_preps:
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    target_heads.append(self._stand_in(pobj))
        if verb.dep_ == "acl" and passive and verb.head.pos_ in ("NOUN", "PROPN"):
            target_heads.append(verb.head)  # "protesters arrested by police"
        start, end = verb.idx, verb.idx + len(verb.text)
        if particle is not None and particle.i > verb.i and particle.i - verb.i <= 3 and particle.dep_ in ("prt", "prep", "mark", "amod", "oprd", "intj"):
            end = particle.idx + len(particle.text)
        cand = _Candidate(type=event_type, trigger=(start, end), anchors=anchors, verb=verb)
        cand.attributed_to_speech = verb.dep_ == "ccomp" and _lemma(verb.head) in _SPEECH_VERBS
        cand.actors = self.participants(actor_heads)
        actor_spans = {a.span for a in cand.actors}
        cand.targets = [t for t in self.participants(target_heads) if t.span not in actor_spans]
        return cand

    def _future(self, verb: Token) -> bool:
        if any(c.dep_ == "aux" and c.lower_ in ("will", "'ll", "shall") for c in verb.children) or _reported_future(verb):
            return True
        # "is ready to contribute", "is willing to send"
        head = verb.head
        return verb.dep_ == "xcomp" and head.pos_ == "ADJ" and _lemma(head) in ("ready", "willing", "prepared")

    @staticmethod
    def _of_object(tok: Token) -> Optional[Token]:
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        return next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None

    def _military(self, tok: Token) -> bool:
        lemma = _lemma(tok)
        if lemma in self.tab.military or tok.lower_ in self.tab.military:
            return True
        return any(c.dep_ == "compound" and _lemma(c) in self.tab.military for c in tok.children)

    def _armed_force_involved(self, verb: Token, subj: Optional[Token]) -> bool:
        """PLOVER's FIGHT is conventional force: the doer is an armed force or a state ("Israel
        struck the airfield": a country strikes with its forces), or what is hit is an armed force
        ("bombed the Assad forces")."""
        if subj is not None and (self._military(subj) or subj.ent_type_ == "GPE"):
            return True
        return any(c.dep_ == "dobj" and self._military(c) for c in verb.children)

    def light_event(self, verb: Token, key: str, particle: Optional[Token]) -> Optional[_Candidate]:
        """A light verb governing an event noun: "held a march", "imposed sanctions on X"."""
        noun: Optional[Token] = None
        for c in verb.children:
            if c.dep_ in ("dobj", "nsubjpass", "attr") and _lemma(c) in self.tab.nouns:
                noun = c
                break
            if c.dep_ in ("dobj", "nsubjpass") and _lemma(c) in _CONTAINER_NOUNS:
                # "sent a message of condolence", "voiced words of support"
                inner = self._of_object(c)
                if inner is not None and _lemma(inner) in self.tab.nouns:
                    noun = inner
                    break
            if c.dep_ == "prep" and c.lower_ in self.tab.light_preps.get(key, ()):
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None and _lemma(pobj) in self.tab.nouns:
                    noun = pobj
                    break
        if noun is None or abs(noun.i - verb.i) > 6:
            return None  # a noun far from its verb is a parse accident, not "held a march"
        pattern = self._noun_pattern(noun, under_light=True)
        if pattern is None:
            return None
        self.verb_type[verb.i] = pattern.type
        cand = self._noun_candidate(noun, pattern)
        subj = self.subject_of(verb)
        if subj is not None and not cand.actors:
            if _lemma(subj) in self.tab.documents:
                subj = self._issuer(subj) or subj
            cand.actors = self.participants([subj])
            if pattern.mil and self._military(subj):
                cand.type = pattern.mil  # "the army launched an attack": the noun's military reading
                self.verb_type[verb.i] = cand.type
        # targets the verb takes: "imposed sanctions on Iran", "launched an attack against X"
        extra: list[Token] = []
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in ("on", "against", "upon", "with", "into") and c.i > noun.i:
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    extra.append(pobj)
            elif c.dep_ == "dative":
                extra.append(next((g for g in c.children if g.dep_ == "pobj"), c) if c.pos_ == "ADP" else c)
        if extra:
            actor_spans = {a.span for a in cand.actors}
            cand.targets.extend(t for t in self.participants(extra) if t.span not in actor_spans)
        start = min(verb.idx, cand.trigger[0])
        end = max(cand.trigger[1], verb.idx + len(verb.text))
        cand.trigger = (start, end)
        cand.anchors = [verb, noun]
        cand.verb = verb
        self.consumed.add(noun.i)
        return cand

    # ---------------------------------------------------------------- nouns

    def _noun_pattern(self, noun: Token, under_light: bool = False) -> Optional[NounPattern]:
        patterns = self.tab.nouns.get(noun.lower_) or self.tab.nouns.get(_lemma(noun))
        if not patterns:
            return None
        mods = {_lemma(c) for c in noun.children if c.dep_ in ("compound", "amod", "nmod", "npadvmod")}
        mods |= {c.lower_ for c in noun.children if c.dep_ in ("compound", "amod", "nmod")}
        preps = {c.lower_ for c in noun.children if c.dep_ == "prep"}
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for g in c.children:
                    if g.dep_ == "pobj":
                        mods.add(_lemma(g))
                        mods |= {_lemma(x) for x in g.children if x.dep_ in ("compound", "amod")}
        for p in patterns:
            if p.mod is not None and not (mods & p.mod):
                continue
            if p.notmod and mods & p.notmod:
                continue
            if p.prep is not None and p.prep not in preps:
                continue
            if p.light and not under_light:
                continue
            return p
        return None

    def _noun_candidate(self, noun: Token, pattern: NounPattern) -> _Candidate:
        start, end = noun.idx, noun.idx + len(noun.text)
        # the modifier that made the type ("air strike", "hunger strike") belongs to the trigger
        if pattern.mod is not None:
            for c in noun.lefts:
                if c.dep_ in ("compound", "amod", "nmod") and (_lemma(c) in pattern.mod or c.lower_ in pattern.mod) and noun.i - c.i <= 2:
                    start = min(start, c.idx)
        actor_heads: list[Token] = []
        target_heads: list[Token] = []
        location: Optional[Token] = None
        for c in noun.children:
            if c.dep_ == "poss":
                (target_heads if pattern.poss_target else actor_heads).append(c)
            elif c.dep_ in ("compound", "amod", "nmod") and c.i < noun.i:
                if c.i in self.ix.date_token:
                    continue
                if not c.text[:1].isupper():
                    continue  # "non-disclosure agreement", "hotel shooting": not a doer
                ent = self.ix.entity_at(c.idx, c.idx + len(c.text))
                if ent is None and not (c.pos_ == "PROPN" or c.ent_type_ in ("NORP", "GPE", "ORG")):
                    continue
                is_place = ent in self.ix.place_entities or c.ent_type_ in _PLACE_ENT_TYPES
                # "Las Vegas shooting", "Baghdad protests": where; "U.S. assassination": who
                acronym = c.text.replace(".", "").isupper()
                if is_place and (pattern.type in ("PROTEST", "MOBILIZE") or pattern.type in ("ASSAULT", "FIGHT", "COERCE") and not acronym and c.dep_ == "compound"):
                    location = c
                else:
                    actor_heads.append(c)
            elif c.dep_ == "acl" and c.tag_ == "VBN":
                # "the strike called by the unions"
                agent = next((g for g in c.children if g.dep_ == "agent"), None)
                pobj = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
                if pobj is not None:
                    actor_heads.append(pobj)
            elif c.dep_ == "prep":
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is None:
                    continue
                word = c.lower_
                if word == "by" or word in ("between", "among") or word == "from" and pattern.type in ("AID", "SUPPORT", "DEMAND", "THREATEN", "DISAPPROVE", "REJECT", "AGREE", "CONCEDE"):
                    actor_heads.append(pobj)
                elif word == "of":
                    (actor_heads if pattern.of_actor else target_heads).append(pobj)
                elif word in _NOUN_TARGET_PREPS:
                    allowed = _NOUN_TARGET_PREPS[word]
                    if allowed is None or pattern.type in allowed:
                        target_heads.append(self._stand_in(pobj) if pattern.type == "DEMAND" else pobj)
        event_type = pattern.type
        if pattern.mil and any(self._military(a) for a in actor_heads):
            event_type = pattern.mil
        cand = _Candidate(type=event_type, trigger=(start, end), anchors=[noun])
        cand.actors = self.participants(actor_heads)
        actor_spans = {a.span for a in cand.actors}
        cand.targets = [t for t in self.participants(target_heads) if t.span not in actor_spans]
        cand.place = location
        return cand

    def noun_event(self, noun: Token) -> Optional[tuple[_Candidate, bool]]:
        """A nominal event and whether a verb governs it as its subject."""
        if noun.i in self.consumed or noun.i in self.ix.date_token:
            return None
        if noun.dep_ in ("compound", "amod", "nmod") and noun.head.pos_ in ("NOUN", "PROPN"):
            return None  # "riot police", "a prisoner swap": a modifier, not an event
        if noun.pos_ == "PROPN" and noun.text[:1].isupper() and not noun.is_sent_start:
            return None  # "Operation Strike", a named thing
        if self._headline(noun.sent):
            return None  # a title-cased headline parses too poorly for nominal events
        pattern = self._noun_pattern(noun)
        if pattern is None:
            return None
        if _negated(noun) or any(c.dep_ == "det" and c.lower_ in ("no",) for c in noun.children):
            return None
        if self._embedded_nonfactual(noun):
            return None
        governed = (
            noun.dep_ in ("nsubj", "nsubjpass")
            and noun.head.pos_ == "VERB"
            and _lemma(noun.head) in _HAPPENING_VERBS
            and not _negated(noun.head)
        )
        cand = self._noun_candidate(noun, pattern)
        if not cand.actors and noun.dep_ == "pobj" and noun.head.head.pos_ == "VERB" and (
            _lemma(noun.head.head) in _GATHERING_VERBS
            or noun.head.lower_ == "in" and pattern.type in ("PROTEST", "CONSULT", "SUPPORT") and not _is_passive(noun.head.head)
        ):
            # "ministers gathered in Vellmo for a meeting": those who came are the ones meeting
            doer = self.subject_of(noun.head.head)
            if doer is not None:
                cand.actors = self.participants([doer])
                cand.anchors.append(noun.head.head)
        if noun.dep_ == "dobj" and _lemma(noun.head) in _RECEIVING_VERBS and not cand.actors:
            # "the ruling drew criticism from lawyers": the "from" phrase did it, to the subject
            verb = noun.head
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ == "from":
                    cand.actors = self.participants([g for g in c.children if g.dep_ == "pobj"])
            subj = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
            if cand.actors and subj is not None and not cand.targets:
                cand.targets = self.participants([subj])
        if noun.dep_ == "nsubj" and _lemma(noun.head) in _CROWD_VERBS:
            obj = next((c for c in noun.head.children if c.dep_ == "dobj"), None)
            if obj is not None:
                cand.crowd = (obj.left_edge.idx, obj.right_edge.idx + len(obj.right_edge.text))
        return cand, governed

    def _headline(self, sent) -> bool:
        key = sent.start
        cached = self.headlines.get(key)
        if cached is None:
            words = [t for t in sent if t.is_alpha and len(t) > 3]
            cached = len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words)
            self.headlines[key] = cached
        return cached

    # ---------------------------------------------------------------- where, when, how many

    def location(self, cand: _Candidate) -> Optional[Participant]:
        if cand.place is not None:
            return self.participant(cand.place)
        for anchor in cand.anchors:
            preps = _LOCATION_PREPS | _MOTION_PREPS if cand.type in ("PROTEST", "MOBILIZE", "CONSULT") else _LOCATION_PREPS
            for c in anchor.children:
                if c.dep_ != "prep" or c.lower_ not in preps:
                    continue
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is None or pobj.i in self.ix.date_token:
                    continue
                ent = self.ix.entity_at(pobj.idx, pobj.idx + len(pobj.text))
                if ent in self.ix.place_entities or pobj.ent_type_ in _PLACE_ENT_TYPES:
                    return self.participant(pobj)
        return None

    def date(self, cand: _Candidate) -> Optional[EventDate]:
        anchor_ids = {a.i for a in cand.anchors}
        best: Optional[dates.DateMention] = None
        for tok_i, k in self._dates_near(cand):
            tok = self.doc[tok_i]
            cur = tok
            for _ in range(4):
                if cur.i in anchor_ids:
                    dm = self.ix.date_mentions[k]
                    if best is None or (best.value is None and dm.value is not None):
                        best = dm
                    break
                if cur.head.i == cur.i or (cur.pos_ == "VERB" and cur.i != tok_i):
                    break
                if cur.i != tok_i and cur.pos_ in ("NOUN", "PROPN") and cur.dep_ not in ("npadvmod", "pobj"):
                    break  # "praised a 2019 edict": the year dates the edict, not the praise
                cur = cur.head
        if best is None:
            return None
        return EventDate(text=best.text, value=best.value, span=best.span)

    def _dates_near(self, cand: _Candidate) -> list[tuple[int, int]]:
        """(first token, mention index) of the date mentions in the trigger's sentence."""
        sent = cand.anchors[0].sent
        out: list[tuple[int, int]] = []
        seen: set[int] = set()
        for i in range(sent.start, sent.end):
            k = self.ix.date_token.get(i)
            if k is None or k in seen:
                continue
            seen.add(k)
            # the mention's root: its token whose head lies outside it
            dm = self.ix.date_mentions[k]
            root = self.doc[i]
            j = i
            while j < sent.end and self.ix.date_token.get(j) == k:
                t = self.doc[j]
                if not (dm.span[0] <= t.head.idx < dm.span[1]):
                    root = t
                    break
                j += 1
            out.append((root.i, k))
        return out

    def size(self, cand: _Candidate) -> Optional[EventSize]:
        if cand.type not in _SIZED:
            return None
        zones = [cand.trigger] + [a.span for a in cand.actors if a.span is not None]
        if cand.crowd is not None:
            zones.append(cand.crowd)
        for q in self.ix.quantities:
            spans = [q.span] + ([q.counted_span] if q.counted_span else [])
            for s, e in spans:
                if any(s < ze and zs < e for zs, ze in zones):
                    return EventSize(text=q.text, value=q.value, span=q.span)
        return None

    # ---------------------------------------------------------------- the pass

    def code(self) -> list[Event]:
        self.consumed: set[int] = set()
        self.headlines: dict[int, bool] = {}
        tab = self.tab
        verbs: list[Token] = []
        nouns: list[Token] = []
        for tok in self.doc:  # the one pass: pick out candidates by table lookup
            pos = tok.pos_
            if pos == "VERB":
                if _verb_lemma(tok, tab) in tab.known_verbs or any(
                    c.lower_ in tab.particles for c in tok.children
                ):
                    verbs.append(tok)
            elif pos in ("NOUN", "PROPN"):
                if _lemma(tok) in tab.nouns or tok.lower_ in tab.nouns:
                    nouns.append(tok)
        cands: list[_Candidate] = []
        for verb in verbs:
            if verb.dep_ in ("acl", "relcl") and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
                continue  # "the right to strike", "a plan to attack": not done
            cand = self.verb_event(verb)
            if cand is None:
                continue
            if self._embedded_nonfactual(verb) or self._purpose_of_coded_act(verb, cand.type):
                continue
            cands.append(cand)
        for noun in nouns:
            found = self.noun_event(noun)
            if found is None:
                continue
            cand, governed = found
            loc = self.location(cand)
            when = self.date(cand)
            size = self.size(cand)
            if not (cand.actors or cand.targets or loc or when or size or governed):
                continue
            cands.append(cand)
        events: list[Event] = []
        kept: list[_Candidate] = []
        seen: set[tuple[int, int]] = set()
        for cand in sorted(cands, key=lambda c: c.trigger):
            if cand.trigger in seen:
                continue
            seen.add(cand.trigger)
            kept.append(cand)
            s, e = cand.trigger
            events.append(
                Event(
                    type=cand.type,
                    trigger=Trigger(text=self.ix.text[s:e], span=(s, e)),
                    actors=cand.actors,
                    targets=cand.targets,
                    location=self.location(cand),
                    date=self.date(cand),
                    size=self.size(cand),
                    attributed_to=self.ix.quote_at(s),
                )
            )
        events = self._merge_mentions(events, kept)
        self._default_to_dateline(events)
        for n, ev in enumerate(events, 1):
            ev.id = f"V{n}"
        return events

    # ---------------------------------------------------------------- one event, many mentions

    def _key_token(self, cand: _Candidate) -> Optional[Token]:
        span = self.doc.char_span(cand.trigger[0], cand.trigger[1], alignment_mode="expand")
        if span is not None and span[-1].pos_ in ("NOUN", "PROPN"):
            return span[-1]
        return cand.verb or (span[0] if span is not None else None)

    def _definite_nominal(self, tok: Optional[Token]) -> bool:
        """"the march", "this protest", "their rally": a noun that points back at an event already told."""
        if tok is None or tok.pos_ not in ("NOUN", "PROPN") or tok.tag_ in ("NNS", "NNPS"):
            return False
        return any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") or c.dep_ == "poss" for c in tok.children)

    @staticmethod
    def _compatible(a: Event, b: Event) -> bool:
        if a.date and b.date and a.date.value and b.date.value and a.date.value != b.date.value:
            return False
        if a.location and b.location:
            same = a.location.entity == b.location.entity if a.location.entity and b.location.entity else a.location.text.lower() == b.location.text.lower()
            if not same:
                return False
        return a.attributed_to == b.attributed_to or a.attributed_to is None or b.attributed_to is None

    def _merge_mentions(self, events: list[Event], cands: list[_Candidate]) -> list[Event]:
        """A later definite mention of an event noun ("the march ended at sunset") is the event
        already reported with the same type and head word ("held a march"): one event, its parts
        pooled, every trigger listed in ``mentions``."""
        out: list[Event] = []
        heads: list[str] = []
        for ev, cand in zip(events, cands):
            tok = self._key_token(cand)
            head = _lemma(tok) if tok is not None else ""
            host = None
            if self._definite_nominal(tok):
                host = next((h for h, k in zip(reversed(out), reversed(heads))
                             if h.type == ev.type and k == head and self._compatible(h, ev)), None)
            if host is None:
                out.append(ev)
                heads.append(head)
                continue
            if not host.mentions:
                host.mentions = [host.trigger.span]
            host.mentions.append(ev.trigger.span)
            host.location = host.location or ev.location
            host.date = host.date or ev.date
            host.size = host.size or ev.size
            for attr in ("actors", "targets"):
                have = getattr(host, attr)
                keys = {p.entity or p.text.lower() for p in have}
                for p in getattr(ev, attr):
                    if (p.entity or p.text.lower()) not in keys:
                        have.append(p)
                        keys.add(p.entity or p.text.lower())
        return out

    def _default_to_dateline(self, events: list[Event]) -> None:
        """"BAGHDAD –": the dateline place is where the events reported from there happened when
        the text names no other place (quoted events keep their own silence)."""
        m = _DATELINE.search(self.ix.text[:_DATELINE_WINDOW])
        if m is None:
            return
        s, e = m.span(1)
        entity = self.ix.entity_at(s, e)
        if entity is not None and entity not in self.ix.place_entities:
            return  # "UPDATE –", "EXCLUSIVE –": capitals that name no place
        place = Participant(text=self.ix.text[s:e], entity=entity, span=(s, e))
        for ev in events:
            if ev.location is None and ev.attributed_to is None and ev.trigger.span[0] > e:
                ev.location = place.model_copy()


def run(ctx: Context) -> list[Event]:
    if not ctx.text.strip() or len(ctx.doc) == 0:
        return []
    return _Coder(ctx.doc, _index(ctx)).code()
