"""Evaluation gate: quote attribution on PolNeAR dev must not fall below pinned floors.

In the spirit of trafilatura's eval_gate: the floors sit a little under the scores written
in README.md; a change that loses more than that fails CI. Skips without ../shared.
Reproduce the scores with `presslens eval quotes --polnear ../shared/data/polnear/dev`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from presslens.evaluate.quotes import evaluate_polnear

# (overlap, subset, metric) -> floor
FLOORS = {
    ("30%", "speech", "f1"): 0.85,
    ("30%", "speech", "speaker_accuracy"): 0.91,
    ("30%", "speech_direct", "f1"): 0.93,
    ("30%", "speech_indirect", "f1"): 0.80,
    ("30%", "all", "precision"): 0.88,
    ("80%", "speech", "f1"): 0.78,
}


@pytest.fixture(scope="module")
def dev_report(shared_data: Path):
    return evaluate_polnear(shared_data / "polnear" / "dev")


@pytest.mark.shared
@pytest.mark.parametrize("key", sorted(FLOORS), ids=lambda k: "-".join(k))
def test_quotes_gate_dev_score_above_floor(dev_report, key):
    overlap, subset, metric = key
    score = getattr(dev_report.scores[overlap][subset], metric)
    assert score >= FLOORS[key], f"{overlap} {subset} {metric} = {score:.3f}, below its floor {FLOORS[key]}"
