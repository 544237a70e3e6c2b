"""What grouping and comparison read from one analysis: canonical names, event keys, title/lead
terms and text shingles. Pure functions over `Analysis` (no parse), so stories can run on stored
analyses."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Any, Optional, Union

from ..model import Analysis, Span

ArticleId = Union[int, str]

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_LEADING = re.compile(r"^(?:the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"[’']s$")
_STOP = frozenset(
    "a an the of to in on at for and or but is are was were be been being has have had it its this that these those "
    "with by from as he she they we you i his her their our your them him us not no will would can could should may "
    "might do does did than then so if into about over after before up out who whom which what when where says said "
    "say new news more most also after amid against just how why all one two three first last year years week day "
    "monday tuesday wednesday thursday friday saturday sunday told tell".split()
)
# Names of actors carry the story; places only help (every story in a capital names it).
_ENTITY_WEIGHT = {"PERSON": 2.0, "ORG": 2.0, "GROUP": 1.5, "PLACE": 1.0, "OTHER": 1.0}
SHINGLE_WORDS = 5
BODY_TERMS = 40
BODY_CHARS = 20_000
BODY_WEIGHT = 2.0


def fold(text: str) -> str:
    """Lower case, accents and curly quotes folded, spaces squeezed."""
    if text.isascii():
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'")
    return " ".join(text.lower().split())


def canonical(name: str) -> str:
    """A name key shared across outlets: "the NRF's" and "NRF" meet, "Valdorians" and "Valdorian" meet."""
    key = _LEADING.sub("", fold(name).strip(" .,;:\"'"))
    key = _POSSESSIVE.sub("", key)
    if len(key) > 4 and key.endswith("s") and not key.endswith("ss"):
        key = key[:-1]
    return key


@lru_cache(maxsize=1 << 17)
def stem(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("es", "e"), ("s", "")):
        if len(w) > 4 and w.endswith(suffix) and not w.endswith("ss"):
            return w[: -len(suffix)] + repl
    return w


def terms(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text) if len(w) > 2 and w.lower() not in _STOP]


def title_and_lead(analysis: Analysis) -> tuple[str, Optional[Span], Optional[Span]]:
    """(title text, title span or None, lead paragraph span or None)."""
    doc = analysis.document
    title_span = doc.title_span
    lead: Optional[Span] = None
    for p in doc.paragraphs:
        if title_span is not None and p[0] < title_span[1]:
            continue
        if p[1] - p[0] >= 40:  # a dateline or a byline is no lead
            lead = p
            break
    title = doc.title or ""
    if not title and doc.paragraphs:
        first = doc.paragraphs[0]
        if first != lead:
            title = doc.text[first[0] : first[1]]
            title_span = first
    return title, title_span, lead


def entity_keys(analysis: Analysis) -> dict[str, str]:
    """entity id -> canonical key (the longest name among its aliases)."""
    out: dict[str, str] = {}
    for ent in analysis.entities:
        names = [ent.name, *ent.aliases]
        best = max(names, key=lambda n: (len(n), n))
        out[ent.id] = canonical(best)
    return out


def alias_index(analysis: Analysis) -> dict[str, str]:
    """every canonical alias -> the entity's key (so "NRF" finds "national resolve force")."""
    keys = entity_keys(analysis)
    out: dict[str, str] = {}
    for ent in analysis.entities:
        for n in (ent.name, *ent.aliases):
            out.setdefault(canonical(n), keys[ent.id])
    return out


def features(analysis: Analysis) -> dict[str, float]:
    """Sparse raw weights of one article, before IDF: entity keys (e:), event keys (v:) and
    title/lead terms (t:). Titles count double: they name the event."""
    text = analysis.document.text
    keys = entity_keys(analysis)
    out: dict[str, float] = {}
    title, title_span, lead = title_and_lead(analysis)
    lead_end = lead[1] if lead is not None else min(len(text), 600)
    for ent in analysis.entities:
        if not ent.mentions:
            continue
        early = sum(1 for s, _ in ent.mentions if s < lead_end)
        w = _ENTITY_WEIGHT.get(ent.type, 1.0) * (1.0 + min(len(ent.mentions), 5) / 5 + (1.0 if early else 0.0))
        k = "e:" + keys[ent.id]
        out[k] = max(out.get(k, 0.0), w)
    for ev in analysis.events:
        places = []
        if ev.location is not None:
            places.append(canonical(ev.location.text))
        for p in ev.actors:
            if p.entity and p.entity in keys:
                k = f"v:{ev.type}:{keys[p.entity]}"
                out[k] = out.get(k, 0.0) + 1.0
        for pl in places:
            k = f"v:{ev.type}@{pl}"
            out[k] = out.get(k, 0.0) + 1.0
    for w in terms(title):
        out["t:" + w] = out.get("t:" + w, 0.0) + 2.0
    if lead is not None:
        for w in terms(text[lead[0] : lead[1]]):
            out["t:" + w] = out.get("t:" + w, 0.0) + 1.0
    # the body's most frequent words, damped: what the article keeps coming back to
    body = Counter(terms(text[:BODY_CHARS]))
    for w, n in sorted(body.items(), key=lambda kv: (-kv[1], kv[0]))[:BODY_TERMS]:
        if n >= 2:
            out["t:" + w] = out.get("t:" + w, 0.0) + BODY_WEIGHT * (1.0 + math.log(n))
    return out


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = re.findall(r"\w+", fold(text))
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def id_key(article_id: Any) -> tuple[int, Any]:
    """Sort key for ids: numbers before strings, numbers by value."""
    if isinstance(article_id, int):
        return (0, article_id)
    s = str(article_id)
    return (0, int(s)) if s.isdigit() else (1, s)
