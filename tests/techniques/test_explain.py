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


ARTICLE = (
    "The heroes of the resistance stood firm at the bridge.\n"
    "Officials said the bridge would reopen next week.\n"
    "Our town will never forget the Heroes of the  Resistance, the mayor said.\n"
    "Glory to the heroes of the resistance!\n"
)


def test_explain_repetition_names_the_repeated_phrase_and_its_count():
    s = ARTICLE.index("Glory")
    e = ARTICLE.index("!", s) + 1
    sentence = explain.for_model("Repetition", ARTICLE[s:e], text=ARTICLE, span=(s, e))
    assert sentence == (
        "Repetition: ‘heroes of the resistance’ appears 3 times in the article; "
        "repeating a phrase makes the message stick."
    )


def test_explain_repetition_quotes_the_passage_own_spelling_and_finds_the_span_itself():
    s = ARTICLE.index("Heroes of the  Resistance")
    e = s + len("Heroes of the  Resistance")
    sentence = explain.for_model("Repetition", ARTICLE[s:e], text=ARTICLE)
    assert "‘Heroes of the Resistance’ appears 3 times" in sentence


def test_explain_repetition_shorter_phrase_counted_twice():
    s = ARTICLE.index("Officials")
    e = ARTICLE.index("\n", s)
    sentence = explain.for_model("Repetition", ARTICLE[s:e], text=ARTICLE, span=(s, e))
    # "the bridge" starts with a stop word, so the phrase is the content word itself
    assert sentence.startswith("Repetition: ‘bridge’ appears twice in the article")


def test_explain_repetition_without_a_repeated_phrase_keeps_the_generic_sentence():
    text = "A quiet meeting ended early. Nobody spoke of the harbour."
    passage = "A quiet meeting ended early."
    before = explain.for_model("Repetition", passage)
    assert explain.for_model("Repetition", passage, text=text, span=(0, len(passage))) == before
    assert before == "Repetition: ‘A quiet meeting ended early.’ repeats the same message so that it sticks."


# One passage per technique family, each with a cue from techniques_model_cues.txt.
CUED = {
    "Causal_Oversimplification": ("the sanctions led to the collapse of the currency and the flight of capital", "led to"),
    "Black-and-White_Fallacy": ("you stand with the government or you have no choice left at all", "no choice"),
    "Appeal_to_fear-prejudice": ("the new arrivals will bring chaos to every street in this quiet town", "chaos"),
    "Bandwagon,Reductio_ad_hitlerum": ("millions of voters have already made up their minds on this vote", "millions of"),
    "Whataboutism,Straw_Men,Red_Herring": ("what about the years when the other party ran the ministry itself", "what about"),
    "Thought-terminating_Cliches": ("make no mistake, the plan goes ahead on Monday with the council", "make no mistake"),
    "Doubt": ("his version of the meeting on the harbour front is questionable at best", "questionable"),
    "Exaggeration,Minimisation": ("the largest crowd this city has seen gathered outside the old town hall", "the largest"),
    "Appeal_to_Authority": ("according to the retired general, the border plan cannot possibly work", "according to"),
    "Slogans": ("down with the harbour tax and down with the board that set it", "down with"),
    "Flag-Waving": ("this is about our way of life and the farms our grandparents worked", "our way of life"),
}


def test_explain_model_cue_named_for_each_technique_family():
    for technique, (passage, cue) in CUED.items():
        sentence = explain.for_model(technique, passage)
        name, does = explain.DESCRIPTIONS[technique]
        assert sentence.startswith(f"{name}: ‘{cue}’ "), sentence
        assert "the passage around" not in sentence
        assert len(sentence) < 250 and sentence.count(". ") == 0, sentence


def test_explain_model_cue_quotes_the_text_own_capitalisation_and_spacing():
    sentence = explain.for_model("Causal_Oversimplification", "The Sanctions LED\n  TO the collapse of the currency, officials said on Monday")
    assert sentence.startswith("Causal oversimplification: ‘LED TO’ ties the outcome to a single cause; the passage gives")


def test_explain_model_cue_prefers_the_longest_then_the_first():
    passage = "because of the strike, and because the board is to blame, the port closed"
    assert explain.model_cue("Causal_Oversimplification", passage)[0] == "is to blame"
    # "nothing" and "totally" are the same length: the first in the passage wins
    assert explain.model_cue("Exaggeration,Minimisation", "nothing works and it is totally broken")[0] == "nothing"
    assert explain.model_cue("Exaggeration,Minimisation", "it is totally broken and nothing works")[0] == "totally"


def test_explain_model_cue_word_bounded_and_technique_specific():
    # "led to" inside "called to", "every" inside "everyone": no cue
    assert explain.model_cue("Causal_Oversimplification", "the minister was called to the harbour on Monday") is None
    assert explain.model_cue("Exaggeration,Minimisation", "everyone at the harbour on Monday") is None
    # a cue of another technique does not count
    assert explain.model_cue("Doubt", "the sanctions led to the collapse") is None


def test_explain_model_cue_gap_and_question_mark():
    bw = explain.model_cue("Black-and-White_Fallacy", "this is not a sentimental position, but a duty")
    assert bw is not None and bw[0] == "not a sentimental position, but"
    doubt = explain.model_cue("Doubt", "And who, in the end, is paying for all of this? Nobody will say")
    assert doubt is not None and doubt[0] == "And who, in the end, is paying for all of this?"
    long = "So the board, which met for nine hours behind closed doors last week, expects us to pay for it?"
    doubt = explain.model_cue("Doubt", long)
    assert doubt is not None and len(doubt[0]) <= 70 and doubt[0].endswith("expects us to pay for it?")


def test_explain_no_model_cue_keeps_the_old_sentence():
    passage = (
        "the council, which has been meeting every Tuesday since the spring, decided in a disgraceful and "
        "cowardly vote to close the harbour clinic"
    )
    sentence = explain.for_model("Causal_Oversimplification", passage, text=passage, span=(0, len(passage)))
    assert sentence == explain.for_model("Causal_Oversimplification", passage)
    assert sentence.startswith("Causal oversimplification: the passage around ‘") and "‘disgraceful’" in sentence
    assert explain.for_model("Doubt", "a bloody onslaught") == (
        "Doubt: ‘a bloody onslaught’ questions someone's credibility without giving grounds for it."
    )


def test_explain_model_cue_lexicon_covers_the_argument_techniques():
    cues = explain._model_cues()
    assert set(cues) <= set(TECHNIQUES)
    for technique in CUED:
        assert 8 <= len(cues[technique]) <= 30, technique  # inflections are listed one a line
