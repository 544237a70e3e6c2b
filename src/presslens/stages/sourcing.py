"""Sourcing: whose voices the article lets speak, how much, and on which side."""

from __future__ import annotations

from typing import Optional

from ..model import Sourcing
from ..pipeline import Context

name = "sourcing"
requires: tuple[str, ...] = ("entities", "quotes")
assigns = "sourcing"


def run(ctx: Context) -> Optional[Sourcing]:
    return None
