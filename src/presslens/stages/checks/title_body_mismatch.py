"""The ``title_body_mismatch`` check: a headline figure the body never gives, a headline quote the
body never contains, a person named only in the headline, or a headline stating as fact what the
body calls alleged, claimed or unconfirmed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from spacy.tokens import Token

from ... import lexicons
from ...model import Analysis, Check, CheckKind, Quantity
from ...quotemarks import ALL_MARKS, quote_segments
from ...resources import lexicon
from ...figures import COMPOUND_CROWD, VAGUE
from ._common import STOP, reporting_forms, split_phrase
from ._layout import Layout

KIND: CheckKind = "title_body_mismatch"


_MIN_HEADLINE_QUOTE_WORDS = 4
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")


@lru_cache(maxsize=1)
def _hedges() -> dict[str, tuple[tuple[tuple[str, ...], bool], ...]]:
    """Hedge phrases keyed by their first word (a one-word prefix entry by its stem)."""
    out: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
    for p in lexicon("checks_hedges"):
        words = split_phrase(p.rstrip("*"))
        if words:
            out.setdefault(words[0], []).append((words, p.endswith("*")))
    return {k: tuple(v) for k, v in out.items()}


def find(analysis: Analysis, layout: Layout, already: list[Check]) -> list[Check]:
    title = layout.title
    if title is None or layout.body_start >= len(layout.text):
        return []
    body = layout.text[layout.body_start :]
    if len(body.split()) < 40:
        return []  # too little body to judge a headline by
    out: list[Check] = []
    covered = {tuple(c.evidence[0]) for c in already if c.kind == "quantity_conflict" and c.evidence}
    out.extend(_title_numbers(analysis, layout, covered))
    out.extend(_title_quotes(layout, body))
    out.extend(_title_entities(analysis, layout))
    out.extend(_title_hedged(analysis, layout))
    return out[:2]  # a headline gets two remarks at most; more would bury the body's own checks


def _title_numbers(analysis: Analysis, layout: Layout, covered: set[tuple[int, int]]) -> list[Check]:
    title = layout.title
    assert title is not None
    out: list[Check] = []
    headline_end = _headline_end(layout)
    body_digits = re.sub(r"(?<=\d),(?=\d{3})", "", layout.text[layout.body_start :])
    body_q = [q for q in analysis.quantities if q.span[0] >= layout.body_start]
    for q in analysis.quantities:
        if not layout.in_title(q.span) or q.kind not in ("count", "money", "percent") or tuple(q.span) in covered:
            continue
        v = q.value if q.value is not None else q.low if q.low is not None else q.high
        if v is None or v < 10 or VAGUE.search(q.text) or COMPOUND_CROWD.search(q.text):
            continue  # small numbers and vague amounts are too loosely worded to demand an echo
        if not layout.text[title[0] : q.span[0]].strip(" \t\"'“‘"):
            continue  # "31 ways to ...": a list headline counts the items the body lists
        if layout.text[max(0, q.span[0] - 1) : q.span[0]] in ("'", "’", "‘"):
            continue  # "in '16": a year
        if q.span[0] >= headline_end:
            continue
        if any(_figure_matches(v, q, b) for b in body_q):
            continue
        digits = re.search(r"\d[\d,.]*", q.text)
        raw = digits.group().replace(",", "").rstrip(".") if digits else ""
        if raw and re.search(r"(?<![\d.])" + re.escape(raw) + r"(?![\d])", body_digits):
            continue
        message = f'The headline gives the figure "{q.text}", but the body never states that figure.'
        out.append(Check(kind=KIND, severity="info", message=message, evidence=[q.span]))
    return out


def _headline_end(layout: Layout) -> int:
    """Where the headline proper ends: before a " | Site name" or " - Site name" tail."""
    title = layout.title
    assert title is not None
    head = layout.text[title[0] : title[1]]
    m = re.search(r"\s[|–—-]\s[^|–—-]{1,40}$", head)
    return title[0] + m.start() if m else title[1]


def _figure_matches(v: float, tq: Quantity, bq: Quantity) -> bool:
    if tq.kind != bq.kind:
        return False
    vals = [x for x in (bq.value, bq.low, bq.high) if x is not None]
    if bq.low is not None and bq.high is not None and bq.low <= v <= bq.high:
        return True
    # headlines round: 1,480 becomes "nearly 1,500"
    return any(abs(x - v) <= 0.12 * max(abs(v), 1) for x in vals)


def _norm_words(s: str) -> list[str]:
    """Lower-case words, hyphenated compounds split ("doom-and-despair" matches "doom and despair")."""
    return [p for w in _WORD.findall(s) for p in (x.lower().strip("'’") for x in w.split("-")) if p]


def _title_quotes(layout: Layout, body: str) -> list[Check]:
    title = layout.title
    assert title is not None
    body_words = " " + " ".join(_norm_words(body)) + " "
    out: list[Check] = []
    for qs, qe in quote_segments(layout.text, [title]):
        while qs < qe and layout.text[qs] in ALL_MARKS:
            qs += 1
        while qe > qs and layout.text[qe - 1] in ALL_MARKS:
            qe -= 1
        quoted = layout.text[qs:qe]
        words = _norm_words(quoted)
        content = [w for w in words if w not in STOP]
        if len(words) < _MIN_HEADLINE_QUOTE_WORDS or len(content) < 2:
            continue  # a quoted word or short phrase is a label or a name ("Super Tuesday 2"), not a quotation
        if " " + " ".join(words) + " " in body_words:
            continue
        # allow light headline editing: most content words within one body sentence
        best = 0.0
        for s, e in layout.sentences:
            if s < layout.body_start:
                continue
            sw = set(_norm_words(layout.text[s:e]))
            best = max(best, sum(w in sw for w in content) / len(content))
            if best >= 0.6:
                break
        if best >= 0.6:
            continue
        message = f'The headline quotes "{quoted}", but the body contains no such words.'
        out.append(Check(kind=KIND, severity="warning", message=message, evidence=[(qs, qe)]))
    return out


def _title_entities(analysis: Analysis, layout: Layout) -> list[Check]:
    """A person the headline names and the body never mentions at all.

    Only people whose name starts with a known given name: in a Title Case headline the
    entity recogniser takes verbs and nouns for names ("Senator Supports"), and
    organisations are too often renamed in the body (an acronym, a short form).
    """
    title = layout.title
    assert title is not None
    headline_end = _headline_end(layout)
    body = layout.text[layout.body_start :].lower()
    given = lexicons.given_names()
    out: list[Check] = []
    for ent in analysis.entities:
        if ent.type != "PERSON":
            continue
        in_title = [m for m in ent.mentions if title[0] <= m[0] and m[1] <= headline_end]
        if not in_title or any(m[0] >= layout.body_start for m in ent.mentions):
            continue
        mention = in_title[0]
        surface = layout.text[mention[0] : mention[1]]
        words = re.findall(r"[A-Za-z][A-Za-z'’]*", surface)
        if len(words) < 2 or words[0].lower() not in given:
            continue
        if layout.text[mention[1] : mention[1] + 2].lstrip().startswith(":"):
            continue  # "Name: the truth about ...": an author's or speaker's label on the headline
        names = {w.lower() for form in [ent.name, *ent.aliases] for w in re.findall(r"[A-Za-z][A-Za-z'’]*", form) if len(w) > 2}
        if any(re.search(r"\b" + re.escape(w) + r"\b", body) for w in names):
            continue
        message = f"The headline names {surface}, but the body never mentions this person."
        out.append(Check(kind=KIND, severity="info", message=message, evidence=[mention]))
    return out


def _title_hedged(analysis: Analysis, layout: Layout) -> list[Check]:
    """A headline stating flatly what the body attributes as alleged or unconfirmed."""
    title = layout.title
    assert title is not None
    ttoks = layout.tokens(title)
    head_text = layout.text[title[0] : title[1]]
    if _hedge_in(ttoks) or "?" in head_text or re.search(r"[\"“”‘’«»]|(?<![A-Za-z])'|'(?![A-Za-z])", head_text):
        return []  # a question, or a headline quoting someone, asserts nothing itself
    if re.match(r"^\s*(?:\S+\s+){0,4}\S+:\s", head_text):
        return []  # "Texas Mom: My Son Was Attacked": the headline gives someone's account
    # Title Case fools the tagger ("Took" as a proper noun): compare word forms and lemmas
    reporting = reporting_forms()
    title_words = {w for t in ttoks for w in (t.lower_, t.lemma_.lower())} - reporting - STOP
    title_names = {w.lower() for w in re.findall(r"[A-Z][A-Za-z'’]+", head_text) if len(w) > 2}
    if not title_words or not title_names:
        return []
    by_id = {e.id: e for e in analysis.entities}
    for sentence in layout.sentences:
        if sentence[0] < layout.body_start:
            continue
        toks = layout.tokens(sentence)
        hedge = _hedge_in(toks)
        if hedge is None:
            continue
        shared = [
            t for t in toks
            if t.pos_ == "VERB" and (t.lower_ in title_words or t.lemma_.lower() in title_words)
            and t.lemma_.lower() not in reporting and not t.lower_.endswith("ing")  # "Involving": not the headline's claim
        ]
        if not shared:
            continue
        # the same actor: an entity of the sentence named in the headline
        names = {
            w.lower()
            for eid in layout.entities_in(sentence) if eid in by_id
            for form in (by_id[eid].name, *by_id[eid].aliases)
            for w in re.findall(r"[A-Za-z][A-Za-z'’]+", form) if len(w) > 2
        }
        if not names & title_names:
            continue
        # the hedge must bear on the shared verb: "allegedly attacked", "accused of attacking"
        if not any(_hedge_governs(hedge, t) for t in shared):
            continue
        hs = (hedge[0].idx, hedge[-1].idx + len(hedge[-1].text))
        message = (
            f'The headline states "{head_text.strip()}" as fact, but the body says '
            f'"{layout.text[hs[0]:hs[1]]}": "{layout.text[sentence[0]:sentence[1]][:160].strip()}".'
        )
        return [Check(kind=KIND, severity="info", message=message, evidence=[title, hs])]
    return []


def _hedge_governs(hedge: list[Token], verb: Token) -> bool:
    h = hedge[0]
    if any(t.head.i == verb.i and t.dep_ in ("advmod", "aux", "amod") for t in hedge):
        return True
    cur = verb
    for _ in range(4):  # the hedge word is an ancestor: "accused of attacking", "believed to have attacked"
        if cur.head.i == cur.i:
            break
        cur = cur.head
        if any(cur.i == t.i for t in hedge):
            return True
    return verb.dep_ == "amod" and verb.head.i == h.i + 1 if h.lower_ == "alleged" else False


def _hedge_in(toks: list[Token]) -> Optional[list[Token]]:
    index = _hedges()
    stems = [k for k, v in index.items() if any(prefix and len(w) == 1 for w, prefix in v)]
    words = [t.lower_ for t in toks]
    for i, w in enumerate(words):
        cands = list(index.get(w, ()))
        cands += [e for st in stems if w.startswith(st) and w != st for e in index[st] if e[1] and len(e[0]) == 1]
        for phrase, prefix in cands:
            n = len(phrase)
            if i + n > len(words):
                continue
            if prefix:
                ok = tuple(words[i : i + n - 1]) == phrase[:-1] and words[i + n - 1].startswith(phrase[-1])
            else:
                ok = tuple(words[i : i + n]) == phrase
            if ok:
                return toks[i : i + n]
    return None
