"""Techniques: persuasion-technique spans (PTC's 14 labels), each with a confidence and a
plain explanation. The work lives in `presslens.techniques` (model runtime, rules, merging,
explanations); this module is the stage's one door. It also says whose words each span is:
`attributed_to` is the quote the span sits in, or null for the author's own words."""

from __future__ import annotations

import bisect

from ..model import Quote, Technique
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
    found = attribute(found, ctx.analysis.quotes)
    return sorted(found, key=lambda t: (t.span[0], t.span[1], t.technique))


def attribute(techniques: list[Technique], quotes: list[Quote]) -> list[Technique]:
    """Each technique with `attributed_to` set to the innermost quote whose span contains it."""
    ordered = sorted(quotes, key=lambda q: (q.span[0], -q.span[1]))
    starts = [q.span[0] for q in ordered]
    reach: list[int] = []  # the furthest end among the quotes up to each position
    for q in ordered:
        reach.append(max(q.span[1], reach[-1]) if reach else q.span[1])
    out = []
    for t in techniques:
        s, e = t.span
        owner = None
        i = bisect.bisect_right(starts, s) - 1
        while i >= 0 and reach[i] >= e:  # no quote further back can reach the span's end
            if ordered[i].span[1] >= e:
                owner = ordered[i].id  # the latest start that contains it is the innermost
                break
            i -= 1
        out.append(t.model_copy(update={"attributed_to": owner}))
    return out
