"""Quote-attribution scoring: overlap thresholds, one-to-one matching, subsets, speakers."""

from __future__ import annotations

from pathlib import Path

import pytest

from presslens.evaluate.polnear import GoldAttribution
from presslens.evaluate.quotes import (
    Prediction,
    QuoteEvalReport,
    evaluate_polnear,
    match,
    score,
    speaker_correct,
)


def gold(content: list[tuple[int, int]], text: str = "x", source=None, source_text="", cue_text="said") -> GoldAttribution:
    return GoldAttribution(content=content, source=source or [], cue=[(0, 1)], content_text=text, source_text=source_text, cue_text=cue_text)


def pred(spans, kind="indirect", speech=True, speaker_span=None, name=None) -> Prediction:
    return Prediction(spans=list(spans), kind=kind, speech=speech, speaker_span=speaker_span, speaker_name=name, speaker_text=None)


def test_quotes_eval_threshold_30_and_80() -> None:
    g = [gold([(0, 100)])]
    p = [pred([(0, 50)])]
    assert match(p, g, 0.3) == [(0, 0)]
    assert match(p, g, 0.8) == []


def test_quotes_eval_one_to_one_greedy() -> None:
    g = [gold([(0, 100)]), gold([(200, 300)])]
    p = [pred([(0, 100)]), pred([(10, 90)]), pred([(200, 260)])]
    pairs = dict(match(p, g, 0.3))
    assert pairs == {0: 0, 1: 2}  # the second prediction on the first gold is left over


def test_quotes_eval_discontinuous_gold_uses_fragment_length() -> None:
    g = [gold([(0, 10), (50, 60)])]  # 20 characters of content, not 60
    assert match([pred([(0, 10)])], g, 0.3) == [(0, 0)]
    assert match([pred([(0, 10)])], g, 0.8) == []
    assert match([pred([(0, 10), (50, 60)])], g, 0.8) == [(0, 0)]


def test_quotes_eval_subsets_and_scores() -> None:
    golds = [
        gold([(0, 20)], text="“We won,” he said"),
        gold([(30, 60)], text="the plan failed", cue_text="believes"),
        gold([(70, 90)], text="prices rose"),
    ]
    preds = [pred([(0, 20)], kind="direct"), pred([(30, 60)], speech=False), pred([(100, 120)])]
    report = score([(preds, golds)], documents=1)
    all30 = report.scores["30%"]["all"]
    assert (all30.gold, all30.predicted, all30.matched_gold, all30.matched_pred) == (3, 3, 2, 2)
    assert all30.precision == pytest.approx(2 / 3) and all30.recall == pytest.approx(2 / 3)
    direct = report.scores["30%"]["direct"]
    assert (direct.gold, direct.predicted, direct.matched_gold) == (1, 1, 1)
    speech = report.scores["30%"]["speech"]
    assert speech.gold == 2  # "believes" is not a speech cue
    assert speech.predicted == 2 and speech.matched_pred == 1
    d = report.to_dict()
    assert d["scores"]["80%"]["all"]["gold"] == 3
    assert "speech" in report.to_text()


def test_quotes_eval_speaker_overlap_or_name() -> None:
    g = gold([(0, 10)], source=[(20, 25)], source_text="he")
    assert speaker_correct(pred([(0, 10)], speaker_span=(20, 25)), g)
    assert not speaker_correct(pred([(0, 10)], speaker_span=(40, 45)), g)
    g2 = gold([(0, 10)], source=[(20, 32)], source_text="Senator Reyes")
    assert speaker_correct(pred([(0, 10)], speaker_span=(80, 82), name="Maria Reyes"), g2)
    assert not speaker_correct(pred([(0, 10)], speaker_span=(80, 82), name="Maria Lopez"), g2)


def test_quotes_eval_end_to_end_on_tiny_corpus(tmp_path: Path) -> None:
    text = "The mayor said the pool will reopen on Monday.\n\n“It is safe,” she added, “and it is free.”\n"
    root = tmp_path / "c"
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "pool.txt").write_text(text, encoding="utf-8")
    con, q1, q2 = text.index("the pool"), text.index("“It"), text.index("“and")
    she, added = text.index("she"), text.index("added")
    ann = (
        "T1\tSource 0 9\tThe mayor\nT2\tCue 10 14\tsaid\n"
        f"T3\tContent {con} {text.index('.')}\tx\nE1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n"
        f"T4\tContent {q1} {q1 + 13};{q2} {len(text) - 1}\tx\nT5\tSource {she} {she + 3}\tshe\n"
        f"T6\tCue {added} {added + 5}\tadded\nE2\tAttribution:T6 Content:T4 Cue:T6 Source:T5\n"
    )
    (root / "attributions" / "pool_zz.ann").write_text(ann, encoding="utf-8")
    report = evaluate_polnear(root)
    assert isinstance(report, QuoteEvalReport)
    s = report.scores["30%"]["all"]
    assert s.gold == 2
    assert s.matched_gold == 2  # the indirect clause and the split direct quote
    assert report.scores["30%"]["all"].speaker_accuracy == 1.0
    assert "overlap" in report.to_text()


@pytest.mark.shared
def test_quotes_eval_polnear_dev_sample(shared_data: Path) -> None:
    report = evaluate_polnear(shared_data / "polnear" / "dev", limit=5)
    s = report.scores["30%"]["speech"]
    assert report.documents == 5
    assert s.gold > 0 and s.f1 > 0.5


def test_quotes_predictions_select_speech_by_cue_kind() -> None:
    from presslens.evaluate.quotes import predictions_from
    from presslens import nlp
    from presslens.model import Analysis, Article, Cue, Quote, Speaker
    from presslens.pipeline import make_document

    text = "Ann Lee believes the vote is close. Ann Lee said the vote is close. “It is close.”"
    doc = make_document(Article(text=text), nlp.parse(text))
    quotes = [
        Quote(id="Q1", kind="indirect", text=text[16:34], span=(16, 34), speaker=Speaker(text="Ann Lee", span=(0, 7)),
              cue=Cue(text="believes", span=(8, 16), kind="belief")),
        Quote(id="Q2", kind="indirect", text=text[49:66], span=(49, 66), speaker=Speaker(text="Ann Lee", span=(36, 43)),
              cue=Cue(text="said", span=(44, 48), kind="speech")),
        Quote(id="Q3", kind="direct", text=text[67:81], span=(67, 81), speaker=Speaker()),
    ]
    preds = predictions_from(Analysis(document=doc, quotes=quotes))
    assert [p.speech for p in preds] == [False, True, True]
