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


# --------------------------------------------------------------------------- corpus stories, corpus story

from .corpus import _DB, app as corpus_app  # noqa: E402


class ListFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    html = "html"


class StoryFormat(str, Enum):
    html = "html"
    jsonl = "jsonl"


_OUT = typer.Option(None, "--output", "-o", metavar="FILE", help="Write to this file instead of stdout.")
_ARTICLE_URL = typer.Option("/articles/{id}", "--article-url", metavar="PATTERN", help="Link of each article's report ({id} is its store id).")


def _emit(body: str, output: Optional[Path]) -> None:
    from .main import _write_file

    if output is None:
        typer.echo(body, nl=not body.endswith("\n"))
    else:
        _write_file(output, body)


@corpus_app.command("stories")
def corpus_stories(
    db: Optional[Path] = _DB,
    date_from: Optional[str] = typer.Option(None, "--from", metavar="DATE", help="Stories with an article published on or after this day (YYYY-MM-DD)."),
    date_to: Optional[str] = typer.Option(None, "--to", metavar="DATE", help="... on or before this day."),
    min_outlets: int = typer.Option(1, "--min-outlets", min=1, metavar="N", help="Only stories told by at least N outlets (copies do not count)."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", help="table, jsonl (one story a line) or html (a list page)."),
    output: Optional[Path] = _OUT,
    story_url: str = typer.Option("/stories/{id}", "--story-url", metavar="PATTERN", help="Link of each story's page in the html list."),
) -> None:
    """Group the analysed articles into stories (new ones only) and list the stories."""
    with _reported():
        from ..store import open_store
        from ..stories import StoryFilters, list_stories, render_stories_html, story_line, update_stories

        filters = StoryFilters(date_from, date_to, min_outlets)
        with open_store(db) as store:
            update_stories(store)
            stories = list_stories(store, filters, headlines=fmt is not ListFormat.table)
        if fmt is ListFormat.jsonl:
            _emit("".join(story_line(s) + "\n" for s in stories), output)
        elif fmt is ListFormat.html:
            _emit(render_stories_html(stories, story_url), output)
        else:
            _print_table(stories, output)


@corpus_app.command("story")
def corpus_story(
    story_id: str = typer.Argument(..., metavar="ID", help="A story id as listed by 'corpus stories' (S1, S2, ...)."),
    db: Optional[Path] = _DB,
    fmt: StoryFormat = typer.Option(StoryFormat.html, "--format", help="html (the side-by-side page) or jsonl."),
    output: Optional[Path] = _OUT,
    article_url: str = _ARTICLE_URL,
) -> None:
    """One story: the outlets side by side, their differences marked, with evidence."""
    with _reported():
        from ..store import open_store
        from ..stories import get_story, render_story_html, story_line

        with open_store(db, read_only=True) as store:
            story = get_story(store, story_id)
        _emit(render_story_html(story, article_url) if fmt is StoryFormat.html else story_line(story) + "\n", output)


def _print_table(stories: list, output: Optional[Path]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False)
    for name, justify in (("story", "left"), ("outlets", "right"), ("articles", "right"), ("disagree", "right"),
                          ("left out", "right"), ("title", "left")):
        table.add_column(name, justify=justify)
    for s in stories:
        table.add_row(s["story"], str(len(s["outlets"])), str(len(s["articles"])), str(len(s["conflicts"])),
                      str(len(s["omissions"])), Text(s["title"] or ""))
    if output is None:
        Console(highlight=False).print(table)
    else:
        import io

        console = Console(record=True, highlight=False, width=160, file=io.StringIO())
        console.print(table)
        _emit(console.export_text(), output)
