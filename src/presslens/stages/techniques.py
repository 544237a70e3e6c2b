"""Techniques: persuasion-technique spans (PTC's 14 labels), each with a confidence and a
plain explanation. The work lives in `presslens.techniques` (model runtime, rules, merging,
explanations); this module is the stage's one door."""

from __future__ import annotations

from ..model import Technique
from ..pipeline import Context
from ..techniques import find_techniques

name = "techniques"
requires: tuple[str, ...] = ("entities", "quotes")
assigns = "techniques"


def run(ctx: Context) -> list[Technique]:
    found = find_techniques(
        ctx.text,
        ctx.doc,
        entities=ctx.analysis.entities,
        quotes=ctx.analysis.quotes,
        sentences=ctx.analysis.document.sentences,
        cues=ctx.settings.technique_cues,
    )
    return sorted(found, key=lambda t: (t.span[0], t.span[1], t.technique))
