"""Evaluation gate: the technique tagger on the PTC validation split must not fall below pinned floors.

The floors sit a little under the scores in README.md and MODEL_CARD.md (model-only SI F1 0.421,
TC micro-F1 0.603, int8 model). A change to the model, its decoding or the span classifier that
loses more than that fails. Skips without ../shared or without the model files.
Reproduce with `presslens eval techniques --articles ../shared/data/ptc-train --labels ../shared/data/ptc-train`.
The full pipeline (rules included) is not run here, to keep the gate under a minute.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from presslens.evaluate import ptc
from presslens.techniques import tagger

SI_F1_FLOOR = 0.40  # measured 0.421
TC_MICRO_F1_FLOOR = 0.58  # measured 0.603


@pytest.fixture(scope="module")
def validation_report(shared_data: Path):
    if not tagger.available():
        pytest.skip("the technique model files are absent")
    corpus = shared_data / "ptc-train"
    return ptc.evaluate_techniques(corpus, corpus, ptc.read_ids(), product=False, ids_source="validation split")


@pytest.mark.shared
def test_techniques_gate_si_above_floor(validation_report) -> None:
    assert validation_report.documents == 56
    si = validation_report.si_model
    assert si is not None
    assert si.f1 >= SI_F1_FLOOR, f"validation SI F1 {si.f1:.3f} is below its floor {SI_F1_FLOOR}"


@pytest.mark.shared
def test_techniques_gate_tc_above_floor(validation_report) -> None:
    tc = validation_report.tc
    assert tc is not None and tc.total > 800
    assert tc.micro_f1 >= TC_MICRO_F1_FLOOR, f"validation TC micro-F1 {tc.micro_f1:.3f} is below its floor {TC_MICRO_F1_FLOOR}"
