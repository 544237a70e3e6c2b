"""`presslens eval quantities`: value and counted-noun scores on articles labelled by reference."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from presslens.cli.main import app
from presslens.errors import EvalDataError
from presslens.evaluate.quantities import evaluate_quantities

DATA = Path(__file__).resolve().parents[1] / "data"
runner = CliRunner()


def _article(tmp_path: Path, text: str, quantities: list[dict]) -> tuple[Path, Path]:
    root = tmp_path / "root"
    (root / "news").mkdir(parents=True)
    (root / "news" / "a.txt").write_text(text, encoding="utf-8")
    rec = {"id": "a", "corpus": "news", "file": "a.txt", "start": 0, "end": len(text),
           "sha1": hashlib.sha1(text.encode()).hexdigest()[:12], "quantities": quantities}
    gold = tmp_path / "q.jsonl"
    gold.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    return root, gold


def _q(text: str, number: str, **labels) -> dict:
    start = text.index(number)
    return {"start": start, "end": start + len(number), **labels}


def test_quantities_eval_scores_value_and_counted_noun(tmp_path):
    text = "About 3,000 people marched, police said. The city spent $4 million on the 2019 parade."
    root, gold = _article(tmp_path, text, [
        _q(text, "3,000", value=3000, approximate=True, counted="people"),
        _q(text, "$4 million", value=4e6, counted=None),
    ])
    scores = evaluate_quantities(gold, root)
    assert scores.gold == 2 and scores.value_recall == 1.0 and scores.value_precision == 1.0  # 2019 is a year
    assert scores.counted_recall == 1.0 and scores.to_dict()["approximate_agreement"] == 1.0


def test_quantities_eval_counts_a_wrong_figure_and_an_unlabelled_amount(tmp_path):
    text = "Some 40 events were held and 12 delegates left."
    root, gold = _article(tmp_path, text, [_q(text, "40", value=400, approximate=True, counted="events")])
    scores = evaluate_quantities(gold, root)
    assert scores.value_recall == 0.0 and scores.value_precision == 0.0 and len(scores.false_positives) == 1


def test_quantities_eval_bad_quantity_is_pl400(tmp_path):
    root, gold = _article(tmp_path, "Two men left.", [{"start": 0, "value": 2}])
    with pytest.raises(EvalDataError):
        evaluate_quantities(gold, root)


def test_quantities_eval_cli(tmp_path):
    text = "Six protesters were arrested."
    root, gold = _article(tmp_path, text, [_q(text, "Six", value=6, counted="protesters")])
    result = runner.invoke(app, ["eval", "quantities", "--gold", str(gold), "--corpus-root", str(root)])
    assert result.exit_code == 0, result.output
    assert "value          precision 1.000  recall 1.000" in result.output


@pytest.mark.shared
@pytest.mark.parametrize("name, floors", [
    ("quantities_real_dev.jsonl", (0.85, 0.93, 0.85)),
    ("quantities_real_heldout.jsonl", (0.80, 0.90, 0.90)),
])
def test_quantities_eval_real_articles_meet_floor(shared_data, name, floors):
    scores = evaluate_quantities(DATA / name, shared_data)
    p, r, counted = floors
    assert scores.value_precision >= p and scores.value_recall >= r and scores.counted_recall >= counted
