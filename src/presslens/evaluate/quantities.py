"""Quantity evaluation on articles labelled by reference (see references.py).

Gold: one JSON line per article, ``corpus``/``file``/``start``/``end``/``sha1`` pointing at the whole
article, and ``quantities``: every amount a careful reader counts in it (counts, money, percentages,
measures, durations; not years, dates, clock times, ages, ordinals or names such as "Flight 370"),
each with ``start``/``end`` (offsets of the number in the file), ``value`` (the stated figure, or
null for a range), ``low``/``high`` (bounds: "more than 140" has low 140, "7 or 8" has 7 and 8),
``approximate`` and ``counted`` (the noun counted, or null).

Scores, over the predicted quantities of those kinds only:
- value: a predicted quantity is right when it overlaps a gold one and states the same figure
  (its value, low or high equals the gold value; for a gold range both bounds agree).
  Precision = right / predicted; recall = gold with a right prediction / gold.
- counted noun: over matched pairs, the head word (last word, case and plural -s ignored) of the
  predicted ``counted`` equals the gold one. Recall over gold with a counted noun; precision over
  matched predictions that name one.
- approximate: agreement of the flag over matched pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from ..errors import EvalDataError
from ..model import Analysis, Article, Quantity
from .references import DEFAULT_CORPUS_ROOT, Reference, read_references, resolve_all

AMOUNT_KINDS = frozenset({"count", "money", "percent", "measure", "duration"})


@dataclass
class GoldQuantity:
    start: int
    end: int
    value: Optional[float]
    low: Optional[float]
    high: Optional[float]
    approximate: bool
    counted: Optional[str]


@dataclass
class QuantityScores:
    file: str
    articles: int = 0
    gold: int = 0
    predicted: int = 0
    value_right: int = 0  # predictions with the gold figure
    gold_found: int = 0  # gold quantities with a right prediction
    gold_counted: int = 0
    counted_found: int = 0
    predicted_counted: int = 0
    predicted_counted_right: int = 0
    matched: int = 0
    approximate_agree: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def _share(n: int, d: int) -> float:
        return n / d if d else 0.0

    @property
    def value_precision(self) -> float:
        return self._share(self.value_right, self.predicted)

    @property
    def value_recall(self) -> float:
        return self._share(self.gold_found, self.gold)

    @property
    def value_f1(self) -> float:
        p, r = self.value_precision, self.value_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def counted_precision(self) -> float:
        return self._share(self.predicted_counted_right, self.predicted_counted)

    @property
    def counted_recall(self) -> float:
        return self._share(self.counted_found, self.gold_counted)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "articles": self.articles,
            "gold_quantities": self.gold,
            "predicted_quantities": self.predicted,
            "value_precision": round(self.value_precision, 4),
            "value_recall": round(self.value_recall, 4),
            "value_f1": round(self.value_f1, 4),
            "counted_precision": round(self.counted_precision, 4),
            "counted_recall": round(self.counted_recall, 4),
            "gold_with_counted": self.gold_counted,
            "approximate_agreement": round(self._share(self.approximate_agree, self.matched), 4),
            "misses": self.misses,
            "false_positives": self.false_positives,
        }

    def to_text(self) -> str:
        return "\n".join([
            f"Quantities: {self.gold} gold amounts in {self.articles} articles from {self.file}; {self.predicted} predicted",
            f"  value          precision {self.value_precision:.3f}  recall {self.value_recall:.3f}  F1 {self.value_f1:.3f}",
            f"  counted noun   precision {self.counted_precision:.3f}  recall {self.counted_recall:.3f}"
            f"   (over {self.gold_counted} gold amounts that count a noun)",
            f"  approximate    agreement {self._share(self.approximate_agree, self.matched):.3f}   (over {self.matched} matched)",
        ])


def _num(v: Any, where: str) -> Optional[float]:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise EvalDataError(f"{where}: a value, low or high is not a number")
    return float(v)


def _gold_quantities(ref: Reference) -> list[GoldQuantity]:
    items = ref.labels.get("quantities")
    where = ref.id or ref.file
    if not isinstance(items, list):
        raise EvalDataError(f"{where}: 'quantities' must be a list")
    out = []
    for q in items:
        if not isinstance(q, dict) or not isinstance(q.get("start"), int) or not isinstance(q.get("end"), int):
            raise EvalDataError(f"{where}: each quantity needs integer 'start' and 'end'")
        counted = q.get("counted")
        out.append(GoldQuantity(
            start=q["start"], end=q["end"], value=_num(q.get("value"), where), low=_num(q.get("low"), where),
            high=_num(q.get("high"), where), approximate=bool(q.get("approximate")),
            counted=counted if isinstance(counted, str) and counted.strip() else None,
        ))
    return out


def _close(a: Optional[float], b: Optional[float]) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _same_figure(g: GoldQuantity, p: Quantity) -> bool:
    if g.value is not None:
        return any(_close(g.value, x) for x in (p.value, p.low, p.high))
    return _close(g.low, p.low) and _close(g.high, p.high)


def _head(noun: str) -> str:
    word = noun.replace("’", "'").split()[-1].lower().strip(".,;:'\"")
    word = word.rsplit("-", 1)[-1] if "-" in word and not word.endswith("-") else word
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score(golds: Iterable[list[GoldQuantity]], analyses: Iterable[Analysis], file: str = "") -> QuantityScores:
    scores = QuantityScores(file=file)
    for gold, analysis in zip(golds, analyses):
        scores.articles += 1
        text = analysis.document.text
        preds = [q for q in analysis.quantities if q.kind in AMOUNT_KINDS]
        scores.gold += len(gold)
        scores.predicted += len(preds)
        scores.gold_counted += sum(g.counted is not None for g in gold)
        # each prediction is paired with the gold amount it overlaps most
        paired: dict[int, list[Quantity]] = {}
        for p in preds:
            best = max(range(len(gold)), key=lambda k: _overlap((gold[k].start, gold[k].end), p.span), default=None)
            if best is None or _overlap((gold[best].start, gold[best].end), p.span) == 0:
                scores.false_positives.append({"text": p.text, "span": list(p.span), "value": p.value})
                continue
            paired.setdefault(best, []).append(p)
            g = gold[best]
            if _same_figure(g, p):
                scores.value_right += 1
            if p.counted:
                scores.predicted_counted += 1
                scores.predicted_counted_right += g.counted is not None and _head(g.counted) == _head(p.counted)
        for k, g in enumerate(gold):
            cands = paired.get(k, [])
            right = [p for p in cands if _same_figure(g, p)]
            if right:
                scores.gold_found += 1
            else:
                scores.misses.append({"text": text[g.start:g.end], "span": [g.start, g.end], "value": g.value,
                                      "predicted": [p.text for p in cands]})
            if cands:
                p = (right or cands)[0]
                scores.matched += 1
                scores.approximate_agree += p.approximate == g.approximate
                if g.counted is not None and p.counted and _head(p.counted) == _head(g.counted):
                    scores.counted_found += 1
    return scores


def evaluate_quantities(path: Path, root: Path = DEFAULT_CORPUS_ROOT) -> QuantityScores:
    """Analyse every referenced article and score its quantities against the gold amounts."""
    from .. import analyze_articles

    refs = read_references(path)
    golds = [_gold_quantities(r) for r in refs]
    texts = resolve_all(refs, root)
    for ref, gold, text in zip(refs, golds, texts):
        for g in gold:
            if not (ref.start <= g.start < g.end <= ref.end):
                raise EvalDataError(f"{ref.id or ref.file}: a quantity lies outside the article span")
    analyses = analyze_articles(Article(text=t) for t in texts)
    return score(golds, analyses, file=str(path))
