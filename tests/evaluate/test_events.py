"""`presslens eval events`: scores on the project's own gold set, and bad gold files (PL400)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from presslens.cli.main import app
from presslens.errors import EvalDataError
from presslens.evaluate.events import evaluate_events, read_gold
from presslens.model import EVENT_TYPES

GOLD = Path(__file__).resolve().parents[1] / "data" / "events_gold.jsonl"
# Pinned floors a little under the measured scores (0.984 / 0.964 / 0.937 on 309 records when
# written); the set was written for presslens while the rules were developed, so it guards against
# regressions only (README: "Events — own gold set").
FLOOR_TYPE = 0.95
FLOOR_FIRST = 0.93
FLOOR_ACTOR = 0.90

# Batches written here, each scored once before a round of general vocabulary widened the patterns
# on it; the floors (type among predicted, first event right, actor match) guard that work.
# - events_heldout.jsonl, 120 sentences: 0.867 at first sight, 0.975 / 0.958 / 0.958 after;
# - events_heldout2.jsonl, 60 sentences: 0.517 at first sight, 0.917 / 0.900 / 0.914 after.
HELDOUT_BATCHES = [
    (GOLD.with_name("events_heldout.jsonl"), 120, (0.93, 0.91, 0.90)),
    (GOLD.with_name("events_heldout2.jsonl"), 60, (0.88, 0.86, 0.86)),
]


def test_events_gold_set_covers_all_types():
    gold = read_gold(GOLD)
    assert len(gold) >= 80
    for t in EVENT_TYPES:
        assert sum(g.event == t for g in gold) >= 3, t


def test_events_eval_on_own_gold_set_meets_floor():
    scores = evaluate_events(GOLD)
    assert scores.records >= 80
    assert scores.type_recall >= FLOOR_TYPE, scores.misses
    assert scores.first_right >= FLOOR_FIRST
    assert scores.actor_accuracy >= FLOOR_ACTOR


@pytest.mark.parametrize("path, size, floors", HELDOUT_BATCHES, ids=lambda x: getattr(x, "name", None))
def test_events_eval_on_heldout_batch_meets_floor(path, size, floors):
    floor_type, floor_first, floor_actor = floors
    gold = read_gold(path)
    assert len(gold) == size
    scores = evaluate_events(path)
    assert scores.type_recall >= floor_type, scores.misses
    assert scores.first_right >= floor_first
    assert scores.actor_accuracy >= floor_actor


def test_events_eval_reads_plover_record_stream(tmp_path):
    # PLOVER's gold files are comma-separated objects with trailing commas and "" for no target
    path = tmp_path / "plover.txt"
    path.write_text(
        '{\n "id": "X-1",\n "source": [{"actorText": "Customs officers", "code": "GOV"}],\n "target": "",\n'
        ' "event": "COERCE",\n "text": "Customs officers seized a shipment of rifles at the port.",\n},\n'
        '{\n "id": "X-2",\n "source": [{"actorText": "Teachers"}],\n "event": "PROTEST",\n'
        ' "text": "Teachers marched to the ministry on Friday.",\n},\n',
        encoding="utf-8",
    )
    gold = read_gold(path)
    assert [g.event for g in gold] == ["COERCE", "PROTEST"] and gold[0].targets == []
    scores = evaluate_events(path)
    assert scores.records == 2 and scores.type_recall == 1.0 and scores.actor_accuracy == 1.0


def test_events_eval_counts_misses(tmp_path):
    path = tmp_path / "g.jsonl"
    rows = [
        {"text": "The weather was mild all week.", "event": "FIGHT", "source": [{"actorText": "weather"}]},
        {"text": "Police arrested two men.", "event": "COERCE", "source": [{"actorText": "Police"}]},
        {"text": "Nothing to see.", "event": "SAY", "source": []},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    scores = evaluate_events(path)
    assert scores.records == 2 and scores.skipped == 1
    assert scores.type_recall == 0.5 and scores.no_event == 1
    assert scores.to_dict()["by_type"]["FIGHT"]["found"] == 0
    assert "gold type among predicted" in scores.to_text()


@pytest.mark.parametrize(
    "content",
    ["", "not json at all {", '[{"text": "x"}]', '{"event": "FIGHT"}', "[1, 2]", "[]"],
)
def test_events_eval_bad_file_is_pl400(tmp_path, content):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvalDataError):
        read_gold(path)


def test_events_eval_cli_json_and_errors(tmp_path):
    runner = CliRunner()
    small = tmp_path / "small.jsonl"
    small.write_text(json.dumps({"text": "Police arrested two men.", "event": "COERCE", "source": [{"actorText": "Police"}]}) + "\n")
    ok = runner.invoke(app, ["eval", "events", "--gold", str(small), "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["type_among_predicted"] == 1.0
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{{{", encoding="utf-8")
    res = runner.invoke(app, ["eval", "events", "--gold", str(bad)])
    assert res.exit_code != 0 and "PL400" in res.output
    folder = runner.invoke(app, ["eval", "events", "--gold", str(tmp_path)])
    assert folder.exit_code != 0 and "PL400" in folder.output
