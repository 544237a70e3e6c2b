"""Rule layer for persuasion techniques: what readers want explained and models tend to miss.

Eight rule families, each tied to one PTC technique and driven by a word list under
``resources/lexicons/techniques_*.txt``:

============  ==================================  ===========================================
family        technique                           what it finds
============  ==================================  ===========================================
loaded        Loaded_Language                     graded emotive words ("martyrs", "carnage")
labels        Name_Calling,Labeling               labels pinned on people ("thugs", "regime")
doubt         Doubt                               "so-called", "under the pretext of", "alleged"
cliches       Thought-terminating_Cliches         stock phrases that close a question
exaggeration  Exaggeration,Minimisation           "unprecedented", "the worst ... ever"
flag_waving   Flag-Waving                         "our nation", "the Iraqi people", sovereignty
authority     Appeal_to_Authority                 "experts agree", "according to the Koran"
slogans       Slogans                             short chants and placards ("Death to ...")
============  ==================================  ===========================================

Rules read the article's one spaCy parse (tokens, lemmas, tags, dependencies, sentences) and
never parse again. Word lists are compiled once per process into one token index, so a document
is scanned in a single pass with two dictionary look-ups per token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator, Optional, Sequence

from spacy.tokens import Doc, Token

from .. import resources
from ..lexicons import doubt_markers

Span = tuple[int, int]

FAMILY_TECHNIQUE: dict[str, str] = {
    "loaded": "Loaded_Language",
    "labels": "Name_Calling,Labeling",
    "doubt": "Doubt",
    "cliches": "Thought-terminating_Cliches",
    "exaggeration": "Exaggeration,Minimisation",
    "flag_waving": "Flag-Waving",
    "authority": "Appeal_to_Authority",
    "slogans": "Slogans",
}
FAMILIES: tuple[str, ...] = tuple(FAMILY_TECHNIQUE)

# A word in a lexicon entry that stands for a nationality or country ("NAT people").
NAT = "<nat>"
_NAT_ENTS = frozenset({"NORP", "GPE"})

# Adverbs that sharpen a loaded word; they belong to its span ("utterly disgraceful").
_INTENSIFIERS = frozenset(
    "very so too extremely utterly truly deeply totally absolutely incredibly completely most really "
    "thoroughly grossly wholly downright outright particularly especially".split()
)
_NOUNS = frozenset({"NOUN", "PROPN"})
_PEOPLE_POS = frozenset({"NOUN", "PROPN", "ADJ"})
_QUOTE_CHARS = "\"“”‘’«»'"
_HASHTAG = re.compile(r"(?<![\w#])#[A-Za-z][A-Za-z0-9_]{1,40}")
# Longest span a "next"-reach doubt marker takes beyond itself, in tokens.
_DOUBT_REACH = 12


@dataclass(frozen=True)
class RuleHit:
    """One rule finding: the span, its technique and the cue that triggered it."""

    start: int
    end: int
    technique: str
    family: str
    cue_start: int
    cue_end: int
    cue: str  # the cue's text exactly as in the document
    gloss: str  # what the cue does, finishing the sentence "‘cue’ ..."
    grade: int = 0  # loaded-language strength 1-3; 0 for the other families
    entry: str = ""  # the lexicon entry that matched (for measurement)


# --------------------------------------------------------------------------- lexicons


@dataclass(frozen=True)
class Entry:
    family: str
    words: tuple[str, ...]
    gloss: str
    grade: int = 0
    kind: str = ""  # family-specific: doubt reach, exaggeration "tail", slogan/authority kind

    @property
    def phrase(self) -> str:
        return " ".join(self.words)


def _entry_words(phrase: str) -> tuple[str, ...]:
    """Split an entry the way spaCy's English tokenizer splits running text."""
    words: list[str] = []
    for part in phrase.lower().split():
        if part == "nat":
            words.append(NAT)
            continue
        # hyphens between letters and clitics are separate tokens in spaCy
        for piece in re.findall(r"n't|'s|'re|'ll|'ve|'m|'d|[^\W_]+(?:'[^\W_]+)?|[^\w\s]", part):
            words.append(piece)
    return tuple(words)


def _fields(line: str, name: str, count: int) -> list[str]:
    cols = [c.strip() for c in line.split("|")]
    if len(cols) != count or not all(cols):
        raise ValueError(f"lexicon {name}: expected {count} '|'-separated fields in line {line!r}")
    return cols


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    """Every rule entry of every family (read once per process)."""
    out: list[Entry] = []
    for line in resources.lexicon("techniques_loaded_language"):
        phrase, grade, gloss = _fields(line, "techniques_loaded_language", 3)
        out.append(Entry("loaded", _entry_words(phrase), gloss, grade=int(grade)))
    for line in resources.lexicon("techniques_labels"):
        phrase, gloss = _fields(line, "techniques_labels", 2)
        out.append(Entry("labels", _entry_words(phrase), gloss))
    for marker in doubt_markers():
        out.append(Entry("doubt", _entry_words(marker.phrase), marker.gloss, kind=marker.reach))
    for line in resources.lexicon("techniques_cliches"):
        phrase, gloss = _fields(line, "techniques_cliches", 2)
        out.append(Entry("cliches", _entry_words(phrase), gloss))
    for line in resources.lexicon("techniques_exaggeration"):
        phrase, gloss = _fields(line, "techniques_exaggeration", 2)
        kind = ""
        if phrase.startswith("tail:"):
            kind, phrase = "tail", phrase[5:].strip()
        out.append(Entry("exaggeration", _entry_words(phrase), gloss, kind=kind))
    for line in resources.lexicon("techniques_flag_waving"):
        phrase, gloss = _fields(line, "techniques_flag_waving", 2)
        out.append(Entry("flag_waving", _entry_words(phrase), gloss))
    for name, family in (("techniques_authority", "authority"), ("techniques_slogans", "slogans")):
        for line in resources.lexicon(name):
            head, gloss = _fields(line, name, 2)
            kind, _, phrase = head.partition(":")
            out.append(Entry(family, _entry_words(phrase.strip()), gloss, kind=kind.strip()))
    return tuple(out)


@dataclass(frozen=True)
class PhraseIndex:
    """Entries keyed by their first word; a token is looked up by its lower form and lemma."""

    by_first: dict[str, tuple[Entry, ...]]

    @classmethod
    def build(cls, items: Iterable[Entry]) -> "PhraseIndex":
        table: dict[str, list[Entry]] = {}
        for e in items:
            if e.words:
                table.setdefault(e.words[0], []).append(e)
        # longest phrases first, so the first full match at a position is the longest
        return cls({k: tuple(sorted(v, key=lambda e: -len(e.words))) for k, v in table.items()})


@lru_cache(maxsize=1)
def phrase_index() -> PhraseIndex:
    """Phrase entries of every family, one index (authority verbs and slogan openers excluded)."""
    return PhraseIndex.build(
        e
        for e in entries()
        if e.family not in {"authority", "slogans"} and not (e.family == "exaggeration" and e.kind == "tail")
    )


@lru_cache(maxsize=1)
def authority_index() -> PhraseIndex:
    return PhraseIndex.build(_entries("authority", "source"))


@lru_cache(maxsize=1)
def _family_table() -> dict[tuple[str, str], tuple[Entry, ...]]:
    table: dict[tuple[str, str], list[Entry]] = {}
    for e in entries():
        table.setdefault((e.family, e.kind), []).append(e)
    return {k: tuple(sorted(v, key=lambda e: -len(e.words))) for k, v in table.items()}


def _entries(family: str, kind: str) -> tuple[Entry, ...]:
    return _family_table().get((family, kind), ())


@lru_cache(maxsize=1)
def _authority_verbs() -> frozenset[str]:
    return frozenset(e.phrase for e in _entries("authority", "verb"))


@lru_cache(maxsize=1)
def _slogan_cues() -> frozenset[str]:
    return frozenset(e.phrase for e in _entries("slogans", "cue"))


# --------------------------------------------------------------------------- the document view


class View:
    """The parse as parallel lists (lower forms, lemmas), built once per document."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.text = doc.text
        self.lower = [t.lower_ for t in doc]
        self.lemma = [t.lemma_.lower() for t in doc]
        self.nat = [t.ent_type_ in _NAT_ENTS for t in doc]
        self.n = len(doc)

    def word_matches(self, i: int, word: str) -> bool:
        if word == NAT:
            return self.nat[i]
        return self.lower[i] == word or self.lemma[i] == word or _apostrophe(self.lower[i]) == word

    def match_at(self, i: int, words: Sequence[str]) -> bool:
        if i + len(words) > self.n:
            return False
        return all(self.word_matches(i + k, w) for k, w in enumerate(words))

    def keys(self, i: int) -> tuple[str, ...]:
        keys = [self.lower[i]]
        if self.lemma[i] != self.lower[i]:
            keys.append(self.lemma[i])
        folded = _apostrophe(self.lower[i])
        if folded != self.lower[i]:
            keys.append(folded)
        if self.nat[i]:
            keys.append(NAT)
        return tuple(keys)

    def span_text(self, start: int, end: int) -> str:
        return self.text[start:end]


def _apostrophe(word: str) -> str:
    return word.replace("’", "'") if "’" in word else word


def _char_span(doc: Doc, first: int, last: int) -> Span:
    """Character span of tokens ``first..last`` (inclusive)."""
    return doc[first].idx, doc[last].idx + len(doc[last].text)


def _hit(view: View, family: str, first: int, last: int, cue_first: int, cue_last: int, entry: Entry) -> RuleHit:
    start, end = _char_span(view.doc, first, last)
    cs, ce = _char_span(view.doc, cue_first, cue_last)
    return RuleHit(
        start=start,
        end=end,
        technique=FAMILY_TECHNIQUE[family],
        family=family,
        cue_start=cs,
        cue_end=ce,
        cue=view.text[cs:ce],
        gloss=entry.gloss,
        grade=entry.grade,
        entry=entry.phrase,
    )


# --------------------------------------------------------------------------- families


def _phrase_matches(view: View) -> Iterator[tuple[int, int, Entry]]:
    """(first token, last token, entry): the longest entry of each family at each position."""
    index = phrase_index().by_first
    for i in range(view.n):
        seen: set[str] = set()
        for key in view.keys(i):
            for entry in index.get(key, ()):
                if entry.family in seen:
                    continue
                if view.match_at(i, entry.words):
                    seen.add(entry.family)
                    yield i, i + len(entry.words) - 1, entry


def _in_name(tokens: Sequence[Token]) -> bool:
    """True when the words are part of a proper name ("Islamic Resistance", "Holy See")."""
    return any(t.pos_ == "PROPN" and t.text[:1].isupper() and not t.is_sent_start for t in tokens)


def _loaded(view: View, first: int, last: int, entry: Entry) -> Optional[RuleHit]:
    doc = view.doc
    if _in_name(doc[first : last + 1]):
        return None
    start = first
    while start > 0 and view.lower[start - 1] in _INTENSIFIERS and doc[start - 1].pos_ == "ADV":
        start -= 1
    return _hit(view, "loaded", start, last, first, last, entry)


def _np_bounds(head: Token) -> tuple[int, int]:
    """Token range of a noun's own modifiers: adjectives, compounds and hyphen parts, no determiner."""
    first = head.i
    for child in sorted(head.lefts, key=lambda t: -t.i):
        if child.i == first - 1 and child.dep_ in {"amod", "compound", "nmod", "punct", "npadvmod", "nummod"} and child.text not in _QUOTE_CHARS:
            first = child.i
            first = min(first, min((t.i for t in child.subtree), default=first))
        else:
            break
    return first, head.i


def _labels(view: View, first: int, last: int, entry: Entry) -> Optional[RuleHit]:
    doc = view.doc
    head = doc[last]
    if head.pos_ not in _PEOPLE_POS:
        return None
    if _in_name(doc[first : last + 1]) and not head.is_sent_start:
        return None
    if head.pos_ == "ADJ":
        # an adjective label counts only on a noun ("radical clerics"), not as a predicate ("it is radical")
        if head.dep_ != "amod" or head.head.pos_ not in _NOUNS or head.head.i < head.i:
            return None
        noun = head.head
    else:
        noun = head
        # a label used as a modifier of another noun labels that noun ("regime forces")
        if head.dep_ == "compound" and head.head.i > head.i and head.head.pos_ in _NOUNS:
            noun = head.head
    lo, hi = _np_bounds(noun)
    lo = min(lo, first)
    hi = max(hi, last)
    while lo < first and (doc[lo].is_punct or doc[lo].pos_ == "DET"):
        lo += 1
    return _hit(view, "labels", lo, hi, first, last, entry)


def _sentence_end(tok: Token) -> int:
    return tok.sent.end - 1


def _trim_tokens(doc: Doc, first: int, last: int) -> int:
    """Last token index with trailing punctuation (other than closing quotes inside) removed."""
    while last > first and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    return last


def _phrase_end(tok: Token) -> int:
    """Last token of ``tok``'s phrase, leaving out a coordinated clause with its own auxiliary or
    subject ("merely relabeling X and have ramped up Y"); coordinated words stay ("training, advising and assisting")."""
    clauses = [c for c in tok.children if c.i > tok.i and c.dep_ == "conj" and any(g.dep_ in {"aux", "auxpass", "nsubj", "nsubjpass"} for g in c.children)]
    stop = min((c.left_edge.i for c in clauses), default=None)
    end = tok.i
    for t in tok.subtree:
        if stop is not None and t.i >= stop:
            break
        end = max(end, t.i)
    return _trim_conjunction(tok.doc, tok.i, end)


def _trim_conjunction(doc: Doc, first: int, last: int) -> int:
    while last > first and (doc[last].dep_ == "cc" or doc[last].is_punct):
        last -= 1
    return last


def _doubt(view: View, first: int, last: int, entry: Entry) -> Optional[RuleHit]:
    doc = view.doc
    if entry.kind != "next":
        return _hit(view, "doubt", first, last, first, last, entry)
    marker = doc[last]
    limit = min(_sentence_end(marker), last + _DOUBT_REACH)
    end = last
    if marker.dep_ in {"amod", "compound", "advmod", "npadvmod"} and marker.head.i > last and marker.head.pos_ in _NOUNS | {"ADJ", "NUM"}:
        end = marker.head.i  # "so-called experts", "alleged crimes"
    elif marker.pos_ == "ADP" or marker.dep_ in {"prep", "agent"}:
        objs = [c for c in marker.children if c.dep_ in {"pobj", "pcomp"}]
        if objs:
            end = _phrase_end(objs[0])  # "under the pretext of fighting terrorism"
    elif marker.dep_ in {"advmod", "acomp", "amod"} and marker.head.i > last:
        end = _phrase_end(marker.head)  # "merely wants to stay in power"
    elif marker.pos_ in {"VERB", "AUX"} or marker.dep_ in {"ROOT", "ccomp", "xcomp", "relcl"}:
        comps = [c for c in marker.children if c.i > last and c.dep_ in {"attr", "xcomp", "ccomp", "dobj", "acomp", "oprd"}]
        if comps:
            end = _phrase_end(comps[0])  # "claims to be a reformer"
    else:
        nxt = [c for c in doc[last + 1 : limit + 1] if c.pos_ in _NOUNS]
        if nxt:
            end = nxt[0].i
    end = _trim_tokens(doc, last, min(end, limit))
    return _hit(view, "doubt", first, end, first, last, entry)


def _cliche(view: View, first: int, last: int, entry: Entry) -> Optional[RuleHit]:
    return _hit(view, "cliches", first, last, first, last, entry)


def _exaggeration_phrase(view: View, first: int, last: int, entry: Entry) -> Optional[RuleHit]:
    doc = view.doc
    if _in_name(doc[first : last + 1]):
        return None
    end = last
    tok = doc[last]
    # an intensifying adverb takes the word it sharpens ("totally false", "absolutely no")
    if tok.pos_ == "ADV" and last + 1 < view.n and doc[last + 1].pos_ in {"ADJ", "DET", "ADV", "VERB"} and not doc[last + 1].is_punct:
        if tok.head.i == last + 1 or doc[last + 1].lower_ in {"no", "nothing", "nobody", "none", "never", "false", "wrong"}:
            end = last + 1
    elif tok.pos_ == "ADV" and first == last:
        return None  # a bare adverb with nothing to sharpen is not a claim
    return _hit(view, "exaggeration", first, end, first, last, entry)


def _superlatives(view: View) -> Iterator[RuleHit]:
    """A superlative sealed by a record claim: "the worst attack ever", "the biggest crime in history"."""
    doc = view.doc
    tails = _entries("exaggeration", "tail")
    for tok in doc:
        if tok.tag_ not in {"JJS", "RBS"}:
            continue
        if tok.lower_ in {"least", "most"} and tok.tag_ == "JJS":
            continue  # "at least", "most of"
        if tok.i > 0 and view.lower[tok.i - 1] == "at":
            continue
        sent_end = tok.sent.end
        for j in range(tok.i + 1, min(sent_end, tok.i + 9)):
            entry = next((e for e in tails if view.match_at(j, e.words)), None)
            if entry is not None:
                first = tok.i - 1 if tok.i > 0 and view.lower[tok.i - 1] == "the" else tok.i
                last = j + len(entry.words) - 1
                yield _hit(view, "exaggeration", first, last, tok.i, last, entry)
                break
            if doc[j].is_punct and doc[j].text not in "-–—'’":
                break


def _flag_waving(view: View, first: int, last: int, entry: Entry) -> Optional[RuleHit]:
    doc = view.doc
    if entry.words[0] == NAT:
        # a nationality followed by one of the loyalty nouns; "Iraqi" must be an adjective or name, not a person
        if doc[first].ent_type_ not in _NAT_ENTS:
            return None
    elif _in_name(doc[first : last + 1]):
        return None
    return _hit(view, "flag_waving", first, last, first, last, entry)


def _authority(view: View) -> Iterator[RuleHit]:
    """Authorities given as the ground: "experts agree", "the Bible teaches", "according to the Koran"."""
    doc = view.doc
    verbs = _authority_verbs()
    index = authority_index().by_first
    for i in range(view.n):
        candidates = [e for key in view.keys(i) for e in index.get(key, ())]
        entry = next((e for e in candidates if view.match_at(i, e.words)), None)
        if entry is None:
            continue
        last = i + len(entry.words) - 1
        noun = doc[last]
        if noun.pos_ not in _NOUNS:
            continue
        # climb from a title to the name it belongs to ("Ayatollah Sistani", "the Pope's message")
        head = noun
        while head.dep_ in {"compound", "flat", "appos"} and head.head.i > head.i and head.head.pos_ in _NOUNS:
            head = head.head
        lo = min(t.i for t in head.subtree if t.i <= head.i and t.dep_ in {"det", "compound", "amod", "poss", "flat", "nmod", "case"} or t.i == head.i)
        lo = min(lo, i)
        if head.dep_ == "pobj" and head.head.lower_ == "to" and head.head.i > 0 and view.lower[head.head.i - 1] == "according":
            start = head.head.i - 1
            yield _hit(view, "authority", start, head.i, i, last, entry)
            continue
        if head.dep_ in {"nsubj", "nsubjpass"}:
            verb = head.head
            if verb.lemma_.lower() in verbs and verb.i > head.i and verb.i - head.i <= 6:
                start = lo
                if any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children):
                    start = min(start, next(c.i for c in verb.children if c.dep_ == "mark" and c.lower_ == "as"))
                end = verb.i
                prt = [c.i for c in verb.children if c.dep_ == "prt" and c.i == end + 1]
                if prt:
                    end = prt[0]
                yield _hit(view, "authority", start, end, i, last, entry)


def _short_sentence(view: View, sent) -> bool:
    words = [t for t in sent if t.is_alpha]
    return 0 < len(words) <= 8


def _inner_bounds(sent) -> Optional[tuple[int, int]]:
    """First and last token of a sentence with outer quotes and final punctuation removed."""
    first, last = sent.start, sent.end - 1
    doc = sent.doc
    while first <= last and (doc[first].is_punct or doc[first].is_space) and doc[first].text not in "#":
        first += 1
    while last >= first and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    return (first, last) if first <= last else None


def _slogans(view: View) -> Iterator[RuleHit]:
    doc = view.doc
    openers = _entries("slogans", "opener")
    closers = _entries("slogans", "closer")
    cues = _slogan_cues()
    emitted: list[Span] = []

    def emit(hit: RuleHit) -> Iterator[RuleHit]:
        if not any(s < hit.end and hit.start < e for s, e in emitted):
            emitted.append((hit.start, hit.end))
            yield hit

    # 1. a short quotation next to a chant/placard cue: the quoted words are the slogan
    for sent in doc.sents:
        cue_tokens = [t for t in sent if view.lower[t.i] in cues or view.lemma[t.i] in cues]
        if cue_tokens:
            cue_tok = cue_tokens[0]
            cue_entry = next(e for e in _entries("slogans", "cue") if e.phrase in (view.lower[cue_tok.i], view.lemma[cue_tok.i]))
            for m in _quoted_pieces(view.text, sent.start_char, sent.end_char):
                s, e = m
                words = re.findall(r"[^\W_]+", view.text[s:e])
                if 1 <= len(words) <= 8:
                    gloss = "is a short rallying line reported as chanted or displayed; its few words stand in for an argument"
                    hit = RuleHit(s, e, "Slogans", "slogans", s, e, view.text[s:e], gloss, entry=cue_entry.phrase)
                    yield from emit(hit)

    # 2. a short sentence that opens or closes like a slogan ("Death to ...", "Occupiers out!")
    for sent in doc.sents:
        if not _short_sentence(view, sent):
            continue
        bounds = _inner_bounds(sent)
        if bounds is None:
            continue
        first, last = bounds
        entry = next((e for e in openers if view.match_at(first, e.words)), None)
        if entry is not None and len(entry.words) == 1:
            # single-word openers ("Free", "Stop", "End") must be commands, not nouns or adjectives
            exclaimed = any(t.text == "!" for t in doc[last + 1 : sent.end])
            if (doc[first].tag_ != "VB" and not exclaimed) or any(t.dep_ in {"nsubj", "nsubjpass"} for t in sent):
                entry = None
        if entry is None:
            for e in closers:
                k = len(e.words)
                if last - k + 1 > first and view.match_at(last - k + 1, e.words):
                    has_subject_verb = any(t.dep_ in {"nsubj", "nsubjpass"} and t.head.pos_ in {"VERB", "AUX"} and t.head.lemma_ != "must" for t in sent)
                    if e.phrase in {"must go", "must fall"} or not has_subject_verb:
                        entry = e
                    break
        if entry is None:
            continue
        yield from emit(_hit(view, "slogans", first, last, first, last, entry))

    # 3. hashtags are slogans by design
    for m in _HASHTAG.finditer(view.text):
        gloss = "is a hashtag, a catchphrase built to be repeated and shared"
        yield from emit(RuleHit(m.start(), m.end(), "Slogans", "slogans", m.start(), m.end(), m.group(), gloss, entry="#hashtag"))


_QUOTED = re.compile(r"“([^”\n]{1,120})”|\"([^\"\n]{1,120})\"|‘([^’\n]{1,120})’")


def _quoted_pieces(text: str, start: int, end: int) -> Iterator[Span]:
    for m in _QUOTED.finditer(text, start, end):
        g = next(i for i in (1, 2, 3) if m.group(i) is not None)
        s, e = m.start(g), m.end(g)
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ".,;:"):
            e -= 1
        if e > s:
            yield s, e


# --------------------------------------------------------------------------- entry point

_PHRASE_HANDLERS = {
    "loaded": _loaded,
    "labels": _labels,
    "doubt": _doubt,
    "cliches": _cliche,
    "exaggeration": _exaggeration_phrase,
    "flag_waving": _flag_waving,
}


def find(doc: Doc, families: Iterable[str] | None = None) -> list[RuleHit]:
    """Every rule hit in the parsed document, ordered by start (then family)."""
    wanted = set(FAMILIES if families is None else families)
    if len(doc) == 0 or not wanted:
        return []
    view = View(doc)
    hits: list[RuleHit] = []
    for first, last, entry in _phrase_matches(view):
        if entry.family not in wanted:
            continue
        hit = _PHRASE_HANDLERS[entry.family](view, first, last, entry)
        if hit is not None:
            hits.append(hit)
    if "exaggeration" in wanted:
        hits.extend(_superlatives(view))
    if "authority" in wanted:
        hits.extend(_authority(view))
    if "slogans" in wanted:
        hits.extend(_slogans(view))
    return _dedupe(hits)


def _dedupe(hits: list[RuleHit]) -> list[RuleHit]:
    """Within one family, a hit inside another hit is dropped; identical spans kept once."""
    hits.sort(key=lambda h: (h.family, h.start, -(h.end - h.start)))
    out: list[RuleHit] = []
    last_by_family: dict[str, RuleHit] = {}
    for h in hits:
        prev = last_by_family.get(h.family)
        if prev is not None and prev.start <= h.start and h.end <= prev.end:
            continue
        out.append(h)
        last_by_family[h.family] = h if prev is None or h.end > prev.end else prev
    out.sort(key=lambda h: (h.start, h.end, h.family))
    return out
