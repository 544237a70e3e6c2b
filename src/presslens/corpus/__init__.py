"""Corpus runs: map `analyze` over many sources, recording failed items and going on."""

from .run import Outcome, analyze_items

__all__ = ["Outcome", "analyze_items"]
