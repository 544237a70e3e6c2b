"""Renderers: one `Analysis` in, one string out, and the one registry of output formats.

`OUTPUT_FORMATS` names every format with its renderer, media type and file extension; the
CLI builds its `--format` choices from it and a web layer can serve with its media type.
Adding a format means writing its renderer module and adding one `OutputFormat` line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..errors import UsageError
from ..model import Analysis


@dataclass(frozen=True)
class OutputFormat:
    name: str
    media_type: str
    extension: str  # with its dot, e.g. ".html"
    description: str  # a few words for help texts
    render: Callable[[Analysis, bool], str]  # (analysis, color) -> the document
    aliases: tuple[str, ...] = ()


def _json(analysis: Analysis, color: bool) -> str:
    return analysis.model_dump_json(indent=2)


def _text(analysis: Analysis, color: bool) -> str:
    from .text import render_text

    return render_text(analysis, color=color)


def _markdown(analysis: Analysis, color: bool) -> str:
    from .markdown import render_markdown

    return render_markdown(analysis)


def _html(analysis: Analysis, color: bool) -> str:
    from .html import render_html

    return render_html(analysis)


OUTPUT_FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        OutputFormat("json", "application/json", ".json", "the analysis contract", _json),
        OutputFormat("text", "text/plain; charset=utf-8", ".txt", "terminal summary", _text),
        OutputFormat("md", "text/markdown; charset=utf-8", ".md", "Markdown report", _markdown, aliases=("markdown",)),
        OutputFormat("html", "text/html; charset=utf-8", ".html", "self-contained HTML report", _html, aliases=("htm",)),
    )
}
FORMATS = tuple(OUTPUT_FORMATS)


def output_format(name: str) -> OutputFormat:
    """The format called ``name`` (or one of its aliases); a UsageError names the choices."""
    key = name.strip().lower()
    for f in OUTPUT_FORMATS.values():
        if key == f.name or key in f.aliases:
            return f
    raise UsageError(f"unknown output format {name!r}; choose one of {', '.join(FORMATS)}")


def format_for_path(path: str) -> OutputFormat | None:
    """The format whose file extension ``path`` ends with (case-insensitive), if any."""
    low = path.lower()
    return next((f for f in OUTPUT_FORMATS.values() if low.endswith(f.extension)), None)


def render(analysis: Analysis, fmt: str, *, color: bool = False) -> str:
    """Render ``analysis`` as ``fmt`` (a name in FORMATS); ``color`` adds ANSI styles to ``text``."""
    return output_format(fmt).render(analysis, color)


__all__ = ["FORMATS", "OUTPUT_FORMATS", "OutputFormat", "format_for_path", "output_format", "render"]
