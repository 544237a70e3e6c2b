"""Property tests: analyze() takes any text without crashing and its spans stay truthful."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import presslens
from presslens.errors import EmptyInput, PresslensError
from presslens.model import Analysis

# Pieces that stress quote pairing, tokenisation and number parsing.
PIECES = [
    "\u201c", "\u201d", "\u2018", "\u2019", '"', "'", "\u00ab", "\u00bb", "\u201e", "\u2039", "\u203a",
    "\n", "\n\n", " ", "\t", "\r\n", "\u00a0", "\u2028",
    " said ", " he said", ", she said.", "according to ", " told reporters ", " saying ", ":",
    "Mr. ", "al-", " bin ", "O\u2019", "(NRF)", "Gen. ",
    "2,500", "12000-seat", "1.5", "a million", "thousands of", "two days", "between 3 and 4", "about ",
    "%", "$", "-", "\u2013", "\u2014", "...", "\u2026", ".", ",", "?", "!",
    "Amira Kessel", "the Unity Party", "Port Hallam", "they", "She", "It",
    "\u0645\u0631\u062d\u0628\u0627", "\u05e9\u05dc\u05d5\u05dd", "\u200f", "\u200e", "\U0001f600", "\u0301", "\ufeff", "\x00",
]

unicode_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
article_like = st.lists(st.one_of(st.sampled_from(PIECES), unicode_text), max_size=60).map("".join)


def _check(analysis: Analysis, text: str) -> None:
    assert analysis.document.text == text
    n = len(text)
    for layer, (s, e), reported in analysis.findings():
        assert 0 <= s <= e <= n, f"{layer} span {(s, e)} out of bounds"
        assert text[s:e] == reported, f"{layer} span {(s, e)} is {text[s:e]!r}, reports {reported!r}"
    for s, e in analysis.document.paragraphs + analysis.document.sentences:
        assert 0 <= s < e <= n and text[s:e].strip()
    for spans in ([q.span for q in analysis.quotes], [x.span for x in analysis.quantities], analysis.document.sentences):
        starts = [s for s, _ in spans]
        assert starts == sorted(starts)
    Analysis.model_validate_json(analysis.model_dump_json())


def _analyze_or_expected_error(text: str) -> Analysis | None:
    try:
        return presslens.analyze(text)
    except EmptyInput:
        assert not text.strip(), "EmptyInput raised for non-blank text"
        return None
    except PresslensError:
        return None  # a named, coded refusal is allowed; anything else is a bug


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(article_like)
def test_properties_article_like_text_never_crashes(text: str) -> None:
    analysis = _analyze_or_expected_error(text)
    if analysis is not None:
        _check(analysis, text)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_properties_arbitrary_unicode_never_crashes(text: str) -> None:
    analysis = _analyze_or_expected_error(text)
    if analysis is not None:
        _check(analysis, text)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=" \t\n\r\u00a0\u2003\u3000\v\f", max_size=40))
def test_properties_blank_text_is_empty_input(text: str) -> None:
    with pytest.raises(EmptyInput):
        presslens.analyze(text)


NASTY = {
    "unbalanced-curly-open": "\u201cWe will never leave,\u201d he said. \u201cAnd we will stay forever, she said.\n\nThe end.",
    "unbalanced-curly-close": "He said\u201d nothing\u201d at all\u201d.\n\u201d",
    "unbalanced-straight": 'The minister said "we are ready.\n\nThe opposition said" no.\n"',
    "mixed-marks": "\u00ab Oui \u201d said \u201e Ja \u2019 \u2018 she \u00bb wrote \u201c",
    "ten-thousand-curly": "\u201c" * 10_000,
    "ten-thousand-mixed": ("\u201c\u201d\"'\u2018\u2019" * 2_000) + " he said.",
    "ten-thousand-straight-words": ' "a" said b' * 1_000,
    "only-punctuation": ".,;:!?\u2014\u2013-()[]{}\u2026/\\|@#%^&*_+=~`" * 20,
    "rtl-arabic": "\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631 \u00ab\u0644\u0646 \u0646\u062a\u0631\u0627\u062c\u0639\u00bb. \u0648\u0623\u0636\u0627\u0641 2,500 \u0634\u062e\u0635.",
    "rtl-hebrew-mixed": "\u05d4\u05d5\u05d0 \u05d0\u05de\u05e8 \"\u05dc\u05d0\" said Dana Levi, \u200f3,000 people.",
    "emoji": "\U0001f525\U0001f525 \u201cWe \U0001f499 you,\u201d she said \U0001f44d\U0001f3fd. About 3 \U0001f680 went up.",
    "nul-chars": "The\x00 minister\x00 said \x00\u201chello\x00\u201d.\x00 About 2,000\x00 people.",
    "zero-width": "\u200bThe \u200dmayor\u200c said \u201c\u2060yes\u201d. \ufeff",
    "combining": "Zo\u0308e\u0301 Ba\u0308\u0308r said \u201cne\u0301ver\u201d. T\u0336h\u0336e\u0336 e\u0301nd.",
    "long-word": "x" * 50_000,
    "many-newlines": "\n" * 500 + "A.\n" + "\r\n" * 500,
    "numbers-only": "1 2 3 4,5 6.7 8-9 10% $11 1st 2nd 3rd 1,000,000,000,000,000,000 0.0000001",
    "huge-number": "About 9" + "9" * 400 + " people came, between 1e308 and 1e309.",
    "lone-apostrophes": "' '' ''' O'Brien' 'tis rock 'n' roll \u2019\u2019\u2019",
    "title-only": "Just a title\n\n",
    "nbsp-quotes": "\u00a0\u201c\u00a0Yes\u00a0\u201d\u00a0said\u00a0Ana\u00a0Ruiz\u00a0.",
    "control-chars": "\x01\x02\x03 said \x1b[31m\u201cred\u201d\x1b[0m \x7f",
}


@pytest.mark.parametrize("text", list(NASTY.values()), ids=list(NASTY))
def test_properties_nasty_strings_never_crash(text: str) -> None:
    analysis = _analyze_or_expected_error(text)
    assert analysis is not None, "a non-blank text under the size cap must be analysed"
    _check(analysis, text)
