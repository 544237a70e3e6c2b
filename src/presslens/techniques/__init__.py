"""Persuasion techniques (PTC's 14 labels): the trained tagger, the rule layer, their merge and
the explanations. The stage (`stages/techniques.py`) and the corpus-format commands
(`presslens techniques detect|classify`) both come through here.

- ``tagger``   the MiniLM model run with onnxruntime (optional: rules run alone without it)
- ``rules``    word-list and pattern rules over the article's one parse
- ``merge``    overlapping spans of one technique unified; rule families calibrated on PTC
- ``explain``  one plain sentence per finding, naming the words that carry it
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

from spacy.tokens import Doc

from ..errors import ModelUnavailable
from ..model import TECHNIQUES, Entity, Quote, Technique
from . import explain, merge, rules

Span = tuple[int, int]

# Without a model and without a rule cue, the commonest technique in news (PTC: about a third).
DEFAULT_TECHNIQUE = "Loaded_Language"


def _tagger():
    """The loaded tagger, or None when its files are not installed."""
    try:
        from . import tagger
    except ImportError:
        return None
    if not tagger.available():
        return None
    try:
        return tagger.load()
    except ModelUnavailable:
        return None


def model_available() -> bool:
    return _tagger() is not None


def rule_hits(doc: Doc, entities: Iterable[Entity] = ()) -> tuple[list[rules.RuleHit], list[rules.RuleHit]]:
    """The rules' hits on one parse, split by the shipped calibration: those it keeps (families and
    entries that held up on PTC), and the weak ones readers may want shown that PTC's annotators
    seldom marked."""
    cal = merge.calibration()
    hits = rules.find(doc)
    names = _name_spans(doc.text, entities)
    if names:
        # charged words inside a proper name ("Islamic Resistance Movement") are the name, not the writer's choice
        hits = [h for h in hits if h.family not in {"loaded", "exaggeration"} or not _inside(h, names)]
    kept = [h for h in hits if cal.keeps(h)]
    return kept, [h for h in hits if not cal.keeps(h)]


def _name_spans(text: str, entities: Iterable[Entity]) -> list[Span]:
    spans = []
    for ent in entities:
        for s, e in ent.mentions:
            if e - s > 1 and text[s:s + 1].isupper() and " " in text[s:e]:
                spans.append((s, e))
    return sorted(spans)


def _inside(hit: rules.RuleHit, spans: Sequence[Span]) -> bool:
    return any(s <= hit.cue_start and hit.cue_end <= e for s, e in spans)


def find_techniques(
    text: str,
    doc: Optional[Doc],
    *,
    entities: Iterable[Entity] = (),
    quotes: Iterable[Quote] = (),
    sentences: Optional[Sequence[Span]] = None,
    cues: str = "calibrated",
) -> list[Technique]:
    """Technique findings for one article: model spans and rule hits merged, each explained.

    ``cues="all"`` adds the weak rule cues (the second list of ``rule_hits``) that no calibrated finding of
    the same technique already covers, each with its low measured confidence and an explanation
    that says it is weak; the calibrated findings are the same either way.

    ``doc`` is the article's one parse (``doc.text == text``); ``sentences`` guide the model's
    windows (default: the text's lines). ``quotes`` are accepted for the stage's signature; the
    rules read the parse itself. Ordered by start offset.
    """
    del quotes  # the rules find chants and authorities in the parse; nothing else is needed yet
    if not text or not text.strip():
        return []
    hits: list[rules.RuleHit] = []
    weak: list[rules.RuleHit] = []
    if doc is not None and len(doc) and doc.text == text:
        hits, weak = rule_hits(doc, entities)
        if cues != "all":
            weak = []
    model_spans: list = []
    tagger = _tagger()
    if tagger is not None:
        model_spans = [m for m in tagger.detect(text, list(sentences) if sentences else None) if 0 <= m.start < m.end <= len(text)]
    out: list[Technique] = []
    for m in merge.merge(model_spans, hits):
        passage = text[m.start : m.end]
        if m.method == "model":
            explanation = explain.for_model(m.technique, passage, m.hits, text=text, span=(m.start, m.end))
        else:
            best = max(m.hits, key=lambda h: (merge.calibration().confidence_of(h), h.grade))
            explanation = explain.for_rule(best)
        out.append(
            Technique(
                technique=m.technique,
                span=(m.start, m.end),
                text=passage,
                confidence=m.confidence,
                explanation=explanation,
                method=m.method,
            )
        )
    if weak:
        out.extend(_weak_findings(text, weak, out))
    out.sort(key=lambda t: (t.span[0], t.span[1], t.technique))
    return out


def _weak_findings(text: str, weak: Sequence[rules.RuleHit], found: Sequence[Technique]) -> list[Technique]:
    """Weak cues merged among themselves, leaving out any that a calibrated finding of the same technique overlaps."""
    cal = merge.calibration()
    taken: dict[str, list[Span]] = {}
    for t in found:
        taken.setdefault(t.technique, []).append(t.span)
    fresh = [h for h in weak if not any(s < h.end and h.start < e for s, e in taken.get(h.technique, ()))]
    out = []
    for m in merge.merge([], fresh):
        best = max(m.hits, key=lambda h: (cal.weak_confidence_of(h), h.grade))
        out.append(
            Technique(
                technique=m.technique,
                span=(m.start, m.end),
                text=text[m.start : m.end],
                confidence=min(1.0, max(0.0, round(max(cal.weak_confidence_of(h) for h in m.hits), 3))),
                explanation=explain.for_rule(best, weak=True),
                method="rule",
            )
        )
    return out


def classify_spans(text: str, spans: Sequence[Span], doc: Optional[Doc] = None) -> list[str]:
    """One technique per given span (PTC's TC task). Identical spans listed twice (a fragment with
    two techniques) get the best, then the second-best technique.

    With the model: its most probable technique. Without it: the technique of the most confident
    rule hit overlapping the span, else ``Loaded_Language``.
    """
    if not spans:
        return []
    seen: dict[Span, int] = {}
    ranks: list[int] = []
    for sp in spans:
        key = (int(sp[0]), int(sp[1]))
        ranks.append(seen.get(key, 0))
        seen[key] = seen.get(key, 0) + 1
    tagger = _tagger()
    if tagger is not None:
        probs = tagger.classify(text, [(int(s), int(e)) for s, e in spans])
        out = []
        for pr, rank in zip(probs, ranks):
            ranked = sorted(pr, key=lambda k: -pr[k])
            out.append(ranked[min(rank, len(ranked) - 1)])
        return out
    if doc is None:
        from .. import nlp

        doc = nlp.parse(text) if text.strip() else None
    cal = merge.calibration()
    hits = rule_hits(doc)[0] if doc is not None else []
    out = []
    for (s, e), rank in zip(spans, ranks):
        scored: dict[str, float] = {}
        for h in hits:
            inter = min(e, h.end) - max(s, h.start)
            if inter > 0:
                scored[h.technique] = max(scored.get(h.technique, 0.0), cal.confidence_of(h))
        ranked = sorted(scored, key=lambda t: -scored[t])
        ranked += [t for t in (DEFAULT_TECHNIQUE, "Name_Calling,Labeling") if t not in ranked]
        out.append(ranked[min(rank, len(ranked) - 1)])
    return out


__all__ = ["DEFAULT_TECHNIQUE", "TECHNIQUES", "classify_spans", "find_techniques", "model_available", "rule_hits"]
