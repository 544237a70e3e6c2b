"""Entity evaluation on PolNeAR-format data: do the gold Source spans find an entity?

PolNeAR marks who is speaking (Source spans) but has no entity layer, so this measures the
entities stage where the quotes stage needs it: on every gold Source span (identical spans
shared by several attributions count once).

Source classes:
- pronoun source: the whole span is one third-person personal pronoun (he, she, him, her,
  they, them). Other pronouns (I, we, you, it) are counted apart and not scored: the stage
  does not resolve them.
- named source: not a pronoun, and its head part contains a *name word*. The head part is the
  span up to its first comma, parenthesis, dash or relative pronoun ("Jo Kade, a writer at the
  Courier, who ..." -> "Jo Kade"; "Sen. Al Roe (D-Vt.)" -> "Sen. Al Roe"). A name word is a
  token of that part starting with a capital letter that spaCy tags as a proper noun
  (NNP/NNPS; "Democratic" in "a Democratic source" is an adjective and does not count), other
  than "I" and, when it opens the span, other than a word the article also writes in lower
  case ("Officials said") or a determiner/pronoun ("The", "His").
- every other source (a common-noun phrase: "the campaign", "aides") is counted, not scored.

Scores:
- named mention recall: share of named sources whose every name word lies inside a mention of
  an entity typed PERSON, ORG, GROUP or PLACE; ``named_recall_any`` relaxes this to at least
  one name word.
- named name agreement: share of named sources for which the entity covering the span's last
  covered name word has a canonical name sharing a word with the source's name words
  (case-insensitive; possessive 's, dots and a plural -s ignored; hyphenated words compared
  by parts) or whose capitalised initials spell an acronym of the source ("the IMF" ->
  "International Monetary Fund"). Uncovered sources count as disagreements.
- pronoun coverage: share of pronoun sources lying inside some entity mention (resolved).
- pronoun agreement: PolNeAR does not resolve pronouns, so the referent is approximated as the
  nearest preceding gold named Source of compatible number (he/she/him/her: singular; they/them:
  plural, read from the part-of-speech tag of the source's last word) at most 3 sentences
  before the pronoun. Over pronouns that have such a proxy ("checkable"), agreement is the share
  whose resolved entity either has a mention inside the proxy span or has a canonical name
  sharing a word with the proxy's name words; an unresolved pronoun counts as a disagreement.
  ``pronoun_agreement_resolved`` gives the same share over resolved checkable pronouns only.
  Pronouns without a proxy count for coverage only.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Optional

from .polnear import GoldDocument, read_polnear

Span = tuple[int, int]
TYPES = frozenset({"PERSON", "ORG", "GROUP", "PLACE"})
PRONOUN_NUMBER = {"he": "sg", "she": "sg", "him": "sg", "her": "sg", "they": "pl", "them": "pl"}
OTHER_PRONOUNS = frozenset({"i", "we", "you", "it", "me", "us", "one", "who", "which", "that", "this"})
OPENERS = frozenset(
    {"the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this", "that", "these", "those",
     "some", "many", "most", "several", "other", "both", "all", "one", "two", "another", "each", "few", "such"}
)
PROXY_SENTENCES = 3
HEAD_STOPS = frozenset({",", "(", "—", "–", "who", "which", "that", "whose", "whom", ";", ":"})
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


@dataclass
class EntityEvalReport:
    documents: int = 0
    sources: int = 0
    named: int = 0
    named_covered: int = 0
    named_covered_any: int = 0
    named_agree: int = 0
    pronouns: int = 0
    pronouns_resolved: int = 0
    pronouns_checkable: int = 0
    pronouns_checkable_resolved: int = 0
    pronouns_agree: int = 0
    other_pronouns: int = 0
    common: int = 0

    @staticmethod
    def _share(a: int, b: int) -> float:
        return round(a / b, 4) if b else 0.0

    @property
    def named_recall(self) -> float:
        return self._share(self.named_covered, self.named)

    @property
    def named_recall_any(self) -> float:
        return self._share(self.named_covered_any, self.named)

    @property
    def name_agreement(self) -> float:
        return self._share(self.named_agree, self.named)

    @property
    def pronoun_coverage(self) -> float:
        return self._share(self.pronouns_resolved, self.pronouns)

    @property
    def pronoun_agreement(self) -> float:
        return self._share(self.pronouns_agree, self.pronouns_checkable)

    @property
    def pronoun_agreement_resolved(self) -> float:
        return self._share(self.pronouns_agree, self.pronouns_checkable_resolved)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = asdict(self)
        for key in ("named_recall", "named_recall_any", "name_agreement", "pronoun_coverage",
                    "pronoun_agreement", "pronoun_agreement_resolved"):
            out[key] = getattr(self, key)
        return out

    def to_text(self) -> str:
        return "\n".join(
            [
                f"PolNeAR entity evaluation: {self.documents} documents, {self.sources} gold source spans",
                f"  named sources       {self.named:5d}   mention recall {self.named_recall:.3f}"
                f" (any name word {self.named_recall_any:.3f})   name agreement {self.name_agreement:.3f}",
                f"  pronoun sources     {self.pronouns:5d}   resolved {self.pronoun_coverage:.3f}",
                f"    checkable (proxy) {self.pronouns_checkable:5d}   agreement {self.pronoun_agreement:.3f}"
                f" (over resolved: {self.pronoun_agreement_resolved:.3f})",
                f"  not scored: other pronouns {self.other_pronouns}, common-noun sources {self.common}",
            ]
        )


def _words(text: str) -> list[str]:
    """Comparable word forms: lower case, no possessive or dots, hyphen parts apart, a plural
    -s dropped ("Democrats" = "Democrat", "Holtz-Eakin" = "Holtz" + "Eakin")."""
    out = []
    for w in _WORD.findall(text):
        w = w.replace("’", "'").removesuffix("'s").replace(".", "").rstrip("'").lower()
        for part in w.split("-"):
            if len(part) > 3 and part.endswith("s"):
                part = part[:-1]
            if part:
                out.append(part)
    return out


def _acronyms(text: str) -> set[str]:
    """Acronyms written in a source ("IMF", "E.U.") as lower-case letters."""
    out = set()
    for w in _WORD.findall(text):
        letters = w.replace(".", "").removesuffix("'s").removesuffix("’s")
        if 2 <= len(letters) <= 7 and letters.isalpha() and letters.isupper():
            out.add(letters.lower())
    return out


def _name_words(doc: Any, spans: list[Span], lower_words: set[str]) -> list[Span]:
    """Character spans of the name words of a source's head part (see the module docstring)."""
    out: list[Span] = []
    first = True
    for s, e in spans:
        part = doc.char_span(s, e, alignment_mode="expand")
        if part is None:
            continue
        for tok in part:
            if tok.is_space:
                continue
            opening, first = first, False
            if not opening and (tok.text in HEAD_STOPS or tok.lower_ in HEAD_STOPS):
                return out
            w = tok.text
            if not w[0].isupper() or w == "I" or tok.tag_ not in ("NNP", "NNPS") or not any(c.isalpha() for c in w):
                continue
            low = w.lower()
            if opening and (low in OPENERS or low in PRONOUN_NUMBER or low in OTHER_PRONOUNS or low in lower_words):
                continue
            a, b = max(tok.idx, s), min(tok.idx + len(w), e)
            if a < b:
                out.append((a, b))
    return out


def _shares_word(name: str, words: set[str], acronyms: frozenset[str] | set[str] = frozenset()) -> bool:
    """``name`` shares a word with ``words``, or its initials spell one of ``acronyms``."""
    if set(_words(name)) & words:
        return True
    initials = "".join(w[0] for w in _WORD.findall(name) if w[0].isupper()).lower()
    return bool(initials) and initials in acronyms


class _Index:
    """Entity mentions of one document, sorted, for point lookups."""

    def __init__(self, entities: list[Any]) -> None:
        rows = sorted(((s, e, ent) for ent in entities if ent.type in TYPES for s, e in ent.mentions), key=lambda r: (r[0], r[1]))
        self.starts = [r[0] for r in rows]
        self.rows = rows
        self.longest = max((e - s for s, e, _ in rows), default=0)

    def covering(self, s: int, e: int) -> Optional[Any]:
        """The entity with a mention containing [s, e), innermost first."""
        i = bisect.bisect_right(self.starts, s) - 1
        best = None
        while i >= 0 and self.starts[i] >= s - self.longest:
            ms, me, ent = self.rows[i]
            if ms <= s and e <= me and (best is None or me - ms < best[0]):
                best = (me - ms, ent)
            i -= 1
        return best[1] if best else None

    def inside(self, s: int, e: int, ent: Any) -> bool:
        i = bisect.bisect_left(self.starts, s)
        while i < len(self.rows) and self.starts[i] < e:
            if self.rows[i][2] is ent and self.rows[i][1] <= e:
                return True
            i += 1
        return False


def _run_entities(text: str) -> tuple[list[Any], Any]:
    from .. import nlp
    from ..config import Settings
    from ..model import Analysis, Article
    from ..pipeline import Context, make_document
    from ..stages import entities

    doc = nlp.parse(text)
    article = Article(text=text)
    ctx = Context(article=article, doc=doc, analysis=Analysis(document=make_document(article, doc)), settings=Settings())
    return entities.run(ctx), doc


def score_document(
    gold: GoldDocument, entities: list[Any], doc: Any, report: EntityEvalReport, misses: Optional[list[str]] = None
) -> None:
    """Add one document's sources to ``report``; ``misses`` collects a line per failure."""
    text = gold.text

    def miss(kind: str, spans: list[Span], detail: str) -> None:
        if misses is not None:
            s = spans[0][0]
            misses.append(f"{gold.name}\t{kind}\t{text[s:spans[-1][1]]!r}\t{detail}\t{text[max(0, s - 80):s + 60]!r}")

    index = _Index(entities)
    lower_words = {t.text for t in doc if t.text.islower()}
    sent_starts = [sent.start_char for sent in doc.sents]

    def sent_of(char: int) -> int:
        return bisect.bisect_right(sent_starts, char) - 1

    def number_of(spans: list[Span]) -> str:
        last = doc.char_span(spans[-1][0], spans[-1][1], alignment_mode="expand")
        if last is None or not len(last):
            return "sg"
        toks = [t for t in last if t.is_alpha]
        return "pl" if toks and toks[-1].tag_ in ("NNS", "NNPS") else "sg"

    seen: set[tuple[Span, ...]] = set()
    sources: list[list[Span]] = []
    for att in gold.attributions:
        key = tuple(att.source)
        if att.source and key not in seen:
            seen.add(key)
            sources.append(sorted(att.source))
    sources.sort()
    named_before: list[tuple[int, list[Span], list[Span], str]] = []  # (sentence, spans, name words, number)
    for spans in sources:
        report.sources += 1
        joined = " ".join(text[s:e] for s, e in spans).strip()
        low = joined.lower()
        if low in PRONOUN_NUMBER:
            report.pronouns += 1
            s, e = spans[0][0], spans[-1][1]
            # the pronoun itself, without surrounding blanks
            s += len(text[s:e]) - len(text[s:e].lstrip())
            e -= len(text[s:e]) - len(text[s:e].rstrip())
            ent = index.covering(s, e)
            if ent is not None:
                report.pronouns_resolved += 1
            si, number = sent_of(s), PRONOUN_NUMBER[low]
            proxy = None
            for psent, pspans, pwords, pnum in reversed(named_before):
                if si - psent > PROXY_SENTENCES:
                    break
                if pnum == number:
                    proxy = (pspans, pwords)
                    break
            if proxy is not None:
                report.pronouns_checkable += 1
                if ent is not None:
                    report.pronouns_checkable_resolved += 1
                    pspans, pwords = proxy
                    names = {w for a, b in pwords for w in _words(text[a:b])}
                    acr = {x for a, b in pwords for x in _acronyms(text[a:b])}
                    if any(index.inside(a, b, ent) for a, b in pspans) or _shares_word(ent.name, names, acr):
                        report.pronouns_agree += 1
                    else:
                        miss("pronoun-wrong", spans, f"{ent.name} vs {' '.join(text[a:b] for a, b in pspans)}")
                else:
                    miss("pronoun-unresolved", spans, " ".join(text[a:b] for a, b in proxy[0]))
            continue
        if low in OTHER_PRONOUNS:
            report.other_pronouns += 1
            continue
        words = _name_words(doc, spans, lower_words)
        if not words:
            report.common += 1
            continue
        report.named += 1
        owners = [index.covering(a, b) for a, b in words]
        if all(o is not None for o in owners):
            report.named_covered += 1
        else:
            miss("named-uncovered", spans, " ".join(text[a:b] for (a, b), o in zip(words, owners) if o is None))
        covered = [o for o in owners if o is not None]
        if covered:
            report.named_covered_any += 1
            names = {w for a, b in words for w in _words(text[a:b])}
            if _shares_word(covered[-1].name, names, {x for a, b in words for x in _acronyms(text[a:b])}):
                report.named_agree += 1
            else:
                miss("named-wrong", spans, covered[-1].name)
        named_before.append((sent_of(spans[0][0]), spans, words, number_of(spans)))


def evaluate_entities_polnear(
    directory: Path, limit: Optional[int] = None, misses: Optional[list[str]] = None
) -> EntityEvalReport:
    """Score the entities stage on the gold Source spans of a PolNeAR split (see module doc)."""
    report = EntityEvalReport()
    for gold in read_polnear(Path(directory), limit=limit):
        entities, doc = _run_entities(gold.text)
        report.documents += 1
        score_document(gold, entities, doc, report, misses)
    return report
