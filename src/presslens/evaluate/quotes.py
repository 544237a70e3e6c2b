"""Quote-attribution evaluation on PolNeAR-format data.

Matching: a prediction matches a gold attribution when their overlap covers at least 30%
(reported separately: 80%) of the gold content span; pairs are matched one-to-one, greedily,
best overlap first. Discontinuous gold spans count as the union of their fragments (overlap and
length over the fragments only). Predicted quotes that share one cue (a split quote
"“A,” he said, “B.”") are joined into one prediction, as PolNeAR joins them into one attribution;
so is a floating quote (no cue, speaker carried over) that follows within 300 characters a quote of
the same speaker mention.

Subsets:
- direct: gold content contains a quote mark; predicted direct = kind direct or mixed.
  indirect: the rest; predicted indirect = kind indirect.
- speech: gold whose cue contains a speech-class verb of presslens's reporting-verb lexicon (or
  "according to"); predicted speech = a cue of the speech class, or no cue (floating direct quotes).
Subset recall = matched gold of the subset / gold of the subset (matching is done once, over all).
Subset precision = predictions of the subset that match any gold / predictions of the subset.

Speaker accuracy: over matched pairs whose gold has a Source. Correct when the predicted speaker
span overlaps the gold source span, or the predicted speaker's name shares a capitalised word
with the gold source text (a pronoun resolved to the right person counts).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..lexicons import cue_kind
from ..model import Analysis, Article, Quote
from .polnear import GoldAttribution, GoldDocument, read_polnear

Span = tuple[int, int]
THRESHOLDS = (0.3, 0.8)
CONTINUATION_CHARS = 300
_QUOTE_MARKS = re.compile("[“”\"«»„]")
_STOP_NAME = frozenset({"the", "a", "an", "of", "mr", "mrs", "ms", "dr", "and"})


@dataclass
class Prediction:
    spans: list[Span]
    kind: str
    speech: bool
    speaker_span: Optional[Span]
    speaker_name: Optional[str]
    speaker_text: Optional[str]


@dataclass
class Scores:
    gold: int = 0
    predicted: int = 0
    matched_gold: int = 0
    matched_pred: int = 0
    speaker_total: int = 0
    speaker_correct: int = 0

    @property
    def precision(self) -> float:
        return self.matched_pred / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.speaker_total if self.speaker_total else 0.0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(precision=self.precision, recall=self.recall, f1=self.f1, speaker_accuracy=self.speaker_accuracy)
        return d


SUBSETS = ("all", "direct", "indirect", "speech", "speech_direct", "speech_indirect")


@dataclass
class QuoteEvalReport:
    documents: int
    annotator_choice: str = "first .ann file per text in sorted name order"
    scores: dict[str, dict[str, Scores]] = field(default_factory=dict)  # threshold -> subset -> scores

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "annotator_choice": self.annotator_choice,
            "scores": {t: {k: v.as_dict() for k, v in subs.items()} for t, subs in self.scores.items()},
        }

    def to_text(self) -> str:
        lines = [f"PolNeAR quote attribution: {self.documents} documents ({self.annotator_choice})", ""]
        head = f"{'overlap':<8}{'subset':<17}{'gold':>6}{'pred':>6}{'P':>7}{'R':>7}{'F1':>7}{'spk acc':>9}{'(n)':>7}"
        lines.append(head)
        lines.append("-" * len(head))
        for t, subs in self.scores.items():
            for name, s in subs.items():
                lines.append(
                    f"{t:<8}{name:<17}{s.gold:>6}{s.predicted:>6}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}"
                    f"{s.speaker_accuracy:>9.3f}{s.speaker_total:>7}"
                )
            lines.append("")
        return "\n".join(lines)


def _overlap(a: list[Span], b: list[Span]) -> int:
    total = 0
    for s1, e1 in a:
        for s2, e2 in b:
            lo, hi = max(s1, s2), min(e1, e2)
            if hi > lo:
                total += hi - lo
    return total


def _length(spans: list[Span]) -> int:
    return sum(e - s for s, e in spans)


def predictions_from(analysis: Analysis) -> list[Prediction]:
    by_cue: dict[Span, Prediction] = {}
    out: list[Prediction] = []
    for q in analysis.quotes:
        key = q.cue.span if q.cue is not None else None
        if key is None and out and q.kind == "direct" and q.speaker.span is not None:
            prev = out[-1]
            if prev.speaker_span == q.speaker.span and 0 <= q.span[0] - prev.spans[-1][1] <= CONTINUATION_CHARS:
                prev.spans.append(q.span)  # a floating quote continues the previous attribution
                continue
        if key is not None and key in by_cue:
            p = by_cue[key]
            p.spans.append(q.span)
            if q.kind != p.kind:
                p.kind = "mixed"
            continue
        speech = q.cue is None or q.cue.kind == "speech"
        p = Prediction([q.span], q.kind, speech, q.speaker.span, q.speaker.name, q.speaker.text)
        out.append(p)
        if key is not None:
            by_cue[key] = p
    return out


def _gold_is_direct(g: GoldAttribution) -> bool:
    return bool(_QUOTE_MARKS.search(g.content_text))


def _gold_is_speech(g: GoldAttribution) -> bool:
    return bool(g.cue_text) and cue_kind(g.cue_text) == "speech"


def _name_words(s: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Z][\w’'-]+", s)} - _STOP_NAME


def speaker_correct(pred: Prediction, gold: GoldAttribution) -> bool:
    if pred.speaker_span is not None and _overlap([pred.speaker_span], gold.source) > 0:
        return True
    if pred.speaker_name:
        return bool(_name_words(pred.speaker_name) & _name_words(gold.source_text))
    return False


def match(preds: list[Prediction], golds: list[GoldAttribution], threshold: float) -> list[tuple[int, int]]:
    pairs = []
    for gi, g in enumerate(golds):
        glen = _length(g.content) or 1
        for pi, p in enumerate(preds):
            ov = _overlap(p.spans, g.content)
            if ov and ov / glen >= threshold:
                pairs.append((ov / glen, ov / max(_length(p.spans), 1), gi, pi))
    pairs.sort(reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, _, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi))
    return out


def _pred_in(p: Prediction, subset: str) -> bool:
    direct = p.kind in ("direct", "mixed")
    return {
        "all": True,
        "direct": direct,
        "indirect": not direct,
        "speech": p.speech,
        "speech_direct": p.speech and direct,
        "speech_indirect": p.speech and not direct,
    }[subset]


def _gold_in(g: GoldAttribution, subset: str) -> bool:
    direct, speech = _gold_is_direct(g), _gold_is_speech(g)
    return {
        "all": True,
        "direct": direct,
        "indirect": not direct,
        "speech": speech,
        "speech_direct": speech and direct,
        "speech_indirect": speech and not direct,
    }[subset]


def score(pairs: list[tuple[list[Prediction], list[GoldAttribution]]], documents: int) -> QuoteEvalReport:
    report = QuoteEvalReport(documents=documents)
    for t in THRESHOLDS:
        subs = {name: Scores() for name in SUBSETS}
        for preds, golds in pairs:
            matched = match(preds, golds, t)
            mg = {gi: pi for gi, pi in matched}
            mp = {pi for _, pi in matched}
            for name, sc in subs.items():
                for gi, g in enumerate(golds):
                    if not _gold_in(g, name):
                        continue
                    sc.gold += 1
                    if gi in mg:
                        sc.matched_gold += 1
                        if g.source:
                            sc.speaker_total += 1
                            sc.speaker_correct += speaker_correct(preds[mg[gi]], g)
                for pi, p in enumerate(preds):
                    if _pred_in(p, name):
                        sc.predicted += 1
                        sc.matched_pred += pi in mp
        report.scores[f"{int(t * 100)}%"] = subs
    return report


def run_documents(docs: list[GoldDocument]) -> list[tuple[list[Prediction], list[GoldAttribution], Analysis]]:
    from .. import analyze_articles

    articles = [Article(text=d.text, origin=d.name) for d in docs]
    out = []
    for d, analysis in zip(docs, analyze_articles(articles)):
        out.append((predictions_from(analysis), d.attributions, analysis))
    return out


def evaluate_polnear(directory: Path, limit: Optional[int] = None) -> QuoteEvalReport:
    """Run presslens over PolNeAR-format data in ``directory`` and score its quotes."""
    docs = read_polnear(Path(directory), limit=limit)
    results = run_documents(docs)
    return score([(p, g) for p, g, _ in results], len(docs))
