"""The single ordered list of analysis stages."""

from __future__ import annotations

from functools import lru_cache

from .pipeline import Pipeline
from .stages import checks, entities, events, quantities, quotes, sourcing, techniques

# In order: what each stage requires is assigned by one before it (docs/architecture.md).
STAGES = (entities, quotes, quantities, events, techniques, checks, sourcing)


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    return Pipeline.build(STAGES)
