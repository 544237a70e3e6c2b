"""Quotes: direct, indirect and mixed reported speech, with speaker and cue.

How it works, in one pass over the text and one over the parse:
1. quote marks are paired by ``presslens.quotemarks``;
2. reporting cues are read off the dependency parse (``cues``): a verb from the reporting-verb
   lexicon with a clausal complement (indirect content), ", saying ...", "according to X",
   a parenthetical cue inside its content ("A, X said, is B", "As X noted, A"), the object of
   verbs like "criticized" or "pointed to" (lexicon quote_object_verbs) and noun cues
   ("repeated the call to ...");
3. each quoted segment is attached to the nearest cue in its sentence (after it, then
   before it); a segment inside a cue's complement makes that quote ``mixed``;
   a quoted paragraph with no cue continues the previous speaker (floating quote);
   short quoted strings with no cue (titles, scare quotes) are dropped;
   a cue that reports no statement gives no content: negated ("did not say that"), hedged
   ("critics might argue"), asked ("Did he say ...?"), a set phrase ("That said,"), an imperative;
4. speech verbs that things do ("a look at X suggests", "the figures show") are evidence cues;
   a belief or evidence cue whose source is nobody a reader can name is no quote;
5. speakers (``speakers``) are mapped to entities through ``Entity.mentions`` (the speaker span covers the
   whole mention). A pronoun speaker is whoever the entities stage linked it to there (it
   resolves pronouns once, speaker continuity included: "he said" after a quote of X is X,
   "they insist" the group that spoke just before); this stage resolves no pronoun itself. A
   pronoun left unresolved names nobody, except the writer's own "I".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Doc, Token

from ...model import Cue, Quote, Speaker
from ...quotemarks import ALL_MARKS, quote_segments
from ...tokens import TokenIndex, token_index
from ._common import GROUP_PRONOUNS, PERSON_PRONOUNS, WRITER, Lexicons, Span, lexicons, trim
from .cues import CueCand, SHORT_QUOTE_WORDS, TITLE_MAX_WORDS, UNCUED_MIN_WORDS, find_cues
from .speakers import Resolved, SpeakerResolver


name = "quotes"
requires = ("entities",)
assigns = "quotes"


@dataclass
class Found:
    start: int
    end: int
    kind: str
    cue: Optional[CueCand]
    subject: Optional[Token] = None
    floating: bool = False


def _words(text: str, s: int, e: int) -> int:
    return len(text[s:e].split())


def run(ctx) -> list[Quote]:
    text: str = ctx.text
    doc: Doc = ctx.doc
    if not text.strip() or len(doc) == 0:
        return []
    lex = lexicons()
    paragraphs = list(ctx.analysis.document.paragraphs) or [(0, len(text))]
    art = _Article(text, doc, quote_segments(text, paragraphs))
    cues = [c for c in find_cues(doc, text, lex) if not art.inside_segment(c.start)]
    # "X wrote that the crisis showed …": a cue with a subject that cannot speak, inside what
    # another cue reports, is part of that report, not a source of its own.
    cues = [
        c for c in cues
        if not (
            _inanimate(c.subject, lex)
            and any(d is not c and d.content is not None and d.content[0] <= c.start < d.content[1] for d in cues)
        )
    ]
    for c in cues:
        if c.cls == "speech" and c.tok.lemma_.lower() in _THING_VERBS and _thing(c.subject, lex):
            c.cls = "evidence"  # "A look at the fleet suggests that ...": a thing shows, nobody speaks
    found = _direct_quotes(art, cues, lex) + _indirect_quotes(art, cues)
    return _with_speakers(ctx, _merged(found), paragraphs, lex)


class _Article:
    """The text with its parse, quoted stretches and sentences, looked up by offset."""

    def __init__(self, text: str, doc: Doc, segments: list[Span]) -> None:
        self.text, self.doc, self.segments = text, doc, segments
        self.seg_starts = [s for s, _ in segments]
        self.tokens = token_index(doc)
        self.sents = list(doc.sents)
        self.sent_starts = [s.start_char for s in self.sents]

    def inside_segment(self, pos: int) -> bool:
        j = bisect.bisect_right(self.seg_starts, pos) - 1
        return j >= 0 and self.segments[j][0] < pos < self.segments[j][1]

    def has_segment(self, span: Span) -> bool:
        j = bisect.bisect_left(self.seg_starts, span[0])
        return self.inside_segment(span[0]) or (j < len(self.segments) and self.segments[j][0] < span[1])

    def sent_range(self, pos: int) -> Span:
        j = max(bisect.bisect_right(self.sent_starts, pos) - 1, 0)
        return self.sents[j].start_char, self.sents[j].end_char


def _direct_quotes(art: _Article, cues: list[CueCand], lex: Lexicons) -> list[Found]:
    """Each quoted stretch with its cue, or kept without one when it stands as its own sentence;
    titles and scare quotes go."""
    text = art.text
    cue_starts = [c.start for c in cues]
    found: list[Found] = []
    prev_end = -1
    for k, (s, e) in enumerate(art.segments):
        next_start = art.segments[k + 1][0] if k + 1 < len(art.segments) else len(text)
        inner = s
        while inner < e - 1 and (text[inner] in ALL_MARKS or text[inner].isspace()):
            inner += 1
        ss, _ = art.sent_range(inner)  # the parser may glue an opening mark to the sentence before
        ss = min(ss, s)
        _, se = art.sent_range(max(e - 1, s))
        # a closing mark followed by ", he said": the sentence of the closing mark may end after it
        _, se_after = art.sent_range(min(e, len(text) - 1)) if e < len(text) else (0, e)
        nxt = e
        while nxt < len(text) and text[nxt] in " \t":
            nxt += 1
        if nxt < len(text) and text[nxt] != "\n":
            _, se_after = art.sent_range(nxt)  # '“Stop!” a man yelled.' may be cut after the '!”'
        after_lo, after_hi = e, min(next_start, max(se, se_after))
        if text[ss:s].strip() == "" and ss > 0:
            lead = text[:ss].rstrip(" \t")
            if lead.endswith((":", ",")):  # "X told reporters:" parsed as its own sentence
                ss, _ = art.sent_range(len(lead) - 1)
        before_lo, before_hi = max(prev_end, ss), s
        prev_end = e
        cue = _nearest_cue(art, cues, cue_starts, s, e, (before_lo, before_hi), (after_lo, after_hi))
        kind = "direct"
        span = (s, e)
        if cue is not None and cue.content is not None:
            cs, ce = cue.content
            outside = _words(text, min(cs, s), s) + _words(text, e, max(ce, e))
            if cue.end <= cs <= s and outside >= 3:  # the quote is a fragment of the reported clause
                kind = "mixed"
                span = (cs, max(ce, e))
            elif ce <= cue.start and cs < s and e <= ce + 2 and outside >= 3:
                # 'Her plans “would ruin us”, the union said': the fragment sits in the content before the cue
                kind = "mixed"
                span = (cs, max(ce, e))
        standalone = _standalone(text, s, e, ss, max(se, se_after))
        n_words = _words(text, s, e)
        if re.match(r"[\s,]*by\s+[A-Z]", text[e : e + 40]) and cue is None:
            continue  # '“Museum to close,” by Jane Doe': the title of a piece, with its byline
        if n_words <= TITLE_MAX_WORDS and _title_case(text[s:e]) and not (standalone and cue is None):
            continue  # a title of a book, show or slogan in Title Case
        if cue is not None and kind == "direct" and cue.start >= e and n_words >= SHORT_QUOTE_WORDS:
            lead = text[before_lo:s]
            if "\n" not in lead and _words(text, before_lo, s) >= 2 and _embedded(lead) and not _has_cue_word(lead, lex):
                lead_span = trim(text, before_lo, s)
                if lead_span is not None:  # 'The people of X “deserve ...,” she said': the subject is hers too
                    kind, span = "mixed", (lead_span[0], e)
        if cue is not None and kind == "direct" and n_words < SHORT_QUOTE_WORDS and _embedded(text[before_lo:s]):
            gap = text[cue.end : s]
            if _modifies_next(art, s, e):
                continue  # 'what he calls the “crooked” process': a scare-quoted modifier of the noun after it
            if cue.end <= s and cue.cls == "speech" and "\n" not in gap and (len(gap.split()) <= 4 or len(gap.split()) <= 10 and not re.search(r"[,;:.!?]", gap)):
                # "called her “crooked”": the object and the quoted words are the content
                trimmed = trim(text, cue.end, e)
                if trimmed is not None:
                    kind, span = "mixed", (trimmed[0], e)
            else:
                cue = None  # a short quoted term inside someone's sentence: a title or scare quote
        if cue is None:
            if not standalone:
                if n_words < UNCUED_MIN_WORDS:
                    continue  # title, name or scare quote
            found.append(Found(span[0], span[1], "direct", None, floating=standalone))
            continue
        cue.used = True
        found.append(Found(span[0], span[1], kind, cue, cue.subject))

    return found


def _nearest_cue(
    art: _Article, cues: list[CueCand], cue_starts: list[int], s: int, e: int, before: Span, after: Span
) -> Optional[CueCand]:
    """The cue a quoted stretch [s, e) belongs to: right after it ('"...," he said'), else right
    before it in the same paragraph ('He said: "..."')."""
    text = art.text
    before_lo, before_hi = before
    after_lo, after_hi = after
    cue: Optional[CueCand] = None
    # cue after the quote: "..." he said / said X
    j = bisect.bisect_left(cue_starts, after_lo)
    while j < len(cues) and cues[j].start < after_hi:
        c = cues[j]
        gap = text[after_lo : c.start]
        if c.subject is None and "\n" not in gap and c.tok.pos_ == "VERB":
            c.subject = _gap_subject(art.doc, art.tokens, after_lo, c.tok)
        subject_first = c.subject is not None and not re.sub(r"[\W_]", "", text[after_lo : c.subject.left_edge.idx])
        comma_led = text[s:e].rstrip(ALL_MARKS + " ").endswith(",") or text[e:c.start].lstrip().startswith(",")
        own = not comma_led and c.content is not None and c.content[0] >= c.end and not art.has_segment(c.content)
        if "\n" not in gap and c.subject is not None and (len(gap.split()) <= 10 or subject_first) and not own:
            cue = c  # (a cue with its own unquoted content after it reports that, not this quote)
        break
    if cue is None:
        j = bisect.bisect_left(cue_starts, before_hi) - 1
        if j >= 0 and cues[j].start >= before_lo:
            c = cues[j]
            gap = text[c.end : before_hi]
            runs_on = c.content is not None and c.content[0] < s <= c.content[1] + 2  # the clause runs into the quote
            if "\n" not in gap and (len(gap.split()) <= 8 or gap.rstrip().endswith((":", ",")) or runs_on):
                cue = c
    return cue


def _indirect_quotes(art: _Article, cues: list[CueCand]) -> list[Found]:
    """Indirect speech: cues with content that no quoted stretch took."""
    text = art.text
    found: list[Found] = []
    for c in cues:
        if c.used or c.content is None:
            continue
        cs, ce = c.content
        if _words(text, cs, ce) < (1 if c.short_ok else 2):
            continue
        j = bisect.bisect_left(art.seg_starts, cs)
        k = bisect.bisect_left(art.seg_starts, ce) - 1
        if k >= 0 and art.segments[k][0] < ce < art.segments[k][1] <= ce + 3:
            ce = art.segments[k][1]  # the content ends on a closing mark: '… “to surface.”'
        inner = j < len(art.segments) and art.segments[j][1] <= ce + 1
        kind = "mixed" if inner else "indirect"
        found.append(Found(cs, ce, kind, c, c.subject))

    return found


def _merged(found: list[Found]) -> list[Found]:
    """A mixed quote swallows a direct quote of the same cue that it contains."""
    found.sort(key=lambda f: (f.start, -f.end))
    kept: list[Found] = []
    for f in found:
        if kept and f.start >= kept[-1].start and f.end <= kept[-1].end + 3 and kept[-1].kind == "mixed" and f.kind == "direct" and (f.cue is None or f.cue is kept[-1].cue):
            continue
        kept.append(f)

    return kept


def _with_speakers(ctx, kept: list[Found], paragraphs: list[Span], lex: Lexicons) -> list[Quote]:
    """Quotes in text order, each speaker resolved; a floating quote keeps the last speaker."""
    text: str = ctx.text
    doc: Doc = ctx.doc
    resolver = SpeakerResolver(doc, text, list(ctx.analysis.entities), paragraphs, lex)
    quotes: list[Quote] = []
    last_speaker: Optional[Resolved] = None
    last_para = -10
    for f in kept:
        para = resolver.para_of(f.start)
        if f.cue is None:
            if f.floating and last_speaker is not None and para - last_para <= 2:
                sp = last_speaker.speaker()
            else:
                sp = Speaker()
            cue_model = None
        else:
            r = resolver.resolve(f.subject)
            sp = r.speaker()
            cue_model = Cue(text=text[f.cue.start : f.cue.end], span=(f.cue.start, f.cue.end), kind=f.cue.cls)
            if f.cue.cls != "speech" and not _identified(r):
                continue  # "it is understood that", "polls show": belief or evidence with no one behind it
            if r.text is not None:
                last_speaker = r
        if f.cue is not None or sp.name is not None:
            last_para = para
        quotes.append(
            Quote(id="", kind=f.kind, text=text[f.start : f.end], span=(f.start, f.end), speaker=sp, cue=cue_model)  # type: ignore[arg-type]
        )
    quotes = _one_per_span(quotes)
    quotes.sort(key=lambda q: (q.span[0], q.span[1]))
    for n, q in enumerate(quotes, 1):
        q.id = f"Q{n}"
    return quotes


def _inanimate(subject: Optional[Token], lex: Lexicons) -> bool:
    """A common-noun subject that cannot speak (not a person, group, body or document noun)."""
    return (
        subject is not None
        and subject.pos_ == "NOUN"
        and not subject.ent_type_
        and subject.lemma_.lower() not in lex.speaker_kind
        and subject.lower_ not in lex.speaker_kind
    )


def _identified(r: Resolved) -> bool:
    """A source a reader can name: a person, group, organisation or document, a pronoun the
    entities stage resolved to one, or the writer's own "I" ("as I have argued": the byline
    names them). An unresolved "they", "we know" or "you" names nobody."""
    if r.text is None or r.kind == "unknown":
        return False
    low = r.text.lower()
    if low == WRITER:
        return True
    return not (low in PERSON_PRONOUNS | GROUP_PRONOUNS | {"you", "one", "it"}) or bool(r.entity or r.name)


# speech verbs that things do too: "the figures suggest", "releasing them would reveal"
_THING_VERBS = frozenset(
    "suggest indicate reveal point demonstrate highlight underscore underline signal imply illustrate mean prove show".split()
)


def _thing(subject: Optional[Token], lex: Lexicons) -> bool:
    """A subject that cannot speak: a common noun that names no speaker, an action ('releasing the
    files'), or a bare 'it', 'this', 'that', 'which' with no person behind it."""
    if subject is None:
        return False
    if subject.lower_ in ("it", "this", "that", "which", "what"):
        return True
    if subject.tag_ == "VBG" or subject.dep_ == "csubj":
        return True
    kind = lex.speaker_kind.get(subject.lemma_.lower()) or lex.speaker_kind.get(subject.lower_)
    if kind == "document":
        return True
    # "a look at the fleet", "a review of the books": an act of examining (the noun list of
    # speakers is not complete enough to call every other common noun a thing)
    return _inanimate(subject, lex) and any(c.dep_ == "prep" and c.lower_ in ("at", "into", "of") for c in subject.children)


def _speaker_rank(q: Quote) -> tuple[bool, bool, bool]:
    sp = q.speaker
    low = sp.text.lower() if sp.text is not None else None
    named = low is not None and low not in PERSON_PRONOUNS | GROUP_PRONOUNS
    return (sp.entity is not None or low == WRITER, named, sp.text is not None)


def _one_per_span(quotes: list[Quote]) -> list[Quote]:
    """Two cues around one quote ("X, he said, “…,” al-X said") give one quote: keep the
    attribution that names its speaker."""
    best: dict[Span, Quote] = {}
    for q in quotes:
        old = best.get(q.span)
        if old is None or _speaker_rank(q) > _speaker_rank(old):
            best[q.span] = q
    kept = sorted(best.values(), key=lambda q: (q.span[0], -q.span[1]))
    out: list[Quote] = []
    for q in kept:
        # "…pledging to stand firm in demanding X": the inner report repeats the outer one's speaker
        outer = next((o for o in reversed(out) if o.span[0] <= q.span[0] and q.span[1] <= o.span[1]), None)
        if (
            outer is not None
            and q.cue is not None
            and outer.span[0] <= q.cue.span[0] < outer.span[1]
            and (q.speaker.text is None or (q.speaker.entity or q.speaker.text) == (outer.speaker.entity or outer.speaker.text))
        ):
            continue
        out.append(q)
    return out


_SMALL_WORDS = frozenset("a an the of and or to in on for with at by from as vs".split())


def _title_case(chunk: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", chunk) if w.lower() not in _SMALL_WORDS]
    if len(words) < 2:
        return False
    return all(w[0].isupper() for w in words) and not re.search(r"\b(I|We|You)\b", chunk)


def _has_cue_word(chunk: str, lex: Lexicons) -> bool:
    return any(w in lex.form_lemma for w in re.findall(r"[a-z]+", chunk.lower())) or "according" in chunk.lower()


def _gap_subject(doc: Doc, tokens: TokenIndex, start: int, verb: Token) -> Optional[Token]:
    """'“…,” Texas delegate Bill Eastland, wearing a hat, said': the parser lost the subject;
    take the noun phrase that opens the text between the quote and the cue."""
    i = tokens.first_from(start)
    while i < verb.i and (doc[i].is_punct or doc[i].is_space):
        i += 1
    if i >= verb.i or doc[i].pos_ not in ("PROPN", "NOUN", "DET", "ADJ"):
        return None
    cand = doc[i]
    for _ in range(6):
        h = cand.head
        if h is cand or not (i <= h.i < verb.i) or h.pos_ not in ("PROPN", "NOUN"):
            break
        cand = h
    return cand if cand.pos_ in ("PROPN", "NOUN") else None


def _modifies_next(art: _Article, s: int, e: int) -> bool:
    """The quoted words modify the noun right after the closing mark ('the “fraudulent” nomination')."""
    i = art.tokens.first_from(e)
    doc = art.doc
    while i < len(doc) and doc[i].text in ALL_MARKS:
        i += 1
    if i >= len(doc) or doc[i].idx - e > 2 or doc[i].pos_ not in ("NOUN", "PROPN"):
        return False
    inner = [t for t in doc[art.tokens.first_from(s) : art.tokens.first_from(e)] if not t.is_punct]
    return bool(inner) and all(t.head.i == doc[i].i or s <= t.head.idx < e for t in inner)


def _embedded(lead: str) -> bool:
    """Text before a quote in its sentence shows it is a fragment ("called it “a prayer”")."""
    lead = lead.strip()
    return bool(lead) and not lead.endswith((":", ","))


def _standalone(text: str, s: int, e: int, ss: int, se: int) -> bool:
    """The quote is (nearly) its whole sentence: only punctuation or a cue clause around it."""
    before = text[ss:s].strip()
    after = text[e:se].strip()
    return len(before.split()) <= 0 and len(re.sub(r"[^\w]", "", after)) == 0
