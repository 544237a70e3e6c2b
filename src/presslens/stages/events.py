"""Events: who did what to whom, where and when, coded into the 18 PLOVER types."""

from __future__ import annotations

from ..model import Event
from ..pipeline import Context

name = "events"
requires: tuple[str, ...] = ("entities", "quotes", "quantities")
assigns = "events"


def run(ctx: Context) -> list[Event]:
    return []
