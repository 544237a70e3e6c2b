"""The article's layout for the checks: sentences, paragraphs, headline, lead, quotes, mentions."""

from __future__ import annotations

from bisect import bisect_right
from typing import Optional

from spacy.tokens import Doc, Token

from ...model import Analysis, Quote, Span
from ...quotemarks import double_segments
from ...tokens import token_index


class Layout:
    """Where things stand: sentences, paragraphs, the headline, the lead, quotes, entity mentions."""

    def __init__(self, analysis: Analysis, doc: Doc) -> None:
        document = analysis.document
        self.text = document.text
        self.doc = doc
        self.sentences = list(document.sentences)
        self._sent_starts = [s for s, _ in self.sentences]
        self.paragraphs = list(document.paragraphs)
        self._par_starts = [s for s, _ in self.paragraphs]
        self.title: Optional[Span] = document.title_span
        body_pars = [p for p in self.paragraphs if self.title is None or p[0] >= self.title[1]]
        self.body_start = self.title[1] if self.title is not None else 0
        self.lead: Optional[Span] = body_pars[0] if body_pars else None
        # a dateline-only first paragraph ("BAGHDAD –") is not the lead
        if self.lead is not None and len(self.text[self.lead[0] : self.lead[1]].split()) < 8 and len(body_pars) > 1:
            self.lead = (self.lead[0], body_pars[1][1])
        self.quotes = sorted(analysis.quotes, key=lambda q: q.span[0])
        self._quote_starts = [q.span[0] for q in self.quotes]
        self._tokens = token_index(doc)
        self.places: list[tuple[Span, str]] = []  # (mention span, entity id) of places
        self.mentions: list[tuple[Span, str]] = []
        for ent in analysis.entities:
            for m in ent.mentions:
                self.mentions.append((m, ent.id))
                if ent.type == "PLACE":
                    self.places.append((m, ent.id))
        self.mentions.sort()
        self.quoted_regions = _quoted_stretches(self.text, self.paragraphs)
        self._places_cache: dict[tuple[int, int], set[str]] = {}
        self._mention_starts = [m[0][0] for m in self.mentions]

    def sentence_of(self, pos: int) -> Optional[Span]:
        i = bisect_right(self._sent_starts, pos) - 1
        if i >= 0 and self.sentences[i][0] <= pos < self.sentences[i][1]:
            return self.sentences[i]
        return None

    def paragraph_index(self, pos: int) -> int:
        return bisect_right(self._par_starts, pos) - 1

    def in_title(self, span: Span) -> bool:
        return self.title is not None and self.title[0] <= span[0] and span[1] <= self.title[1]

    def in_lead(self, span: Span) -> bool:
        return self.lead is not None and self.lead[0] <= span[0] and span[1] <= self.lead[1]

    def quote_over(self, span: Span) -> Optional[Quote]:
        """The quote whose span overlaps ``span`` (quotes are short lists; a scan is cheap)."""
        i = bisect_right(self._quote_starts, span[1])
        for q in reversed(self.quotes[max(0, i - 40) : i]):
            if q.span[0] < span[1] and span[0] < q.span[1]:
                return q
        return None

    def token_at(self, pos: int) -> Optional[Token]:
        return self._tokens.at(pos)

    def tokens(self, span: Span) -> list[Token]:
        r = self._tokens.starting_in(span[0], span[1])
        return [t for t in self.doc[r.start : r.stop] if not t.is_space]

    def entities_in(self, span: Span, only_places: bool = False) -> set[str]:
        if only_places:
            key = (span[0], span[1])
            if key not in self._places_cache:
                self._places_cache[key] = {eid for (s, e), eid in self.places if span[0] <= s and e <= span[1]}
            return self._places_cache[key]
        i = bisect_right(self._mention_starts, span[0] - 1)
        out = set()
        for k in range(i, len(self.mentions)):
            (s, e), eid = self.mentions[k]
            if s >= span[1]:
                break
            if e <= span[1]:
                out.add(eid)
        return out


_BLOCK_QUOTE_PARAGRAPHS = 3  # paragraphs after one ending in ":" read as the quoted text it announces


def _quoted_stretches(text: str, paragraphs: list[Span]) -> list[Span]:
    """Stretches inside double quote marks, found from the marks alone (the quote stage keeps
    only speech), plus the paragraphs right after one ending in a colon: the block quotation
    it announces."""
    out = double_segments(text, paragraphs)
    for i, (ps, pe) in enumerate(paragraphs):
        if text[ps:pe].rstrip().endswith(":"):
            for qs, qe in paragraphs[i + 1 : i + 1 + _BLOCK_QUOTE_PARAGRAPHS]:
                out.append((qs, qe))
    out.sort()
    return out
