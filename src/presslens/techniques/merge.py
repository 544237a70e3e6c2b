"""Merge model spans and rule hits into one list of technique findings.

Overlapping spans of one technique become one finding covering them all. A finding the model
made (alone or with a rule) says ``method="model"`` and keeps the rule cues it absorbed, so its
explanation can name them; a finding only rules made says ``method="rule"``. Spans of different
techniques may overlap (PTC labels them that way too).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources as importlib_resources
from typing import Literal, Optional, Sequence

from .rules import FAMILIES, RuleHit

# Used only when the shipped measurements are missing (a broken install): rules run with a
# modest confidence rather than not at all.
_FALLBACK_CONFIDENCE = 0.3


@dataclass(frozen=True)
class ModelFinding:
    """What the merge needs from a model span (``tagger.ModelSpan`` fits)."""

    start: int
    end: int
    technique: str
    score: float


@dataclass
class Merged:
    start: int
    end: int
    technique: str
    method: Literal["model", "rule"]
    confidence: float
    model_spans: list = field(default_factory=list)
    hits: list[RuleHit] = field(default_factory=list)


@dataclass(frozen=True)
class Calibration:
    """Per rule family: whether it is emitted and the confidence its spans carry (rule_precision.json)."""

    enabled: dict[str, bool]
    confidence: dict[str, float]
    grade_enabled: dict[int, bool]
    grade_confidence: dict[int, float]
    muted: frozenset[tuple[str, str]]
    # a muted entry's own measured precision (SI credit on train): the confidence of its weak cue
    entry_precision: dict[tuple[str, str], float] = field(default_factory=dict)

    def keeps(self, hit: RuleHit) -> bool:
        if not self.enabled.get(hit.family, False) or (hit.family, hit.entry) in self.muted:
            return False
        if hit.family == "loaded" and hit.grade:
            return self.grade_enabled.get(hit.grade, True)
        return True

    def confidence_of(self, hit: RuleHit) -> float:
        if hit.family == "loaded" and hit.grade in self.grade_confidence:
            return self.grade_confidence[hit.grade]
        return self.confidence.get(hit.family, _FALLBACK_CONFIDENCE)

    def weak_confidence_of(self, hit: RuleHit) -> float:
        """A cue the calibration switches off: its family's confidence, lowered to the entry's own
        measured precision when the entry is muted."""
        conf = self.confidence_of(hit)
        return min(conf, self.entry_precision.get((hit.family, hit.entry), conf))


@lru_cache(maxsize=1)
def calibration() -> Calibration:
    """The shipped measurements (``resources/models/techniques/rule_precision.json``), read once."""
    try:
        path = importlib_resources.files("presslens.resources").joinpath("models", "techniques", "rule_precision.json")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Calibration(
            enabled={f: True for f in FAMILIES},
            confidence={f: _FALLBACK_CONFIDENCE for f in FAMILIES},
            grade_enabled={},
            grade_confidence={},
            muted=frozenset(),
        )
    families = data.get("families", {})
    grades = data.get("loaded_grades", {})
    return Calibration(
        enabled={f: bool(families.get(f, {}).get("enabled", False)) for f in FAMILIES},
        confidence={f: float(families.get(f, {}).get("confidence", _FALLBACK_CONFIDENCE)) for f in FAMILIES},
        grade_enabled={int(g): bool(v.get("enabled", True)) for g, v in grades.items()},
        grade_confidence={int(g): float(v["confidence"]) for g, v in grades.items() if "confidence" in v},
        muted=frozenset((m["family"], m["entry"]) for m in data.get("muted_entries", [])),
        entry_precision={
            (m["family"], m["entry"]): float(m["train_si_precision"])
            for m in data.get("muted_entries", [])
            if m.get("train_si_precision") is not None
        },
    )


def merge(model_spans: Sequence, hits: Sequence[RuleHit], cal: Optional[Calibration] = None) -> list[Merged]:
    """One finding per cluster of overlapping spans of the same technique, ordered by start.

    ``model_spans`` are objects with ``start``, ``end``, ``technique`` and ``score``; ``hits``
    are rule hits already filtered by the calibration.
    """
    cal = cal or calibration()
    items: list[tuple[int, int, str, object]] = []
    for m in model_spans:
        if m.end > m.start:
            items.append((m.start, m.end, m.technique, m))
    for h in hits:
        if h.end > h.start:
            items.append((h.start, h.end, h.technique, h))
    items.sort(key=lambda x: (x[2], x[0], -x[1]))
    out: list[Merged] = []
    current: Optional[Merged] = None
    for start, end, technique, item in items:
        if current is None or technique != current.technique or start >= current.end:
            current = Merged(start, end, technique, "rule", 0.0)
            out.append(current)
        else:
            current.end = max(current.end, end)
        if isinstance(item, RuleHit):
            current.hits.append(item)
        else:
            current.model_spans.append(item)
    for m in out:
        if m.model_spans:
            m.method = "model"
            m.confidence = max(float(s.score) for s in m.model_spans)
        else:
            m.confidence = max(cal.confidence_of(h) for h in m.hits)
        m.confidence = min(1.0, max(0.0, round(m.confidence, 3)))
    out.sort(key=lambda m: (m.start, m.end, m.technique))
    return out
