"""Merging model spans and rule hits: one finding per overlapping cluster of one technique."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from presslens.techniques import merge, rules


@dataclass(frozen=True)
class FakeModelSpan:
    start: int
    end: int
    technique: str
    score: float


def hit(start: int, end: int, family: str = "loaded", grade: int = 2, cue: str = "word") -> rules.RuleHit:
    return rules.RuleHit(start, end, rules.FAMILY_TECHNIQUE[family], family, start, end, cue, "does something", grade, cue)


CAL = merge.Calibration(
    enabled={f: True for f in rules.FAMILIES},
    confidence={f: 0.4 for f in rules.FAMILIES},
    grade_enabled={1: False, 2: True, 3: True},
    grade_confidence={1: 0.1, 2: 0.45, 3: 0.5},
    muted=frozenset({("labels", "regime")}),
)


def test_merge_overlapping_same_technique_unified_as_model():
    out = merge.merge([FakeModelSpan(10, 30, "Loaded_Language", 0.7)], [hit(25, 40)], CAL)
    assert len(out) == 1
    m = out[0]
    assert (m.start, m.end, m.method) == (10, 40, "model")
    assert m.confidence == 0.7 and len(m.hits) == 1


def test_merge_rule_only_takes_calibrated_confidence():
    (m,) = merge.merge([], [hit(5, 9, grade=3)], CAL)
    assert m.method == "rule" and m.confidence == 0.5


def test_merge_different_techniques_stay_apart():
    out = merge.merge([FakeModelSpan(0, 20, "Doubt", 0.6)], [hit(5, 9)], CAL)
    assert sorted(m.technique for m in out) == ["Doubt", "Loaded_Language"]


def test_merge_touching_spans_stay_apart_and_order_by_start():
    out = merge.merge([], [hit(20, 25), hit(10, 20), hit(0, 5, family="labels")], CAL)
    assert [(m.start, m.end) for m in out] == [(0, 5), (10, 20), (20, 25)]


def test_merge_chain_of_overlaps_becomes_one():
    out = merge.merge([], [hit(0, 10), hit(8, 15), hit(14, 30)], CAL)
    assert [(m.start, m.end) for m in out] == [(0, 30)]


def test_merge_calibration_filters_families_grades_and_muted_entries():
    assert not CAL.keeps(hit(0, 3, grade=1))
    assert CAL.keeps(hit(0, 3, grade=2))
    muted = rules.RuleHit(0, 6, "Name_Calling,Labeling", "labels", 0, 6, "regime", "g", 0, "regime")
    assert not CAL.keeps(muted)
    off = merge.Calibration({**CAL.enabled, "doubt": False}, CAL.confidence, {}, {}, frozenset())
    assert not off.keeps(hit(0, 3, family="doubt", grade=0))


def test_merge_shipped_calibration_records_its_measurements():
    path = resources.files("presslens.resources").joinpath("models", "techniques", "rule_precision.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["command"].startswith("presslens techniques calibrate")
    assert set(data["families"]) == set(rules.FAMILIES)
    for family, row in data["families"].items():
        assert row["technique"] == rules.FAMILY_TECHNIQUE[family]
        assert 0.0 <= row["confidence"] <= 1.0
        assert row["hits"] >= 0 and "si_f1_gain" in row
    # the switches were decided fold by fold and scored on held-out folds
    assert len(data["cv"]["folds"]) == 5
    assert data["cv"]["si_f1_model_and_rules"]["mean"] >= data["cv"]["si_f1_model"]["mean"]
    cal = merge.calibration()
    assert cal.enabled == {f: data["families"][f]["enabled"] for f in rules.FAMILIES}
