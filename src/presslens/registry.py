"""The single ordered list of analysis stages."""

from __future__ import annotations

from functools import lru_cache

from .pipeline import Pipeline
from .stages import entities, quantities, quotes

STAGES = (entities, quotes, quantities)


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    return Pipeline.build(STAGES)
