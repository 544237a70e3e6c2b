"""Checks: cross-checks over the other stages, for the places a reader should look twice.

Each check is a module of this package with a ``KIND`` (one of ``model.CHECK_KINDS``) and a
``find(analysis, layout, already)`` that returns its findings (``already``: what the checks
before it found). Adding a check means adding a module and naming it in ``CHECKS``. All of them
are tuned for precision: a false alarm costs more trust than a miss. Shared word lists live in
``resources/lexicons/checks_*.txt``.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ...model import CHECK_KINDS, Check
from ...pipeline import Context
from . import date_conflict, quantity_conflict, title_body_mismatch, unattributed_claim
from ._layout import Layout

name = "checks"
requires: tuple[str, ...] = ("entities", "quotes", "quantities", "events", "techniques")
assigns = "checks"

# In order: a later check may read what the earlier ones found.
CHECKS = (quantity_conflict, date_conflict, unattributed_claim, title_body_mismatch)
assert all(check.KIND in CHECK_KINDS for check in CHECKS)


def run(ctx: Context) -> list[Check]:
    analysis = ctx.analysis
    text = analysis.document.text
    doc: Doc = ctx.doc
    if not text.strip() or len(doc) == 0 or not analysis.document.sentences:
        return []
    layout = Layout(analysis, doc)
    found: list[Check] = []
    for check in CHECKS:
        found.extend(check.find(analysis, layout, found))
    kept = [c for c in found if c.evidence and all(0 <= s < e <= len(text) for s, e in c.evidence)]
    kept.sort(key=lambda c: (c.evidence[0][0], c.kind))
    return kept
