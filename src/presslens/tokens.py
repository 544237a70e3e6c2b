"""Character offsets to tokens of the shared parse: one lookup for every stage.

Findings carry character offsets; the parse is indexed by token. ``TokenIndex`` keeps the
tokens' start offsets once per document and answers by bisection, so a lookup costs
O(log n) whatever the article's length (``Doc.char_span`` scans).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Optional

from spacy.attrs import IDX
from spacy.tokens import Doc, Token


class TokenIndex:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts: list[int] = doc.to_array([IDX]).tolist() if len(doc) else []

    def index_at(self, pos: int) -> int:
        """Index of the last token starting at or before ``pos`` (-1 when none does)."""
        return bisect_right(self.starts, pos) - 1

    def at(self, pos: int) -> Optional[Token]:
        """The token covering ``pos``, or the one before the gap ``pos`` falls in; None before the first."""
        i = self.index_at(pos)
        return self.doc[i] if i >= 0 else None

    def covering(self, pos: int) -> Optional[Token]:
        """The token whose characters include ``pos``, or None (whitespace between tokens)."""
        tok = self.at(pos)
        return tok if tok is not None and pos < tok.idx + len(tok) else None

    def first_from(self, pos: int) -> int:
        """Index of the first token starting at or after ``pos`` (``len(doc)`` when none does)."""
        return bisect_left(self.starts, pos)

    def first_ending_after(self, pos: int) -> int:
        """Index of the first token that ends after ``pos``."""
        i = self.index_at(pos)
        if i < 0:
            return 0
        tok = self.doc[i]
        return i if tok.idx + len(tok) > pos else i + 1

    def overlapping(self, start: int, end: int) -> range:
        """Indices of the tokens that share a character with [start, end)."""
        return range(self.first_ending_after(start), bisect_left(self.starts, end))

    def starting_in(self, start: int, end: int) -> range:
        """Indices of the tokens that start inside [start, end)."""
        return range(bisect_left(self.starts, start), bisect_left(self.starts, end))


_RECENT: list[TokenIndex] = []  # the last few documents' indexes: stages share one per parse


def token_index(doc: Doc) -> TokenIndex:
    """The index of ``doc``, built once and shared by every caller that asks for the same parse."""
    for ti in _RECENT:
        if ti.doc is doc:
            return ti
    ti = TokenIndex(doc)
    _RECENT.insert(0, ti)
    del _RECENT[4:]
    return ti
