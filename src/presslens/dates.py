"""Date expressions in news text and their resolution against the publication date.

Two entry points, usable by any stage:

- ``find_dates(doc, published)`` -> every date expression of a parsed text, in text order, as
  `DateMention` (span, text, value, granularity, relative). One regular-expression pass over the
  text (patterns precompiled from `resources/lexicons/date_words.txt`); the parse is only read
  to tell the tense of the verb a weekday hangs from and to keep counts ("2000 people") apart
  from years.
- ``resolve(text, published, tense=None)`` -> the value of one expression ("YYYY-MM-DD",
  "YYYY-MM", "YYYY") or None.

Rules (news conventions; a value is never invented):
- Values carry the precision the text supports: "2014" -> "2014", "January 2014" -> "2014-01",
  "January 3, 2014" -> "2014-01-03", "last month" (published 2026-03-10) -> "2026-02".
- Relative expressions ("on Saturday", "yesterday", "last month", "three days ago") resolve only
  against a known publication date; without one their value is None and the text is kept.
- A bare weekday resolves by tense: past -> the most recent such day on or before publication,
  future ("will ... on Saturday") -> the next one after it. With no tense clue it stays None.
  "last Saturday" is the one before publication, "next Saturday" the one after.
- A month and day without a year ("January 3") take the publication year, moved one year back
  (past or unknown tense) when that lands after publication, or forward (future tense) when
  it lands before.
- Expressions anchored on another event ("two days after the assassination", "the second
  anniversary of ...") are kept with value None unless the anchor is itself an absolute date
  ("two days after January 3, 2014").
- "last week"/"next week" give the month only when the whole week (Monday to Sunday) lies in
  one month; otherwise None.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Optional

from spacy.tokens import Doc

from .resources import lexicon
from .tokens import token_index

Granularity = Literal["day", "month", "year"]
Tense = Literal["past", "future"]


@dataclass(frozen=True)
class DateMention:
    span: tuple[int, int]
    text: str
    value: Optional[str]
    granularity: Optional[Granularity]
    relative: bool


@dataclass(frozen=True)
class _Words:
    months: dict[str, int]
    weekdays: dict[str, int]
    numbers: dict[str, int]
    ordinals: dict[str, int]


@lru_cache(maxsize=1)
def _words() -> _Words:
    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    numbers: dict[str, int] = {}
    ordinals: dict[str, int] = {}
    table = {"month": months, "weekday": weekdays, "number": numbers, "ordinal": ordinals}
    for line in lexicon("date_words"):
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in table:
            continue
        table[parts[1]][parts[0].strip().lower()] = int(parts[2])
    return _Words(months, weekdays, numbers, ordinals)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _Patterns:
    main: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    w = _words()
    month = rf"(?:{_alt(w.months)})\.?"
    weekday = rf"(?:{_alt(w.weekdays)})"
    number = rf"(?:\d{{1,3}}|{_alt(w.numbers)}|a|an|a\s+few|several)"
    unit = r"(?:days?|weeks?|months?|years?)"
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
    year = r"(?:1[89]\d\d|20\d\d|2100)"
    # Alternatives are tried in order at each position: the longest readings first.
    main = re.compile(
        rf"""
        (?P<offset>\b(?P<off_n>{number})\s+(?P<off_u>{unit})\s+(?P<off_dir>after|before|later|earlier|ago)
            (?:\s+(?P<off_anchor>(?:{month})\s+{day}(?:,?\s+{year})?|{day}\s+(?:{month})(?:,?\s+{year})?|{year}))?\b)
        |(?P<anniv>\bthe\s+(?:(?P<anniv_ord>{_alt(w.ordinals)})|\d{{1,3}}(?:st|nd|rd|th))\s+anniversary\b)
        |(?P<mdy>\b(?P<mdy_m>{month})\s+(?P<mdy_d>{day})(?:,?\s+(?P<mdy_y>{year}))?\b(?!\s*(?:%|,\d)))
        |(?P<dmy>\b(?P<dmy_d>{day})\s+(?:of\s+)?(?P<dmy_m>{month})(?:,?\s+(?P<dmy_y>{year}))?\b)
        |(?P<iso>\b(?P<iso_y>{year})-(?P<iso_m>0[1-9]|1[0-2])-(?P<iso_d>0[1-9]|[12]\d|3[01])\b)
        |(?P<my>\b(?:(?P<my_mod>last|next|this|early|late|mid|in|since|until|by|during|from|through)[\s-]+)?
            (?P<my_m>{month})(?:,?\s+(?P<my_y>{year}))?\b)
        |(?P<wd>\b(?:(?P<wd_mod>last|next|this|on|coming|past)\s+)?(?P<wd_d>{weekday})
            (?:\s+(?:morning|afternoon|evening|night))?\b)
        |(?P<rel>\b(?P<rel_mod>last|next|this|earlier\s+this|later\s+this|the\s+previous|the\s+following|the\s+past)\s+
            (?P<rel_u>week|month|year)\b)
        |(?P<deixis>\b(?P<deixis_w>today|yesterday|tomorrow|tonight|this\s+morning|this\s+afternoon|this\s+evening|last\s+night)\b)
        |(?P<year>\b(?P<year_y>{year})\b(?![-\u2013,.]\d))
        """,
        re.IGNORECASE | re.VERBOSE,
    )
    return _Patterns(main)


# --------------------------------------------------------------------------- resolution helpers


def parse_published(published: Optional[str]) -> Optional[_dt.date]:
    """The publication date as a `date` (from "YYYY-MM-DD..." ), or None."""
    if not published:
        return None
    m = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", published)
    if not m:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _month_shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _safe_date(year: int, month: int, day: int) -> Optional[_dt.date]:
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


def _count(word: str) -> Optional[int]:
    word = re.sub(r"\s+", " ", word.lower())
    if word.isdigit():
        return int(word)
    if word in ("a", "an"):
        return 1
    return _words().numbers.get(word)  # "a few", "several" are not a count: None


def _day_number(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))  # type: ignore[union-attr]


def _fmt_day(d: _dt.date) -> str:
    return d.isoformat()


def _fmt_month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _month_of(name: str) -> int:
    return _words().months[name.lower().rstrip(".")]


def _month_day_year(month: int, day: int, year: Optional[int], pub: Optional[_dt.date], tense: Optional[Tense]) -> tuple[Optional[str], Optional[Granularity]]:
    if year is not None:
        d = _safe_date(year, month, day)
        return (_fmt_day(d), "day") if d else (None, None)
    if pub is None:
        return None, None
    d = _safe_date(pub.year, month, day)
    if d is None:
        return None, None
    if tense == "future" and d < pub:
        d = _safe_date(pub.year + 1, month, day)
    elif tense != "future" and d > pub:
        d = _safe_date(pub.year - 1, month, day)
    return (_fmt_day(d), "day") if d else (None, None)


def _bare_month(month: int, mod: Optional[str], pub: Optional[_dt.date], tense: Optional[Tense]) -> tuple[Optional[str], Optional[Granularity]]:
    if pub is None:
        return None, None
    mod = (mod or "").lower()
    year = pub.year
    if mod == "last" or (mod in ("since", "") and tense != "future") or (mod not in ("next",) and tense == "past"):
        if month > pub.month:
            year -= 1
    elif mod == "next" or tense == "future":
        if month < pub.month or (mod == "next" and month == pub.month):
            year += 1
    else:
        # "in March" with no tense clue: the month of the publication year only when that is
        # not in the future of the article (news reports past events by default).
        if month > pub.month:
            return None, None
    return _fmt_month(year, month), "month"


def _weekday(target: int, mod: Optional[str], pub: Optional[_dt.date], tense: Optional[Tense]) -> tuple[Optional[str], Optional[Granularity]]:
    if pub is None:
        return None, None
    mod = (mod or "").lower()
    back = (pub.weekday() - target) % 7  # days back to the same weekday on/before pub
    if mod in ("last", "past"):
        d = pub - _dt.timedelta(days=back or 7)
    elif mod in ("next", "coming"):
        d = pub + _dt.timedelta(days=(target - pub.weekday()) % 7 or 7)
    elif tense == "past":
        d = pub - _dt.timedelta(days=back)
    elif tense == "future":
        d = pub + _dt.timedelta(days=(target - pub.weekday()) % 7 or 7)
    else:
        return None, None
    return _fmt_day(d), "day"


def _relative_unit(mod: str, unit: str, pub: Optional[_dt.date]) -> tuple[Optional[str], Optional[Granularity]]:
    if pub is None:
        return None, None
    mod = re.sub(r"\s+", " ", mod.lower())
    step = {"last": -1, "the previous": -1, "the past": -1, "next": 1, "the following": 1}.get(mod, 0)
    unit = unit.lower()
    if unit == "year":
        return f"{pub.year + step:04d}", "year"
    if unit == "month":
        y, m = _month_shift(pub.year, pub.month, step)
        return _fmt_month(y, m), "month"
    # a week: give its month only when the whole week (Monday..Sunday) lies in one month
    monday = pub - _dt.timedelta(days=pub.weekday()) + _dt.timedelta(weeks=step)
    sunday = monday + _dt.timedelta(days=6)
    if (monday.year, monday.month) == (sunday.year, sunday.month):
        return _fmt_month(monday.year, monday.month), "month"
    return None, None


def _offset(n: Optional[int], unit: str, direction: str, anchor: Optional[tuple[Optional[str], Optional[Granularity]]], pub: Optional[_dt.date]) -> tuple[Optional[str], Optional[Granularity]]:
    if n is None:
        return None, None
    direction = direction.lower()
    if direction == "ago":
        base, sign = pub, -1
    elif anchor is not None and anchor[1] == "day" and anchor[0]:
        base, sign = _dt.date.fromisoformat(anchor[0]), (1 if direction in ("after", "later") else -1)
    else:
        return None, None  # anchored on an event we cannot date
    if base is None:
        return None, None
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return _fmt_day(base + _dt.timedelta(days=sign * n)), "day"
    if unit == "week":
        d = base + _dt.timedelta(weeks=sign * n)
        lo, hi = d - _dt.timedelta(days=3), d + _dt.timedelta(days=3)
        if (lo.year, lo.month) == (hi.year, hi.month):
            return _fmt_month(d.year, d.month), "month"
        return None, None
    if unit == "month":
        y, m = _month_shift(base.year, base.month, sign * n)
        return _fmt_month(y, m), "month"
    return f"{base.year + sign * n:04d}", "year"


def _value(m: re.Match[str], pub: Optional[_dt.date], tense: Optional[Tense]) -> tuple[Optional[str], Optional[Granularity], bool]:
    """(value, granularity, relative) of one match of the main pattern."""
    kind = m.lastgroup
    g = m.group
    if kind == "offset":
        anchor_text = g("off_anchor")
        anchor = None
        if anchor_text:
            inner = _patterns().main.fullmatch(anchor_text)
            if inner is not None:
                v, gran, _ = _value(inner, pub, tense)
                anchor = (v, gran)
        v, gran = _offset(_count(g("off_n")), g("off_u"), g("off_dir"), anchor, pub)
        return v, gran, True
    if kind == "anniv":
        return None, None, True
    if kind == "mdy":
        year = int(g("mdy_y")) if g("mdy_y") else None
        v, gran = _month_day_year(_month_of(g("mdy_m")), _day_number(g("mdy_d")), year, pub, tense)
        return v, gran, year is None
    if kind == "dmy":
        year = int(g("dmy_y")) if g("dmy_y") else None
        v, gran = _month_day_year(_month_of(g("dmy_m")), _day_number(g("dmy_d")), year, pub, tense)
        return v, gran, year is None
    if kind == "iso":
        d = _safe_date(int(g("iso_y")), int(g("iso_m")), int(g("iso_d")))
        return (_fmt_day(d), "day", False) if d else (None, None, False)
    if kind == "my":
        month = _month_of(g("my_m"))
        if g("my_y"):
            return _fmt_month(int(g("my_y")), month), "month", False
        v, gran = _bare_month(month, g("my_mod"), pub, tense)
        return v, gran, True
    if kind == "wd":
        v, gran = _weekday(_words().weekdays[g("wd_d").lower()], g("wd_mod"), pub, tense)
        return v, gran, True
    if kind == "rel":
        v, gran = _relative_unit(g("rel_mod"), g("rel_u"), pub)
        return v, gran, True
    if kind == "deixis":
        if pub is None:
            return None, None, True
        word = re.sub(r"\s+", " ", g("deixis_w").lower())
        shift = {"yesterday": -1, "tomorrow": 1, "last night": -1}.get(word, 0)
        return _fmt_day(pub + _dt.timedelta(days=shift)), "day", True
    if kind == "year":
        return g("year_y"), "year", False
    return None, None, True


def resolve(text: str, published: Optional[str], tense: Optional[Tense] = None) -> Optional[str]:
    """The value of one date expression, e.g. resolve("last month", "2026-03-10") == "2026-02".

    ``tense`` ("past"/"future") is the tense of the clause the expression sits in; it decides
    bare weekdays and month-days without a year. Returns None when the text is not a date
    expression presslens reads, or when it cannot be resolved without inventing.
    """
    m = _patterns().main.fullmatch(text.strip())
    if m is None:
        return None
    if not _accept(m, text.strip(), None):
        return None
    return _value(m, parse_published(published), tense)[0]


# --------------------------------------------------------------------------- finding dates in a parse

# Month names that are also common words: read as a month only with a date context.
_AMBIGUOUS_MONTHS = frozenset({"may", "march", "jan", "mar", "jun", "aug", "sep", "sept", "oct", "nov", "dec", "feb", "apr", "jul"})
_FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo"})
_FUTURE_ADJECTIVES = frozenset({"due", "set", "scheduled", "expected", "poised", "likely", "ready", "slated"})


def _accept(m: re.Match[str], text: str, doc: Optional[Doc]) -> bool:
    kind = m.lastgroup
    if kind in ("mdy", "dmy", "my"):
        name = (m.group(f"{kind}_m") or "").rstrip(".")
        if not name[:1].isupper():
            return False  # "the march", "may" are words, not months
        if kind == "my" and name.lower() in _AMBIGUOUS_MONTHS and not m.group("my_mod") and not m.group("my_y"):
            return False
    if kind == "wd" and not m.group("wd_d")[:1].isupper():
        return False
    return True


def _token_at(doc: Doc, char: int):
    r = token_index(doc).overlapping(char, char + 1)
    return doc[r.start] if r else None


def _is_count_not_year(doc: Optional[Doc], start: int) -> bool:
    """"2000 people", "2014 votes": a number counting a plural noun is not a year."""
    if doc is None:
        return False
    tok = _token_at(doc, start)
    if tok is None:
        return False
    if tok.dep_ == "nummod" and tok.head.tag_ in ("NNS", "NNPS") and tok.head.lower_.endswith("s"):
        return True
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if nxt is not None and nxt.tag_ in ("NNS", "NNPS") and nxt.head.i != tok.i and tok.head.i == nxt.i:
        return True
    prev = doc[tok.i - 1] if tok.i > 0 else None
    if prev is not None and prev.text in ("$", "£", "€", "#") or prev is not None and prev.lower_ in ("no.", "number", "resolution"):
        return True
    return False


def tense_at(doc: Doc, start: int, end: int) -> Optional[Tense]:
    """The tense of the clause governing the characters [start, end) of ``doc``: the first verb
    up the dependency tree (the sentence root when none), read from its tag and auxiliaries."""
    tok = _token_at(doc, start)
    if tok is None:
        return None
    verb = tok
    for _ in range(8):
        if verb.pos_ in ("VERB", "AUX") and verb.dep_ not in ("amod",):
            break
        if verb.head.i == verb.i:
            break
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        verb = verb.sent.root
    return _tense_of_verb(verb)


def _tense_of_verb(verb) -> Optional[Tense]:
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    for a in auxes:
        if a.lower_ in _FUTURE_AUX:
            return "future"
        if a.lower_ in ("going",) or (a.lemma_ == "be" and verb.tag_ == "VBG" and any(x.lower_ == "to" for x in verb.children)):
            return "future"
    if verb.lower_ in _FUTURE_AUX:
        return "future"
    if any(a.tag_ == "VBD" or a.lower_ in ("has", "have", "had", "did") for a in auxes):
        return "past"
    if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and not auxes and verb.dep_ not in ("amod", "acl")):
        return "past"
    if verb.tag_ == "VBN":
        return "past" if any(a.tag_ == "VBD" or a.lower_ in ("has", "have", "had") for a in auxes) else None
    # "is going to march on Saturday", "plans to march", "is due to meet": look one word up
    if verb.dep_ == "xcomp" and verb.head.pos_ == "ADJ" and verb.head.lemma_ in _FUTURE_ADJECTIVES:
        return "future"
    if verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX") and verb.head.i != verb.i:
        head = verb.head
        if head.lemma_ in ("go", "plan", "intend", "vow", "pledge", "promise", "threaten", "expect", "schedule", "set"):
            return "future"
        return _tense_of_verb(head)
    return None


def _anchor_end(doc: Doc, head_char: int, end: int) -> int:
    """End of the phrase a relative expression is anchored on ("after the assassination",
    "anniversary of the war"): the object's subtree, at most 12 tokens, within the sentence."""
    tok = _token_at(doc, head_char)
    if tok is None:
        return end
    pobj = None
    if tok.dep_ == "prep" or tok.pos_ == "ADP":
        pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    else:
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        if of is not None:
            pobj = next((c for c in of.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return end
    right = pobj.right_edge
    # stop at a relative clause or a comma inside the anchor
    for t in pobj.subtree:
        if t.i > pobj.i and (t.dep_ in ("relcl", "acl") or t.is_punct and t.text != "-" and t.text != "."):
            right = doc[t.i - 1]
            break
    if right.i - tok.i > 12 or right.sent != tok.sent:
        return end
    return max(end, right.idx + len(right.text))


def find_dates(doc: Doc, published: Optional[str] = None, text: Optional[str] = None) -> list[DateMention]:
    """Every date expression in ``doc`` (in text order), resolved against ``published``.

    ``text`` is ``doc.text`` when the caller has it at hand (spaCy rebuilds it on each access)."""
    text = doc.text if text is None else text
    pub = parse_published(published)
    out: list[DateMention] = []
    for m in _patterns().main.finditer(text):
        if not _accept(m, m.group(0), doc):
            continue
        start, end = m.span()
        kind = m.lastgroup
        if kind == "year" and _is_count_not_year(doc, start):
            continue
        if kind == "my" and m.group("my_mod") and m.group("my_mod").lower() in ("in", "since", "until", "by", "during", "from", "through"):
            start = m.start("my_m")  # "in January": the date is "January"
        if kind in ("offset", "anniv") and not (kind == "offset" and (m.group("off_anchor") or m.group("off_dir").lower() in ("ago", "later", "earlier"))):
            # "two days after the assassination", "the second anniversary of the war": keep the
            # anchor phrase with the expression (its value stays None: the anchor is undated)
            end = _anchor_end(doc, m.start("off_dir") if kind == "offset" else end - 1, end)
        tense = tense_at(doc, start, end) if kind in ("wd", "mdy", "dmy", "my") else None
        value, gran, relative = _value(m, pub, tense)
        out.append(DateMention((start, end), text[start:end], value, gran, relative))
    return out
