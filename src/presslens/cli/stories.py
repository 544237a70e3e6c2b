"""`presslens eval stories`: story grouping scored against gold groups (library: presslens.evaluate.stories)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .main import _print_report, _reported, eval_app


class Split(str, Enum):
    dev = "dev"
    heldout = "heldout"
    all = "all"


@eval_app.command("stories")
def eval_stories(
    gold: Path = typer.Option(..., "--gold", metavar="FILE", help="Gold story groups (JSONL: file, group, split)."),
    polnear: Path = typer.Option(Path("../shared/data/polnear"), "--polnear", metavar="DIR", help="The folder the gold file names point into."),
    split: Split = typer.Option(Split.dev, "--split", help="Which part of the gold to score."),
    cache: Optional[Path] = typer.Option(None, "--cache", metavar="FILE", help="Reuse (and extend) analyses kept in this JSONL file."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Story grouping: B-cubed precision/recall/F1 and adjusted Rand index against gold groups."""
    with _reported():
        from ..evaluate.stories import evaluate_stories

        _print_report(evaluate_stories(gold, polnear, split.value, cache), as_json)
