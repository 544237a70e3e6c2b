"""The one character-offset to token lookup."""

from __future__ import annotations

import pytest

from presslens.tokens import TokenIndex, token_index


@pytest.fixture(scope="module")
def doc():
    from presslens.nlp import parse

    return parse("The mayor  said no.")


def test_tokens_at_and_covering(doc) -> None:
    ti = TokenIndex(doc)
    assert ti.at(5).text == "mayor"  # inside a token
    assert ti.at(9).text == "mayor"  # the gap after it
    assert ti.covering(9) is None or ti.covering(9).is_space
    assert ti.covering(4).text == "mayor"
    assert ti.at(-1) is None


def test_tokens_ranges(doc) -> None:
    ti = TokenIndex(doc)
    said = next(t for t in doc if t.text == "said")
    assert [doc[i].text for i in ti.overlapping(6, said.idx + 2)][0] == "mayor"
    assert doc[ti.overlapping(6, said.idx + 2)[-1]].text == "said"
    assert [doc[i].text for i in ti.starting_in(5, said.idx + 4)][-1] == "said"
    assert doc[ti.starting_in(5, said.idx + 4)[0]].text != "mayor"
    assert ti.first_from(said.idx) == said.i
    assert ti.first_ending_after(said.idx - 1) >= 1
    assert len(ti.overlapping(said.idx, said.idx)) == 0


def test_tokens_index_is_shared_per_parse(doc) -> None:
    assert token_index(doc) is token_index(doc)
