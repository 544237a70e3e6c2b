"""PTC reading and the SI / TC metrics, on hand-made spans with hand-computed scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from presslens.errors import EvalDataError
from presslens.evaluate import ptc


def test_ptc_si_scores_partial_overlap_by_hand() -> None:
    # Article a: pred [5,15) vs gold [0,10): overlap 5 -> precision credit 5/10, recall credit 5/10.
    # Article b: pred [0,20) vs gold [0,4) and [10,20): precision credit (4+10)/20 = 0.7,
    #            recall credit 4/4 + 10/10 = 2.
    # P = (0.5 + 0.7) / 2 predicted = 0.6; R = (0.5 + 2) / 3 gold = 0.8333; F1 = 2PR/(P+R) = 0.6977.
    pred = {"a": [(5, 15)], "b": [(0, 20)]}
    gold = {"a": [(0, 10)], "b": [(0, 4), (10, 20)]}
    s = ptc.si_scores(pred, gold)
    assert (s.predicted, s.gold) == (2, 3)
    assert s.precision == pytest.approx(0.6)
    assert s.recall == pytest.approx(2.5 / 3)
    assert s.f1 == pytest.approx(2 * 0.6 * (2.5 / 3) / (0.6 + 2.5 / 3))
    assert round(s.f1, 4) == 0.6977


def test_ptc_si_scores_merges_overlapping_predictions_and_counts_missing_articles() -> None:
    # [0,5) and [3,8) merge into [0,8): one prediction, overlap 8 with gold [0,8) -> perfect.
    assert ptc.si_scores({"a": [(0, 5), (3, 8)]}, {"a": [(0, 8)]}).f1 == pytest.approx(1.0)
    # An article with gold but no prediction costs recall only: P = 1, R = 1/2.
    s = ptc.si_scores({"a": [(0, 8)]}, {"a": [(0, 8)], "b": [(1, 2)]})
    assert (s.precision, s.recall) == (pytest.approx(1.0), pytest.approx(0.5))
    # Nothing predicted: all zero, no division by zero.
    empty = ptc.si_scores({}, {"a": [(0, 3)]})
    assert (empty.precision, empty.recall, empty.f1) == (0.0, 0.0, 0.0)


def test_ptc_merge_spans_keeps_touching_spans_apart() -> None:
    assert ptc.merge_spans([(10, 12), (0, 5), (3, 7), (7, 9)]) == [(0, 7), (7, 9), (10, 12)]


def test_ptc_tc_scores_micro_and_per_technique_by_hand() -> None:
    pred = ["Doubt", "Loaded_Language", "Doubt", "Slogans"]
    gold = ["Doubt", "Doubt", "Doubt", "Loaded_Language"]
    s = ptc.tc_scores(pred, gold)
    assert s.micro_f1 == pytest.approx(2 / 4)
    doubt = s.per_technique["Doubt"]  # tp 2, predicted 2, gold 3
    assert (doubt.precision, doubt.recall, doubt.f1) == (pytest.approx(1.0), pytest.approx(2 / 3), pytest.approx(0.8))
    assert s.per_technique["Loaded_Language"].f1 == 0.0  # predicted once, wrongly; its one gold missed
    assert s.per_technique["Slogans"].gold == 0
    assert len(s.per_technique) == 14


def test_ptc_tc_scores_identical_spans_match_as_multisets() -> None:
    # One fragment carrying two techniques: the two predictions count in either order.
    spans = [(0, 5), (0, 5), (9, 12)]
    gold = ["Doubt", "Loaded_Language", "Slogans"]
    pred = ["Loaded_Language", "Doubt", "Doubt"]
    assert ptc.tc_scores(pred, gold, spans).micro_f1 == pytest.approx(2 / 3)
    assert ptc.tc_scores(pred, gold).micro_f1 == pytest.approx(0.0)
    with pytest.raises(ValueError):
        ptc.tc_scores(["Doubt"], [])


def _corpus(root: Path, si: bool = True) -> Path:
    (root / "articles").mkdir(parents=True)
    (root / "labels-tc").mkdir()
    text = "A headline here\n\nThe mayor is a total disaster.\nShe said so twice.\n"
    (root / "articles" / "article7.txt").write_text(text, encoding="utf-8")
    (root / "articles" / "article8.txt").write_text("Quiet news.\n", encoding="utf-8")
    (root / "labels-tc" / "article7.task-flc-tc.labels").write_text(
        "7\tLoaded_Language\t32\t46\n7\tName_Calling,Labeling\t30\t46\n7\tDoubt\t0\t10\n", encoding="utf-8"
    )
    if si:
        (root / "labels-si").mkdir()
        (root / "labels-si" / "article7.task-si.labels").write_text("7\t0\t10\n7\t30\t46\n", encoding="utf-8")
    return root


def test_ptc_read_folder_tc_and_si(tmp_path: Path) -> None:
    root = _corpus(tmp_path / "c")
    texts = ptc.read_articles(root)
    assert sorted(texts) == ["7", "8"]
    assert texts["7"][32:46] == "total disaster"
    labels = ptc.read_labels(root)
    assert labels.has_tc
    assert [(f.technique, f.start, f.end) for f in labels.fragments["7"]][0] == ("Loaded_Language", 32, 46)
    assert labels.si["7"] == [(0, 10), (30, 46)]
    # A folder holding only TC files: SI spans are the fragments merged.
    tc_only = ptc.read_labels(root / "labels-tc")
    assert tc_only.si["7"] == [(0, 10), (30, 46)]
    # A folder holding only SI files: no TC.
    si_only = ptc.read_labels(root / "labels-si")
    assert not si_only.has_tc and si_only.si["7"] == [(0, 10), (30, 46)]
    assert ptc.read_articles(root / "articles") == texts


def test_ptc_read_ids_skips_comments_and_prefixes(tmp_path: Path) -> None:
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("# header\n\narticle12\n34\n", encoding="utf-8")
    assert ptc.read_ids(ids_file) == ["12", "34"]


def _fold_corpus(n: int) -> tuple[dict[str, str], ptc.PtcLabels]:
    # Written for this test: lengths rise with the id, every seventh article carries a rare technique.
    texts = {str(100 + i): "word " * (10 + 3 * i) for i in range(n)}
    labels = ptc.PtcLabels(has_tc=True)
    for i, art in enumerate(sorted(texts)):
        tech = "Slogans" if i % 7 == 0 else "Loaded_Language"
        labels.fragments[art] = [ptc.GoldFragment(0, 4, tech)]
    return texts, labels


def test_ptc_cv_folds_partition_balanced_and_stratified() -> None:
    texts, labels = _fold_corpus(70)
    folds = ptc.cv_folds(texts, labels, 5, seed=13)
    flat = [a for f in folds for a in f]
    assert sorted(flat) == sorted(texts) and len(flat) == len(set(flat))
    assert {len(f) for f in folds} == {14}
    # the rare technique (10 articles) and each length quintile spread evenly over the folds
    rare = [sum(labels.fragments[a][0].technique == "Slogans" for a in f) for f in folds]
    assert rare == [2] * 5
    by_len = sorted(texts, key=lambda a: len(texts[a]))
    for q in range(5):
        band = set(by_len[14 * q : 14 * (q + 1)])
        assert all(len(band & set(f)) >= 2 for f in folds)
    assert folds == ptc.cv_folds(texts, labels, 5, seed=13)


def test_ptc_cv_folds_bad_k_is_pl400() -> None:
    texts, labels = _fold_corpus(3)
    with pytest.raises(EvalDataError) as err:
        ptc.cv_folds(texts, labels, 5)
    assert str(err.value).startswith("PL400")


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p / "missing",
        lambda p: (p / "empty").mkdir() or p / "empty",
    ],
)
def test_ptc_bad_folder_is_pl400(tmp_path: Path, make) -> None:
    folder = make(tmp_path)
    with pytest.raises(EvalDataError) as err:
        ptc.read_articles(folder)
    assert str(err.value).startswith("PL400")
    with pytest.raises(EvalDataError):
        ptc.read_labels(folder)


def test_ptc_malformed_label_line_is_pl400(tmp_path: Path) -> None:
    root = _corpus(tmp_path / "c", si=False)
    (root / "labels-tc" / "article8.task-flc-tc.labels").write_text("8\tDoubt\tten\t20\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match="not a whole number"):
        ptc.read_labels(root)
    (root / "labels-tc" / "article8.task-flc-tc.labels").write_text("8\tDoubt\t5\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match="4 tab-separated"):
        ptc.read_labels(root)


def test_ptc_evaluate_techniques_model_only(tmp_path: Path) -> None:
    from presslens.techniques import tagger

    if not tagger.available():
        pytest.skip("the technique model files are absent")
    root = _corpus(tmp_path / "c")
    report = ptc.evaluate_techniques(root, root, product=False)
    assert report.documents == 2  # article8 has no label file: it counts, with no techniques
    assert report.si is None and report.si_model is not None
    assert report.tc is not None and report.tc.total == 3
    d = report.to_dict()
    assert d["si_model_only"]["gold"] == 2 and "TC micro-F1" in report.to_text()
    with pytest.raises(EvalDataError):
        ptc.evaluate_techniques(root, root, ids=["999"], product=False)
