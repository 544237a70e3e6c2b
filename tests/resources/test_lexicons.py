"""Every word list ships with a header saying what it is and who wrote it."""

from __future__ import annotations

from importlib import resources

import pytest

from presslens.resources import lexicon

LEXICONS = sorted(
    p.name[: -len(".txt")]
    for p in resources.files("presslens.resources").joinpath("lexicons").iterdir()
    if p.name.endswith(".txt")
)


def test_lexicons_exist():
    assert len(LEXICONS) >= 10


@pytest.mark.parametrize("name", LEXICONS)
def test_lexicons_have_header_and_entries(name):
    raw = resources.files("presslens.resources").joinpath("lexicons", f"{name}.txt").read_text("utf-8")
    header = [line for line in raw.splitlines()[:12] if line.startswith("#")]
    assert header and raw.startswith("#"), f"{name}.txt has no '#' header"
    assert "written for presslens" in " ".join(header).lower(), f"{name}.txt header does not say who wrote it"
    assert lexicon(name), f"{name}.txt has no entries"
