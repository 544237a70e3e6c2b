"""The techniques stage: model and rule findings merged, each truthful, explained and ordered."""

from __future__ import annotations


import pytest

import presslens.techniques as techniques
from presslens import nlp
from presslens.model import TECHNIQUES
from presslens.stages import techniques as stage

ARTICLE = (
    "Harbour Workers March in Velmora\n\n"
    "Thousands marched through Velmora on Sunday to honour the martyrs of the harbour strike.\n"
    "Speakers said the corrupt regime and its thugs had betrayed the city, and that the occupation forces "
    "must leave before the winter.\n"
    "“Our nation will never bow,” one organiser told the crowd, calling the new tariff the worst decision in history.\n"
    "City officials said the march ended peacefully by early evening.\n"
)


def _check(text: str, found) -> None:
    assert [t.span for t in found] == sorted(t.span for t in found)
    for t in found:
        s, e = t.span
        assert 0 <= s < e <= len(text)
        assert text[s:e] == t.text
        assert t.technique in TECHNIQUES
        assert t.method in ("model", "rule")
        assert 0.0 <= t.confidence <= 1.0
        name = t.explanation.split(":", 1)[0]
        assert name and "_" not in name, t.explanation
        # specific: the explanation quotes words of this text
        quoted = [q.split("’", 1)[0] for q in t.explanation.split("‘")[1:]]
        assert quoted, t.explanation
        assert all(q in " ".join(text.split()) for q in quoted), (quoted, t.text)


def test_techniques_stage_contract():
    assert stage.name == "techniques"
    assert stage.requires == ("entities", "quotes")
    assert stage.assigns == "techniques"


def test_techniques_article_findings_truthful_and_explained(analyze_text):
    analysis = analyze_text(ARTICLE)
    found = analysis.techniques
    _check(ARTICLE, found)
    texts = " | ".join(t.text for t in found)
    # the rule layer's strongest cues are present whatever the model adds
    assert "martyrs" in texts
    assert "corrupt regime" in texts or "thugs" in texts
    loaded = [t for t in found if "martyrs" in t.text and t.technique == "Loaded_Language"]
    assert loaded and "‘martyrs’" in loaded[0].explanation


def test_techniques_rules_alone_without_model(monkeypatch):
    monkeypatch.setattr(techniques, "_tagger", lambda: None)
    doc = nlp.parse(ARTICLE)
    found = techniques.find_techniques(ARTICLE, doc)
    _check(ARTICLE, found)
    assert found and all(t.method == "rule" for t in found)
    by_text = {t.text: t for t in found}
    assert "martyrs" in by_text
    assert by_text["martyrs"].explanation.startswith("Loaded language: ‘martyrs’ presents the dead as sacred sacrifices")
    assert "occupation forces" in by_text and by_text["occupation forces"].technique == "Name_Calling,Labeling"


def test_techniques_plain_reporting_gets_few_or_no_rule_findings(monkeypatch):
    monkeypatch.setattr(techniques, "_tagger", lambda: None)
    text = "The library will stay open until nine in the evening from next month, the director said.\n"
    assert techniques.find_techniques(text, nlp.parse(text)) == []


def test_techniques_classify_spans_without_model_uses_rules(monkeypatch):
    monkeypatch.setattr(techniques, "_tagger", lambda: None)
    s = ARTICLE.index("martyrs")
    plain = ARTICLE.index("City officials")
    labels = techniques.classify_spans(ARTICLE, [(s, s + 7), (plain, plain + 14), (s, s + 7)])
    assert labels[0] == "Loaded_Language"
    assert labels[1] == techniques.DEFAULT_TECHNIQUE
    assert labels[2] != labels[0]  # a fragment listed twice gets a second technique


def test_techniques_classify_spans_gives_a_label_per_span():
    spans = [(0, 10), (40, 60), (40, 60)]
    labels = techniques.classify_spans(ARTICLE, spans)
    assert len(labels) == 3 and all(label in TECHNIQUES for label in labels)
    assert techniques.classify_spans(ARTICLE, []) == []


@pytest.mark.parametrize("text", ["", "   \n", "!!!", "“”", "Ok."])
def test_techniques_odd_input_never_fails(text):
    doc = nlp.parse(text) if text else None
    found = techniques.find_techniques(text, doc)
    _check(text, found)


def test_techniques_long_input_gives_truthful_spans():
    # its speed is measured in benchmarks/bench_large_inputs.py
    text = ARTICLE * 60
    doc = nlp.parse(text)
    found = techniques.find_techniques(text, doc, sentences=nlp.sentences(doc))
    assert found
    _check(text, found)


WEAK_ARTICLE = (
    "Council Rejects Port Levy\n\n"
    "The alleged bribes were merely the start, critics of the regime said on Tuesday.\n"
    "The so-called reform council voted to keep the levy, and its chairman called the protesters terrorists.\n"
    "Harbour workers said the decision was the worst in history.\n"
)


def test_techniques_all_cues_adds_weak_cues_and_keeps_calibrated():
    from presslens import analyze
    from presslens.config import Settings

    calibrated = analyze(WEAK_ARTICLE, settings=Settings(strict=True))
    every = analyze(WEAK_ARTICLE, settings=Settings(strict=True, technique_cues="all"))
    _check(WEAK_ARTICLE, every.techniques)
    kept = {(t.technique, t.span, t.method, t.confidence) for t in calibrated.techniques}
    assert kept <= {(t.technique, t.span, t.method, t.confidence) for t in every.techniques}
    weak = [t for t in every.techniques if (t.technique, t.span, t.method, t.confidence) not in kept]
    assert weak, "the weak cues ('alleged', 'regime', 'terrorists', 'so-called') should be reported"
    assert {t.text for t in weak} & {"alleged bribes", "regime", "terrorists", "so-called reform council"}
    for t in weak:
        assert t.method == "rule" and "weak cue" in t.explanation and t.confidence < 0.35
        # never on top of a calibrated finding of the same technique
        assert not any(
            c.technique == t.technique and c.span[0] < t.span[1] and t.span[0] < c.span[1] for c in calibrated.techniques
        )
    assert not any("weak cue" in t.explanation for t in calibrated.techniques)


def test_techniques_cue_setting_is_checked(monkeypatch):
    from presslens.config import Settings
    from presslens.errors import UsageError

    with pytest.raises(UsageError) as err:
        Settings(technique_cues="some")
    assert str(err.value).startswith("PL300")
    monkeypatch.setenv("PRESSLENS_TECHNIQUE_CUES", "ALL")
    assert Settings().technique_cues == "all"


def test_techniques_attributed_to_the_quote_around_the_span():
    from presslens.model import Quote, Speaker, Technique
    from presslens.stages.techniques import attribute

    def tech(s: int, e: int) -> Technique:
        return Technique(technique="Loaded_Language", span=(s, e), text="x" * (e - s), confidence=0.5, explanation="", method="rule")

    quotes = [
        Quote(id="Q1", kind="direct", text="", span=(10, 80), speaker=Speaker()),
        Quote(id="Q2", kind="indirect", text="", span=(30, 50), speaker=Speaker()),  # nested in Q1
        Quote(id="Q3", kind="direct", text="", span=(100, 120), speaker=Speaker()),
    ]
    found = attribute([tech(0, 5), tech(12, 20), tech(32, 40), tech(45, 60), tech(100, 120), tech(115, 125)], quotes)
    assert [t.attributed_to for t in found] == [None, "Q1", "Q2", "Q1", "Q3", None]
    assert attribute([tech(1, 2)], []) == [tech(1, 2)]


def test_techniques_stage_marks_quoted_and_own_words(analyze_text):
    text = (
        "Port deal signed\n\n"
        "The council signed the reckless port deal on Monday, a disgraceful betrayal of the town.\n\n"
        "\u201cThis shameful deal is a betrayal of every worker in this town,\u201d said union leader Mara Voss.\n"
    )
    a = analyze_text(text)
    quotes = {q.id: q for q in a.quotes}
    assert a.techniques, "the stage found nothing to attribute"
    for t in a.techniques:
        if t.attributed_to is None:
            assert not any(q.span[0] <= t.span[0] and t.span[1] <= q.span[1] for q in a.quotes)
        else:
            q = quotes[t.attributed_to]
            assert q.span[0] <= t.span[0] and t.span[1] <= q.span[1]
    assert {t.attributed_to is None for t in a.techniques} == {True, False}
