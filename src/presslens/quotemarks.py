"""Quote marks paired into quoted stretches: one pairing for every stage that needs it.

Double marks pair per paragraph; a quote left open at a paragraph's end runs on when the next
paragraph opens with a quote mark (the news convention for a quotation over several
paragraphs) or when the next paragraph's first mark is a closing one, else it ends with its
paragraph. Straight marks take their role from the
characters around them, and pair by parity when those do not tell. Single marks pair only
outside double quotes, and an apostrophe (don't, Iraqis') never opens one.
"""

from __future__ import annotations

import bisect
import re
from typing import Optional

Span = tuple[int, int]

_OPEN_D = "“„«‟"
_CLOSE_D = "”»"
_OPEN_S = "‘‚‹"
_CLOSE_S = "’›"
_DOUBLE_RE = re.compile("[“”„«»‟\"]|(?<!')''(?!')")  # '' is a double mark in some wire copy
_SINGLE_RE = re.compile("[‘’‚‹›']")
ALL_MARKS = "“”„«»‟\"‘’‚‹›'"


def _straight_role(text: str, i: int, width: int = 1) -> str:
    before = text[i - 1] if i > 0 else " "
    after = text[i + width] if i + width < len(text) else " "
    if (before.isspace() or before in "([{—–-/") and not after.isspace():
        return "open"
    if not before.isspace() and (after.isspace() or after in ".,;:!?)]}—–-/" or i + width == len(text)):
        return "close"
    return "either"


def double_segments(text: str, paragraphs: list[Span]) -> list[Span]:
    """Spans (marks included) of double-quoted stretches; may run over paragraphs."""
    segments: list[Span] = []
    carry: Optional[int] = None  # opening offset still open at the previous paragraph's end
    carry_end = 0
    for ps, pe in paragraphs:
        marks = [(m.start(), m.group()) for m in _DOUBLE_RE.finditer(text, ps, pe)]
        open_at: Optional[int] = None
        open_char = ""
        k = 0
        if carry is not None:
            if marks and marks[0][0] == ps and (marks[0][1] in _OPEN_D or marks[0][1] == '"'):
                open_at, open_char, k = carry, marks[0][1], 1
            elif marks and marks[0][1] in _CLOSE_D:
                # the paragraph's first mark closes: the quote ran on without a new opening mark
                open_at, open_char = carry, "“"
            else:
                segments.append((carry, carry_end))
            carry = None
        for i, ch in marks[k:]:
            if ch == "''":
                ch = '"'
                role = _straight_role(text, i, 2)
                if role == "either":
                    role = "close" if open_at is not None else "open"
                if role == "close" and open_at is not None:
                    segments.append((open_at, i + 2))
                    open_at = None
                    continue
            elif ch == '"':
                role = _straight_role(text, i)
                if role == "either":
                    role = "close" if open_at is not None else "open"
                elif role == "open" and open_at is not None and open_char == '"':
                    role = "close"  # straight marks pair by parity: '"Hello, " he said'
            elif ch in _OPEN_D:
                role = "close" if (open_at is not None and open_char == "„" and ch == "“") else "open"
            else:
                role = "close"
            if role == "open":
                if open_at is not None:  # a closing mark is missing: end the earlier quote here
                    end = i
                    while end > open_at + 1 and text[end - 1] in " \t\r\n":
                        end -= 1
                    segments.append((open_at, end))
                open_at, open_char = i, ch
            elif open_at is not None:
                segments.append((open_at, i + 1))
                open_at = None
        if open_at is not None:
            carry, carry_end = open_at, pe
    if carry is not None:
        segments.append((carry, carry_end))
    return segments


def single_segments(text: str, paragraphs: list[Span], taken: list[Span]) -> list[Span]:
    """Single-quoted stretches outside double quotes; apostrophes (don’t, Asa’ib, Iraqis’) never open."""
    starts = [s for s, _ in taken]
    segments: list[Span] = []
    for ps, pe in paragraphs:
        open_at: Optional[int] = None
        for m in _SINGLE_RE.finditer(text, ps, pe):
            i, ch = m.start(), m.group()
            j = bisect.bisect_right(starts, i) - 1
            if j >= 0 and taken[j][0] <= i < taken[j][1]:
                continue
            before = text[i - 1] if i > ps else " "
            after = text[i + 1] if i + 1 < pe else " "
            if before.isalnum() and after.isalnum():
                continue  # apostrophe inside a word
            if open_at is None:
                if ch in _OPEN_S or (ch == "'" and not before.isalnum() and after.isalpha()):
                    open_at = i
            elif ch in _CLOSE_S or ch == "'":
                if not after.isalnum() and not before.isspace():
                    segments.append((open_at, i + 1))
                    open_at = None
    return segments


def quote_segments(text: str, paragraphs: list[Span]) -> list[Span]:
    """Every quoted stretch, double and single, in text order (marks included)."""
    doubles = double_segments(text, paragraphs)
    singles = single_segments(text, paragraphs, doubles)
    # attribute values left over from markup (author="x") are not quotes
    return sorted(s for s in doubles + singles if s[1] - s[0] > 2 and not (s[0] > 0 and text[s[0] - 1] == "="))
