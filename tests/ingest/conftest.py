"""Helpers for the ingest tests: read a source, or the one article it holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from presslens import ingest
from presslens.config import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"


def _read_all(source, settings: Settings | None = None) -> list[ingest.Loaded]:
    return list(ingest.read(str(source), settings=settings or Settings()))


def _only_article(source, settings: Settings | None = None):
    items = _read_all(source, settings)
    assert len(items) == 1
    assert items[0].error is None, items[0].error
    return items[0].article


@pytest.fixture
def read_all():
    return _read_all


@pytest.fixture
def only_article():
    return _only_article
