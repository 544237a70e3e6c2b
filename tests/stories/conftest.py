"""The multi-outlet example set (examples/stories), analysed once per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from presslens.stories import StoryRecord, records_from_manifest

MANIFEST = Path(__file__).resolve().parents[2] / "examples" / "stories" / "stories.jsonl"
RALLY, WIRE, REPRINT, OBSERVER, POLITICS, LOCAL = 1, 2, 3, 4, 5, 6


@pytest.fixture(scope="session")
def story_records() -> list[StoryRecord]:
    return records_from_manifest(MANIFEST)


def evidence_items(obj: Any) -> Iterator[dict[str, Any]]:
    """Every evidence item anywhere in a story record."""
    if isinstance(obj, dict):
        if set(obj) >= {"article", "span", "text"} and isinstance(obj["span"], list):
            yield obj
        for v in obj.values():
            yield from evidence_items(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from evidence_items(v)
