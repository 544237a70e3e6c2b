"""Explanations name the technique in plain words and the words of this text that carry it."""

from __future__ import annotations

from presslens.model import TECHNIQUES
from presslens.techniques import explain, rules


def test_explain_rule_quotes_cue_and_gloss():
    h = rules.RuleHit(0, 7, "Loaded_Language", "loaded", 0, 7, "martyrs",
                      "presents the dead as sacred sacrifices, inviting reverence instead of assessment", 3, "martyr")
    text = explain.for_rule(h)
    assert text == (
        "Loaded language: ‘martyrs’ presents the dead as sacred sacrifices, inviting reverence instead of assessment."
    )


def test_explain_every_technique_has_plain_words():
    for t in TECHNIQUES:
        name, does = explain.DESCRIPTIONS[t]
        assert "_" not in name and does
        sentence = explain.for_model(t, "a bloody onslaught")
        assert sentence.startswith(name + ": ") and "‘a bloody onslaught’" in sentence


def test_explain_model_span_with_rule_cue_names_the_cue():
    h = rules.RuleHit(4, 13, "Loaded_Language", "loaded", 4, 13, "onslaught", "paints an attack as overwhelming", 2, "onslaught")
    sentence = explain.for_model("Loaded_Language", "the onslaught went on", [h])
    assert "‘onslaught’ paints an attack as overwhelming" in sentence


def test_explain_long_model_span_names_its_key_words():
    passage = (
        "the council, which has been meeting every Tuesday since the spring, decided in a disgraceful and "
        "cowardly vote to close the harbour clinic"
    )
    sentence = explain.for_model("Loaded_Language", passage)
    assert "‘disgraceful’" in sentence and "‘cowardly’" in sentence
    assert len(sentence) < 250
    for word in explain.key_words(passage):
        assert word in passage


def test_explain_odd_passages_never_empty():
    for passage in ["", "   ", "!!!", "12 34", "x" * 500]:
        sentence = explain.for_model("Doubt", passage)
        assert sentence.startswith("Doubt: ") and len(sentence) > len("Doubt: ")
