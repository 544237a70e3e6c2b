"""Quantities: numbers in digits and words, with their hedges, units and what they count.

One left-to-right pass over the tokens of the shared parse. At each token we try to read
a number expression (digits, number words, multipliers, vague plurals, ordinals), then
look around it: a range partner ("2,000-3,000", "between 2 and 3", "two to three"), a
hedge before or after ("about", "more than", "or so"), a unit or currency, and the noun
phrase being counted (the noun the number modifies, or the object of "of").

Decisions (see also the lexicon headers):
- Vague plurals follow the crowd-counting convention "at least two of the unit":
  thousands = 2,000, tens of thousands = 20,000, dozens = 24; value = low, approximate.
- Hedges: "about N" -> approximate; "more than N" -> low = N; "up to N" -> high = N;
  ``value`` keeps the stated figure. Ranges give low/high and value = null (a midpoint
  would be invented).
- Hyphenated compounds ("million-man march", "12000-seat Azadi Stadium"): ``counted`` is
  the noun inside the compound, the thing the number counts ("man", "seat"), while
  ``text``/``span`` run on to the noun the compound describes ("march", "Azadi Stadium").
  "5,000-strong crowd" counts the crowd.
- A bare four-digit year ("2014 fatwa", "in 2014") is kept with kind "year", never
  "count"; dates and clock times ("January 3", "10 a.m.") are skipped, as are phone
  numbers, codes with leading zeros, numbers naming things ("Resolution 2334", "No. 5"),
  version strings and over-long digit strings.
- "in their thousands": ``span`` is the phrase itself; ``counted_span`` points back to the
  noun it describes (the subject of the verb it hangs from), so it need not touch ``span``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from spacy.tokens import Doc, Token

from ..model import Quantity
from ..resources import lexicon

name = "quantities"
requires: tuple[str, ...] = ()
assigns = "quantities"

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})+,\d{3}|\d+)(?:\.\d+)?|\.\d+"
# digits, an optional glued range partner, an optional glued suffix (bn, km, st, s ...)
_NUM_TOKEN = re.compile(rf"^(?P<a>{_NUM})(?:(?P<dash>[-\u2013\u2014])(?P<b>{_NUM}))?(?P<suf>[A-Za-z%]+2?)?$", re.ASCII)
_BARE_DIGITS = re.compile(r"^\d+$", re.ASCII)
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$", re.ASCII)
_DASHES = frozenset({"-", "\u2013", "\u2014", "--"})
_NOUNS = frozenset({"NOUN", "PROPN"})
# tokens allowed between a number and the noun it counts
_NP_INNER = frozenset({"ADJ", "NOUN", "PROPN"})
_RANGE_WORDS = frozenset({"-", "\u2013", "\u2014", "to", "through", "and", "or"})
_ID_MARKERS = frozenset({"no.", "no", "#", "nos.", "number", "ref", "ref."})
_SEQUENCE_NOUNS = frozenset({"day", "week", "round", "phase", "stage", "game", "part", "chapter", "season", "episode", "leg", "lap", "step", "act", "volume", "section"})
_MAX_DIGITS = 15
_STRENGTH = "strong"  # "a 5,000-strong crowd" counts the crowd
_MAX_NP = 8


@dataclass(frozen=True)
class _Lexicons:
    cardinals: dict[str, float]
    multipliers: dict[str, float]
    short_mult: dict[str, float]
    ordinals: dict[str, float]
    fractions: dict[str, float]
    vague: dict[str, tuple[float, str]]
    determiners: dict[str, tuple[float, str]]
    hedges_pre: dict[tuple[str, ...], str]
    hedges_post: dict[tuple[str, ...], str]
    change_lemmas: frozenset[str]
    units: dict[tuple[str, ...], tuple[str, str]]
    unit_len: int
    hedge_len: int


@lru_cache(maxsize=1)
def _lex() -> _Lexicons:
    cardinals: dict[str, float] = {}
    multipliers: dict[str, float] = {}
    short_mult: dict[str, float] = {}
    ordinals: dict[str, float] = {}
    fractions: dict[str, float] = {}
    vague: dict[str, tuple[float, str]] = {}
    determiners: dict[str, tuple[float, str]] = {}
    for line in lexicon("number_words"):
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        word, cls, val = parts[0].strip().lower(), parts[1].strip(), float(parts[2])
        cond = parts[3].strip() if len(parts) > 3 else ""
        if cls == "cardinal":
            cardinals[word] = val
        elif cls == "multiplier":
            # one- and two-letter forms are suffixes ("3.2m", "5bn"), not words
            (short_mult if len(word) <= 3 and word not in ("dozen",) else multipliers)[word] = val
        elif cls == "ordinal":
            ordinals[word] = val
        elif cls == "fraction":
            fractions[word] = val
        elif cls == "vague":
            vague[word] = (val, cond)
        elif cls == "determiner":
            determiners[word] = (val, cond)
    hedges_pre: dict[tuple[str, ...], str] = {}
    hedges_post: dict[tuple[str, ...], str] = {}
    change: set[str] = set()
    for line in lexicon("quantity_hedges"):
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        phrase, effect, pos = parts[0].strip().lower(), parts[1].strip(), parts[2].strip()
        if pos == "verb":
            change.add(phrase)
        elif pos == "post":
            key = tuple(["-", phrase[1:]] if phrase.startswith("-") else phrase.split())
            hedges_post[key] = effect
        else:
            hedges_pre[tuple(phrase.split())] = effect
    units: dict[tuple[str, ...], tuple[str, str]] = {}
    for line in lexicon("quantity_units"):
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        units[tuple(parts[0].strip().lower().split())] = (parts[1].strip(), parts[2].strip())
    return _Lexicons(
        cardinals, multipliers, short_mult, ordinals, fractions, vague, determiners,
        hedges_pre, hedges_post, frozenset(change), units,
        max((len(k) for k in units), default=1), max((len(k) for k in hedges_pre), default=1),
    )


@dataclass
class _Num:
    """A number expression read from tokens [start, end)."""

    start: int
    end: int
    value: Optional[float] = None
    low: Optional[float] = None
    high: Optional[float] = None
    approximate: bool = False
    kind: str = "count"
    unit: Optional[str] = None
    vague: bool = False
    last_mult: Optional[float] = None
    has_mult: bool = False
    digits_only: bool = False  # one token of bare digits (year candidate)
    is_range: bool = False


def _nice(v: Optional[float]) -> Optional[float]:
    if v is None or not math.isfinite(v):
        return None
    if v == int(v) and abs(v) < 1e15:
        return int(v)
    return round(v, 6)


def _digits_value(s: str) -> Optional[float]:
    raw = s.replace(",", "")
    if len(raw.replace(".", "")) > _MAX_DIGITS:
        return None
    try:
        return float(raw)
    except ValueError:
        return None


def _glued(doc: Doc, i: int) -> bool:
    """No whitespace between token i and token i+1."""
    return doc[i].whitespace_ == ""


def _lower(tok: Token) -> str:
    return tok.lower_


# ---------------------------------------------------------------- number expressions


def _read_digits(doc: Doc, i: int, lex: _Lexicons) -> Optional[_Num]:
    tok = doc[i]
    m = _NUM_TOKEN.match(tok.text)
    if m is None:
        return None
    a = m.group("a")
    raw = a.replace(",", "").replace(".", "")
    if len(raw) > _MAX_DIGITS or (len(raw) > 1 and raw.startswith("0") and "." not in a):
        return None  # codes and ids: "007", "020", very long strings
    va = _digits_value(a)
    if va is None:
        return None
    num = _Num(i, i + 1, value=va)
    suf = (m.group("suf") or "").lower()
    if m.group("b") is not None:
        vb = _digits_value(m.group("b"))
        if vb is None:
            return None
        if "," not in a and len(a) == 4 and len(m.group("b")) == 2 and 1000 <= va < 2200:
            vb = va // 100 * 100 + vb  # "2014-15"
        if not vb > va:
            return None  # scores "3-1", codes
        if "," not in a and "," not in m.group("b") and len(a) == 3 and len(m.group("b")) == 4:
            return None  # phone-like "555-1234"
        num.value, num.low, num.high, num.is_range, num.approximate = None, va, vb, True, True
    if not suf:
        # a year candidate: four bare digits, or a glued range of them ("1990–2000")
        num.digits_only = "," not in a and "." not in a and len(a) == 4
        return num
    if suf in ("st", "nd", "rd", "th") and not num.is_range and "," not in a and "." not in a:
        num.kind = "ordinal"
        return num
    if suf == "s" and not num.is_range and re.fullmatch(r"1\d{2}0|20\d0", a):
        num.kind, num.low, num.high = "year", va, va + 9  # "the 1990s"
        return num
    if suf in lex.short_mult:
        if suf == "m" and not _million_reading(doc, i, va):
            num.kind, num.unit = "measure", "m"
            return num
        _scale(num, lex.short_mult[suf])
        return num
    unit = lex.units.get((suf,))
    if unit is not None and unit[0] in ("duration", "measure", "percent", "money"):
        num.kind, num.unit = unit
        return num
    return None


def _million_reading(doc: Doc, i: int, value: float) -> bool:
    """'3.2m' is millions, '100m' alone may be metres: decide from the neighbours."""
    if _currency_before(doc, i, _lex()) is not None or value != int(value):
        return True
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    return nxt is not None and (nxt.tag_ in ("NNS", "NNPS") or nxt.lower_ == "of")


def _scale(num: _Num, mult: float) -> None:
    for attr in ("value", "low", "high"):
        v = getattr(num, attr)
        if v is not None:
            setattr(num, attr, v * mult)
    num.last_mult, num.has_mult = mult, True


def _read_vague(doc: Doc, i: int, lex: _Lexicons) -> Optional[_Num]:
    """'thousands', 'tens of thousands', 'dozens of', 'several hundred'."""
    n = len(doc)
    w = _lower(doc[i])
    if w in lex.determiners:
        base, _ = lex.determiners[w]
        if i + 1 < n and _lower(doc[i + 1]) in lex.multipliers:
            mult = lex.multipliers[_lower(doc[i + 1])]
            return _Num(i, i + 2, value=base * mult, low=base * mult, approximate=True, vague=True, last_mult=mult, has_mult=True)
        return None
    if w not in lex.vague:
        return None
    base, cond = lex.vague[w]
    j = i + 1
    # chains: "tens of thousands", "hundreds of millions"
    while j + 1 < n and _lower(doc[j]) == "of" and _lower(doc[j + 1]) in lex.vague:
        base *= lex.vague[_lower(doc[j + 1])][0]
        cond = ""
        j += 2
    if cond == "of" and not (j < n and _lower(doc[j]) == "of"):
        return None
    value = 2 * base
    return _Num(i, j, value=value, low=value, approximate=True, vague=True)


def _read_words(doc: Doc, i: int, lex: _Lexicons) -> Optional[_Num]:
    """Cardinal words and digits with multipliers: 'twenty-five', '1.5 million', 'half a million'."""
    n = len(doc)
    total = 0.0
    cur: Optional[float] = None
    j = i
    last_mult: Optional[float] = None
    started = False
    first = _lower(doc[i])
    # openers that only count before a multiplier: "a million", "half a million", "a quarter of a million"
    if first in ("a", "an"):
        if i + 1 < n and _lower(doc[i + 1]) in lex.multipliers:
            cur, j, started = 1.0, i + 1, True
        elif i + 4 < n and _lower(doc[i + 1]) in lex.fractions and _lower(doc[i + 2]) == "of" and _lower(doc[i + 3]) in ("a", "an") and _lower(doc[i + 4]) in lex.multipliers:
            cur, j, started = lex.fractions[_lower(doc[i + 1])], i + 4, True
        else:
            return None
    elif first in lex.fractions:
        if i + 2 < n and _lower(doc[i + 1]) in ("a", "an") and _lower(doc[i + 2]) in lex.multipliers:
            cur, j, started = lex.fractions[first], i + 2, True
        else:
            return None
    digits_token = False
    while j < n:
        tok = doc[j]
        w = _lower(tok)
        if w in lex.multipliers:
            glued_compound = j + 1 < n and doc[j + 1].text in _DASHES and _glued(doc, j) and tok.whitespace_ == ""
            if not started and w != "dozen" and not glued_compound:
                break  # "million-man" may stand without "a"; a bare "million" may not
            mult = lex.multipliers[w]
            base = 1.0 if cur is None else cur
            if mult < 1000:
                cur = base * mult
            else:
                total += base * mult
                cur = None
            last_mult, started = mult, True
            j += 1
            continue
        if w in lex.cardinals and not digits_token:
            v = lex.cardinals[w]
            if cur is None:
                cur = v
            elif cur % 100 == 0 and cur >= 100 or (cur >= 20 and cur % 10 == 0 and cur < 100 and v < 10):
                cur += v
            else:
                break
            started = True
            j += 1
            continue
        if not started:
            m = _NUM_TOKEN.match(tok.text)
            if m is None or m.group("b") or m.group("suf"):
                break
            v = _digits_value(m.group("a"))
            if v is None:
                break
            cur, started, digits_token = v, True, True
            j += 1
            continue
        # joiners inside a number: "twenty-five", "two hundred and fifty", "two and a half"
        if w in _DASHES and j + 1 < n and _glued(doc, j - 1) and _glued(doc, j) and _lower(doc[j + 1]) in lex.cardinals and cur is not None and 20 <= cur < 100 and cur % 10 == 0:
            j += 1
            continue
        if w == "and" and j + 1 < n and cur is not None:
            nxt = _lower(doc[j + 1])
            if nxt in lex.cardinals and cur >= 100 and cur % 100 == 0:
                j += 1
                continue
            if nxt in ("a", "an") and j + 2 < n and _lower(doc[j + 2]) == "half":
                cur += 0.5
                j += 3
                continue
        break
    if not started or j == i:
        return None
    value = total + (cur or 0.0)
    num = _Num(i, j, value=value, last_mult=last_mult, has_mult=last_mult is not None)
    if digits_token and j == i + 1:
        return None  # plain digits are read by _read_digits
    return num


def _read_ordinal(doc: Doc, i: int, lex: _Lexicons) -> Optional[_Num]:
    n = len(doc)
    w = _lower(doc[i])
    # "twenty-first"
    if w in lex.cardinals and i + 2 < n and doc[i + 1].text in _DASHES and _glued(doc, i) and _glued(doc, i + 1):
        o = _lower(doc[i + 2])
        if o in lex.ordinals and lex.ordinals[o] < 10 and lex.cardinals[w] >= 20:
            return _Num(i, i + 3, value=lex.cardinals[w] + lex.ordinals[o], kind="ordinal")
    if w in lex.ordinals:
        return _Num(i, i + 1, value=lex.ordinals[w], kind="ordinal")
    return None


def _read_number(doc: Doc, i: int, lex: _Lexicons) -> Optional[_Num]:
    if i + 2 < len(doc) and _lower(doc[i + 2]) in lex.ordinals:
        num = _read_ordinal(doc, i, lex)  # "twenty-first" before "twenty"
        if num is not None:
            return num
    num = _read_words(doc, i, lex)
    if num is not None:
        return num
    num = _read_digits(doc, i, lex)
    if num is not None:
        # digits followed by word multipliers: "1.5 million", "5 billion"
        if num.kind == "count" and not num.is_range and num.value is not None:
            j = num.end
            # "$4.8-billion", "£300-million": Canadian and British house style hyphenate the multiplier
            if (j + 1 < len(doc) and doc[j].text in _DASHES and _glued(doc, j - 1) and _glued(doc, j)
                    and _lower(doc[j + 1]) in lex.multipliers):
                j += 1
            # "14\u00a0million": a no-break space is its own token in the parse
            if j + 1 < len(doc) and doc[j].is_space and "\n" not in doc[j].text and _lower(doc[j + 1]) in lex.multipliers:
                j += 1
            while j < len(doc) and _lower(doc[j]) in lex.multipliers:
                _scale(num, lex.multipliers[_lower(doc[j])])
                num.digits_only = False
                j += 1
            if j < len(doc) and _lower(doc[j]) in lex.short_mult and _glued(doc, j - 1) and j == num.end:
                if _lower(doc[j]) != "m" or _million_reading(doc, j - 1, num.value):
                    _scale(num, lex.short_mult[_lower(doc[j])])
                    num.digits_only = False
                    j += 1
            num.end = j
        return num
    num = _read_vague(doc, i, lex)
    if num is not None:
        return num
    return _read_ordinal(doc, i, lex)


# ---------------------------------------------------------------- context around a number


def _match_unit(doc: Doc, j: int, lex: _Lexicons) -> Optional[tuple[int, str, str]]:
    """Longest unit starting at token j: (end, kind, unit)."""
    n = len(doc)
    for k in range(min(lex.unit_len, n - j), 0, -1):
        key = tuple(_lower(doc[j + x]) for x in range(k))
        hit = lex.units.get(key)
        if hit is not None:
            return j + k, hit[0], hit[1]
    return None


def _currency_before(doc: Doc, i: int, lex: _Lexicons) -> Optional[tuple[int, str]]:
    """Currency sign/code right before token i: (start, ISO code)."""
    for k in (2, 1):
        s = i - k
        if s < 0:
            continue
        key = tuple(_lower(doc[x]) for x in range(s, i))
        hit = lex.units.get(key)
        if hit is not None and hit[0] == "currency":
            return s, hit[1]
    return None


def _is_month(tok: Token, lex: _Lexicons) -> bool:
    if not tok.text[:1].isupper():
        return False
    hit = lex.units.get((tok.lower_,))
    return hit is not None and hit[0] == "date"


def _date_or_time(doc: Doc, num: _Num, lex: _Lexicons) -> bool:
    n = len(doc)
    s, e = num.start, num.end
    if s > 0 and _is_month(doc[s - 1], lex):
        return True
    if s > 1 and doc[s - 1].text in (",",) and _is_month(doc[s - 2], lex):
        return True  # "March, 2014"
    if s > 2 and doc[s - 1].text == "," and doc[s - 2].like_num and _is_month(doc[s - 3], lex):
        return True  # the year of "January 3, 2020"
    if s > 2 and _lower(doc[s - 1]) in _RANGE_WORDS and doc[s - 2].like_num and _is_month(doc[s - 3], lex):
        return True  # the end of "Sept. 19 to 22"
    if e < n and _is_month(doc[e], lex):
        return True
    if e + 1 < n and _lower(doc[e]) == "of" and _is_month(doc[e + 1], lex):
        return True
    if e < n:
        hit = lex.units.get((_lower(doc[e]),))
        if hit is not None and hit[0] == "time":
            return True
    return False


def _names_something(doc: Doc, num: _Num) -> bool:
    """'Resolution 2334', 'Flight 370', 'No. 5': the number is a label, not an amount."""
    tok = doc[num.start]
    if num.start > 0 and _lower(doc[num.start - 1]) in _ID_MARKERS:
        return True
    if num.start > 0 and _lower(doc[num.start - 1]) in _SEQUENCE_NOUNS and tok.head.i < tok.i:
        return True  # "day two of the talks", "round three": a position, not an amount
    if num.end - num.start == 1 and tok.dep_ in ("nummod", "appos", "npadvmod") and tok.head.i == tok.i - 1:
        head = tok.head
        return head.pos_ in _NOUNS and head.text[:1].isupper()
    return False


def _numbers_a_period(doc: Doc, num: _Num, lex: _Lexicons) -> bool:
    """'day two of the talks', 'week 3': a number the singular time noun before it governs says
    which period, not how many."""
    if num.start == 0 or num.end - num.start != 1:
        return False
    prev = doc[num.start - 1]
    hit = lex.units.get((_lower(prev),))
    return hit is not None and hit[0] == "duration" and prev.tag_ == "NN" and doc[num.start].head.i == prev.i


def _hedge_before(doc: Doc, s: int, floor: int, lex: _Lexicons) -> tuple[int, Optional[str]]:
    for k in range(min(lex.hedge_len, s - floor), 0, -1):
        key = tuple(_lower(doc[x]) for x in range(s - k, s))
        eff = lex.hedges_pre.get(key)
        if eff is not None:
            return s - k, eff
    return s, None


def _hedge_after(doc: Doc, e: int, lex: _Lexicons) -> tuple[int, Optional[str]]:
    n = len(doc)
    for k in (2, 1):
        if e + k > n:
            continue
        key = tuple(_lower(doc[x]) for x in range(e, e + k))
        eff = lex.hedges_post.get(key)
        if eff is not None:
            if key[0] == "-" and not _glued(doc, e - 1):
                continue
            return e + k, eff
    return e, None


def _apply_hedge(num: _Num, effect: Optional[str]) -> None:
    if effect is None or num.kind in ("ordinal",):
        return
    if effect == "exact":
        num.approximate = False
        return
    num.approximate = True
    if num.is_range or num.value is None:
        return
    if effect == "lower":
        num.low = num.value
    elif effect == "upper":
        num.high = num.value
        if num.vague:
            num.low = None


def _is_change(doc: Doc, opener: int, lex: _Lexicons) -> bool:
    """'rose from 10 to 20': two values, not a range."""
    head = doc[opener].head
    if head.lemma_.lower() in lex.change_lemmas:
        return True
    return any(doc[x].lemma_.lower() in lex.change_lemmas for x in range(max(0, opener - 3), opener))


def _range_partner(doc: Doc, num: _Num, after: int, lex: _Lexicons) -> Optional[_Num]:
    """A second number joined by '-', 'to', 'or', or 'and' after 'between'."""
    n = len(doc)
    if after >= n or num.kind == "ordinal" or num.is_range or num.value is None:
        return None
    w = _lower(doc[after])
    s = num.start
    opener = _lower(doc[s - 1]) if s > 0 else ""
    ok = False
    if w in _DASHES and _glued(doc, after - 1) and _glued(doc, after):
        ok = True
    elif w == "to" or w == "or":
        ok = True
    elif w == "and" and opener == "between":
        ok = True
    if not ok or after + 1 >= n:
        return None
    other = _read_words(doc, after + 1, lex) or _read_digits(doc, after + 1, lex)
    if other is None or other.kind not in ("count", "year") or other.is_range or other.value is None:
        return None
    if other.kind == "count" and other.end < n and _lower(doc[other.end]) in lex.multipliers:
        _scale(other, lex.multipliers[_lower(doc[other.end])])
        other.end += 1
    lo, hi = num.value, other.value
    if other.has_mult and not num.has_mult and other.last_mult and lo < other.last_mult:
        lo *= other.last_mult  # "2 to 3 million"
    if w in _DASHES and num.digits_only and 1000 <= lo < 2200 and doc[after + 1].text.isdigit() and len(doc[after + 1].text) == 2:
        hi = lo // 100 * 100 + hi  # "2014-15"
        other.digits_only = True
    if not hi > lo:
        return None
    if w in _DASHES and not num.has_mult and "," not in doc[s].text and len(doc[s].text) == 3 and len(doc[after + 1].text) == 4:
        return None  # phone-like "555-1234"
    if opener == "from" and _is_change(doc, s - 1, lex):
        return None
    return _Num(num.start, other.end, value=None, low=lo, high=hi, approximate=True, is_range=True,
                digits_only=num.digits_only and other.digits_only, has_mult=other.has_mult, last_mult=other.last_mult)


def _np_after(doc: Doc, k: int, anchor: Token) -> Optional[tuple[int, int]]:
    """The counted noun phrase starting at token k: (first, last) token indices."""
    n = len(doc)
    if k >= n:
        return None
    # preferred: the noun the number hangs from, with only modifiers in between
    head = anchor.head
    if head.i >= k and head.pos_ in _NOUNS and head.i - k < _MAX_NP:
        if all(doc[x].pos_ in _NP_INNER or doc[x].tag_ in ("HYPH", "VBN", "VBG") for x in range(k, head.i)):
            return k, _extend_compound(doc, head.i)
    # otherwise: a run of adjectives and nouns ending on a noun
    last = None
    x = k
    while x < n and x - k < _MAX_NP:
        t = doc[x]
        if t.pos_ in _NOUNS:
            last = x
        elif not (t.pos_ == "ADJ" or t.tag_ in ("HYPH", "VBN") and x + 1 < n):
            break
        if t.pos_ in _NOUNS and t.dep_ not in ("compound", "amod", "nmod") and t.tag_ != "HYPH":
            break
        x += 1
    return (k, last) if last is not None else None


def _extend_compound(doc: Doc, i: int) -> int:
    """A noun that is itself a compound of a following noun ('coalition' in 'coalition troops')."""
    j = i
    while j + 1 < len(doc) and doc[j].dep_ == "compound" and doc[j].head.i > j and doc[j + 1].pos_ in _NOUNS and j - i < _MAX_NP:
        j += 1
    return j


def _np_of(doc: Doc, of_i: int) -> Optional[tuple[int, int]]:
    """The noun phrase governed by 'of' at of_i, without its determiner."""
    n = len(doc)
    pobj = next((c for c in doc[of_i].children if c.dep_ == "pobj" and c.i > of_i), None)
    k = of_i + 1
    while k < n and (doc[k].pos_ == "DET" or doc[k].tag_ in ("PRP$", "WP$", "PDT")):
        k += 1
    if k >= n:
        return None
    if pobj is not None and pobj.pos_ in _NOUNS and k <= pobj.i and pobj.i - k < _MAX_NP and doc[k].tag_ != "POS":
        return k, pobj.i
    if doc[k].pos_ == "PRON":
        return None
    return _np_after(doc, k, doc[k])


def _span_tokens_of(doc: Doc, lo: int, hi: int) -> tuple[int, int]:
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _referent_of_their(doc: Doc, in_i: int) -> Optional[tuple[int, int]]:
    """'The marchers, in their thousands, ...': the noun the phrase describes."""
    head = doc[in_i].head
    if head.pos_ in _NOUNS and head.i < in_i:
        return _with_left_mods(doc, head)
    if head.pos_ in ("VERB", "AUX"):
        subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and subj.pos_ in _NOUNS:
            return _with_left_mods(doc, subj)
    return None


def _with_left_mods(doc: Doc, head: Token) -> tuple[int, int]:
    s = head.i
    while s - 1 >= 0 and doc[s - 1].head.i == head.i and doc[s - 1].dep_ in ("amod", "compound", "nmod") and head.i - s < _MAX_NP:
        s -= 1
    return s, head.i


# ---------------------------------------------------------------- the stage


def run(ctx) -> list[Quantity]:
    doc: Doc = ctx.doc
    text: str = ctx.text
    if len(doc) == 0 or doc.text != text:
        return []
    lex = _lex()
    out: list[Quantity] = []
    n = len(doc)
    i = 0
    floor = 0  # first token not yet used by a reported quantity
    while i < n:
        try:
            found = _quantity_at(doc, text, i, floor, lex)
        except (ValueError, OverflowError, IndexError):  # odd tokens must never sink the stage
            found = None
        if found is None:
            i += 1
            continue
        q, next_i = found
        if text[q.span[0] : q.span[1]] == q.text:
            out.append(q)
        i = floor = max(next_i, i + 1)
    out.sort(key=lambda q: q.span[0])
    return out


def _quantity_at(doc: Doc, full: str, i: int, floor: int, lex: _Lexicons) -> Optional[tuple[Quantity, int]]:
    tok = doc[i]
    if tok.is_space or tok.is_punct and tok.text not in (".",):
        return None
    if not (tok.text[:1].isdigit() or tok.text[:1] == "." or tok.lower_ in lex.cardinals or tok.lower_ in lex.multipliers
            or tok.lower_ in lex.vague or tok.lower_ in lex.ordinals or tok.lower_ in lex.determiners
            or tok.lower_ in ("a", "an") or tok.lower_ in lex.fractions):
        return None
    if _CLOCK.match(tok.text):
        return None
    if i >= 2 and doc[i - 1].text in _DASHES and _glued(doc, i - 2) and _glued(doc, i - 1) and doc[i - 2].text[:1].isdigit():
        return None  # the tail of a score, phone number or code ("3-1", "555-1234")
    num = _read_number(doc, i, lex)
    if num is None:
        return None
    n = len(doc)
    if num.kind == "ordinal":
        return _ordinal(doc, full, num, lex)
    if _date_or_time(doc, num, lex) or _names_something(doc, num) or _numbers_a_period(doc, num, lex):
        return None
    if (i > 0 and _BARE_DIGITS.match(doc[i - 1].text)) or (num.end < n and _BARE_DIGITS.match(doc[num.end].text)):
        return None  # groups of a phone number or code: "020 7946 0018"
    if tok.pos_ == "PROPN" and tok.text[:1].isalpha() and tok.text[:1].isupper() and not tok.is_sent_start and i > 0 and doc[i - 1].pos_ == "PROPN":
        return None  # a number word inside a name: "Ground Zero", "Studio Five"
    # a score or phone number split by the tokenizer ("3-1", "555-1234"): skip the whole run
    if num.end + 1 < n and doc[num.end].text in _DASHES and _glued(doc, num.end - 1) and _glued(doc, num.end) and doc[num.end + 1].text[:1].isdigit():
        if _range_partner(doc, num, num.end, lex) is None:
            return None
    if num.end + 1 < n and doc[num.end].text in _DASHES and _glued(doc, num.end - 1) and _lower(doc[num.end + 1]).startswith("to"):
        return None  # a ratio or score: "a 2-to-1 vote"
    start = num.start
    currency = _currency_before(doc, num.start, lex)
    unit_kind: Optional[str] = None
    unit: Optional[str] = num.unit
    if num.unit is not None:
        unit_kind = num.kind
    if currency is not None and currency[0] >= floor:
        start, unit_kind, unit = currency[0], "money", currency[1]
    end = num.end  # token index after number (+unit)
    adjectival_unit = False  # "a two-day visit": the unit is glued to the number by a hyphen
    if unit_kind is None:
        end, unit_kind, unit, adjectival_unit = _unit_after(doc, end, lex)
    # range: "2,000-3,000", "two to three days", "10% to 20%", "between 2 and 3 million"
    partner = _range_partner(doc, num, end if unit_kind is not None and end > num.end else num.end, lex)
    if partner is not None:
        rng = partner
        end2 = rng.end
        if unit_kind is None or end == num.end:
            hit = _unit_at(doc, end2, lex)
            if hit is not None and unit_kind is None:
                end2, unit_kind, unit = hit
        else:
            hit = _unit_at(doc, end2, lex)
            if hit is not None and hit[2] == unit:
                end2 = hit[0]
        rng.start = num.start
        num, end = rng, end2
    kind = unit_kind or num.kind
    # bare four-digit numbers: years unless they count a plural noun
    first_value = num.low if num.is_range else num.value
    if kind in ("count", "year") and num.digits_only and first_value is not None and 1000 <= first_value < 2200 and (num.high or 0) < 2200:
        nxt = doc[end] if end < n else None
        counts_plural = nxt is not None and nxt.tag_ in ("NNS", "NNPS") and _is_modifier(doc[num.end - 1])
        # "2000 soldiers" counts, "2005 levels" dates: round hundreds read as counts, others as years
        if counts_plural and 1900 <= first_value < 2100 and first_value % 100 != 0:
            counts_plural = False
        kind = "count" if counts_plural else "year"
        if kind == "year" and num.is_range:
            num.approximate = False
    elif kind == "year" and num.is_range:
        kind = "count"  # a glued range that is not two years after all
    # "one" is mostly a pronoun; keep it only before a unit or a noun it counts
    first_word = _lower(doc[num.start])
    if first_word == "one" and num.end == num.start + 1 and unit_kind is None and partner is None:
        nxt = doc[end] if end < n else None
        if nxt is None or not (nxt.pos_ in _NOUNS or nxt.pos_ == "ADJ") or doc[num.start].dep_ != "nummod":
            return None
    # hedges
    hs, effect = _hedge_before(doc, num.start if currency is None else start, floor, lex)
    if kind == "year" and effect not in (None, "approximate"):
        hs, effect = start, None  # "before 2005" is about time, not a bound on a quantity
    if effect is None and num.is_range and num.start > floor and _lower(doc[num.start - 1]) in ("between", "from"):
        hs = num.start - 1
    start = min(start, hs)
    _apply_hedge(num, effect)
    post_end, post = _hedge_after(doc, end, lex)
    if not (kind == "year" and post not in (None, "approximate")):
        end = post_end
        _apply_hedge(num, post)
    # age: "a 10-year-old boy"
    if kind == "duration" and end + 1 < n and doc[end].text in _DASHES and _lower(doc[end + 1]) == "old":
        kind, end = "other", end + 2
    found = _counted_phrase(doc, num, start, end, kind, adjectival_unit)
    if found is None:
        return None
    start, counted, span_end = found
    kind, unit, counted = _refined_kind(doc, num, kind, unit, counted, lex)
    s_char = doc[start].idx
    e_char = doc[span_end].idx + len(doc[span_end].text)
    text = full[s_char:e_char]
    cs = _span_tokens_of(doc, *counted) if counted else None
    q = Quantity(
        text=text,
        span=(s_char, e_char),
        value=_nice(num.value),
        low=_nice(num.low),
        high=_nice(num.high),
        approximate=num.approximate,
        counted=full[cs[0] : cs[1]] if cs else None,
        counted_span=cs,
        unit=unit,
        kind=kind,  # type: ignore[arg-type]
    )
    return q, max(span_end + 1, num.end)


def _unit_at(doc: Doc, j: int, lex: _Lexicons) -> Optional[tuple[int, str, str]]:
    """A duration, measure, percent or money unit starting at token j: (end, kind, unit)."""
    hit = _match_unit(doc, j, lex) if j < len(doc) else None
    if hit is not None and hit[1] in ("duration", "measure", "percent", "money"):
        return hit
    return None


def _unit_after(doc: Doc, end: int, lex: _Lexicons) -> tuple[int, Optional[str], Optional[str], bool]:
    """The unit after a number, possibly hyphenated ("two-day", "10-km"): (end, kind, unit, adjectival);
    adjectival when a hyphen glues a duration or measure to the number ("a two-day visit")."""
    n = len(doc)
    unit_kind: Optional[str] = None
    unit: Optional[str] = None
    adjectival_unit = False
    hit = _unit_at(doc, end, lex)
    hyph = False
    if hit is None and end + 1 < n and doc[end].text in _DASHES and _glued(doc, end - 1) and _glued(doc, end):
        hit = _unit_at(doc, end + 1, lex)
        hyph = hit is not None
    if hit is not None:
        unit_end, unit_kind, unit = hit
        if unit_kind == "money" and unit == "GBP" and unit_end < n and _lower(doc[unit_end]) == "of":
            unit_kind, unit = "measure", "lb"  # "ten pounds of rice"
        end = unit_end
        if hyph and unit_kind in ("duration", "measure"):
            adjectival_unit = True
    return end, unit_kind, unit, adjectival_unit


def _counted_phrase(
    doc: Doc, num: _Num, start: int, end: int, kind: str, adjectival_unit: bool
) -> Optional[tuple[int, Optional[tuple[int, int]], int]]:
    """What a number counts and where its span ends: "in their thousands", "14 of the seats",
    "a 5,000-strong crowd", "a two-day visit", "300 protesters". Returns (start, counted token
    range, last token of the span), or None when the wording shows it is no quantity."""
    n = len(doc)
    counted: Optional[tuple[int, int]] = None
    span_end = end - 1
    if num.vague and num.start >= 2 and _lower(doc[num.start - 1]) in ("their", "the") and _lower(doc[num.start - 2]) in ("in", "by"):
        start = min(start, num.start - 2)
        counted = _referent_of_their(doc, num.start - 2)
    elif end < n and _lower(doc[end]) == "of" and kind in ("count", "percent", "measure", "money") and not (num.vague and num.end < end):
        counted = _np_of(doc, end)
        if counted is not None:
            inner_num = [x for x in range(counted[0], counted[1]) if doc[x].like_num or doc[x].pos_ == "NUM"]
            if inner_num:
                # "14 of the party's 88 seats": count "seats" but leave "88 seats" to be read on its own
                first = inner_num[-1] + 1
                while first + 1 <= counted[1] and doc[first].text in _DASHES and _glued(doc, first - 1) and _glued(doc, first):
                    first += 2  # "two of the three-day talks": the hyphenated word goes with its number
                counted = (first, counted[1]) if first <= counted[1] else None
            else:
                span_end = counted[1]
    elif kind == "count" and end + 1 < n and doc[end].text in _DASHES and _glued(doc, end - 1) and _glued(doc, end) and doc[end + 1].pos_ in _NOUNS | {"ADJ"}:
        # "million-man march", "12000-seat Azadi Stadium", "5,000-strong crowd"
        inner = end + 1
        described = doc[inner].head if doc[inner].head.i > inner else None
        if doc[inner].pos_ == "ADJ" or _lower(doc[inner]) == _STRENGTH:
            # "5,000-strong crowd": the adjective says the number counts the noun it describes
            if described is None or described.pos_ not in _NOUNS or described.i - inner >= _MAX_NP:
                return None
            first = inner + 1 if all(doc[x].pos_ in _NP_INNER for x in range(inner + 1, described.i)) else described.i
            counted = (first, described.i)
            if doc[inner].text[:1].isupper() and doc[inner + 1].pos_ in _NOUNS:
                counted = (inner + 1, inner + 1)  # headline case ("Million-Strong March Floods ..."): trust one word only
            span_end = counted[1]
        else:
            counted = (inner, inner)
            span_end = inner
            if described is not None and described.pos_ in _NOUNS and described.i - inner < _MAX_NP and all(
                doc[x].pos_ in _NP_INNER for x in range(inner + 1, described.i)
            ):
                span_end = described.i
    elif adjectival_unit:
        nxt = doc[end] if end < n else None
        if nxt is not None and nxt.pos_ in _NOUNS | {"ADJ"}:
            np = _np_after(doc, end, doc[end])
            if np is not None:
                span_end = np[1]  # the thing that lasts or measures: span only, not counted
    elif kind == "count":
        counted = _np_after(doc, end, doc[num.end - 1])
        if counted is not None:
            if doc[counted[1]].pos_ == "PRON":
                counted = None
            else:
                span_end = counted[1]
    return start, counted, span_end


def _refined_kind(
    doc: Doc, num: _Num, kind: str, unit: Optional[str], counted: Optional[tuple[int, int]], lex: _Lexicons
) -> tuple[str, Optional[str], Optional[tuple[int, int]]]:
    """A count read again in its context: "millions of dollars" is money, "aged 40" and "Jane Doe,
    56," are ages, and a bare number in no argument position counts nothing."""
    if counted is not None and kind == "count":
        cur_hit = lex.units.get((_lower(doc[counted[1]]),))
        if cur_hit is not None and cur_hit[0] == "money" and counted[0] == counted[1]:
            kind, unit, counted = "money", cur_hit[1], None  # "millions of dollars"
    if kind == "count" and counted is None and not num.vague and not num.is_range:
        prev = lex.units.get((_lower(doc[num.start - 1]),)) if num.start > 0 else None
        if prev is not None and prev[0] == "age":
            kind, unit = "other", prev[1]  # "aged 40", "at age 12"
        elif doc[num.start].dep_ == "appos" and doc[num.start].head.pos_ == "PROPN" and num.start > 0 and doc[num.start - 1].text == ",":
            kind, unit = "other", "year"  # "Jane Doe, 56, said": an age in apposition to a name
    if kind == "count" and counted is None and not num.vague and not num.has_mult and num.value is not None and not num.is_range:
        if doc[num.start].dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "nummod", "attr"):
            kind = "other"
    return kind, unit, counted


def _is_modifier(tok: Token) -> bool:
    return tok.dep_ in ("nummod", "compound", "amod", "quantmod")


def _ordinal(doc: Doc, full: str, num: _Num, lex: _Lexicons) -> Optional[tuple[Quantity, int]]:
    """'second anniversary', '21st century', '1st': never a count."""
    n = len(doc)
    s = num.start
    e = num.end
    tok = doc[e - 1]
    is_word = not doc[s].text[:1].isdigit()
    # dates: "January 3rd", "the 3rd of March"
    if _date_or_time(doc, num, lex):
        return None
    if e < n and _lower(doc[e]) == "of" and any(
        _is_month(doc[x], lex) or lex.units.get((_lower(doc[x]),), ("", ""))[1] == "month" for x in range(e + 1, min(n, e + 4))
    ):
        return None  # "the 1st of next month"
    counted: Optional[tuple[int, int]] = None
    head = tok.head
    span_end = e - 1
    if e + 1 < n and doc[e].text in _DASHES and _glued(doc, e - 1) and _glued(doc, e) and doc[e + 1].pos_ in _NOUNS:
        # "21st-century politics": the ordinal counts centuries; the span runs to what it describes
        counted = (e + 1, e + 1)
        described = doc[e + 1].head
        span_end = described.i if described.i > e + 1 and described.pos_ in _NOUNS and described.i - e < _MAX_NP else e + 1
    elif head.i >= e and head.pos_ in _NOUNS and head.i - e < _MAX_NP and all(doc[x].pos_ in _NP_INNER or doc[x].tag_ == "HYPH" for x in range(e, head.i)):
        counted = (e, head.i)
    elif e < n and doc[e].pos_ in _NOUNS and doc[e].dep_ != "compound" or e < n and doc[e].pos_ == "NOUN":
        counted = (e, e)
    if is_word and counted is None:
        return None  # "at first", "first of all", "he came first": not worth reporting
    if is_word and _lower(doc[s]) == "second" and s > 0 and (doc[s - 1].like_num or _lower(doc[s - 1]) in ("a", "per", "one")) and counted is None:
        return None
    if counted and span_end < counted[1]:
        span_end = counted[1]
    s_char = doc[s].idx
    e_char = doc[span_end].idx + len(doc[span_end].text)
    cs = _span_tokens_of(doc, *counted) if counted else None
    q = Quantity(
        text=full[s_char:e_char],
        span=(s_char, e_char),
        value=_nice(num.value),
        counted=full[cs[0] : cs[1]] if cs else None,
        counted_span=cs,
        kind="ordinal",
    )
    return q, max(span_end + 1, e)
