"""Techniques: persuasion-technique spans (PTC's 14 labels), each with a confidence and a
plain explanation. The work lives in `presslens.techniques` (model runtime, rules, merging,
explanations); this module is the stage's one door."""

from __future__ import annotations

from ..model import Technique
from ..pipeline import Context

name = "techniques"
requires: tuple[str, ...] = ("entities", "quotes")
assigns = "techniques"


def run(ctx: Context) -> list[Technique]:
    return []
