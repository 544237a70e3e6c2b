"""Renderers: one `Analysis` in, one string out (json, terminal text, Markdown, HTML)."""

from __future__ import annotations

from ..errors import UsageError
from ..model import Analysis

FORMATS = ("json", "text", "md", "html")


def render(analysis: Analysis, fmt: str, *, color: bool = False) -> str:
    """Render ``analysis`` as ``fmt`` (one of FORMATS); ``color`` adds ANSI styles to ``text``."""
    if fmt == "json":
        return analysis.model_dump_json(indent=2)
    if fmt == "text":
        from .text import render_text

        return render_text(analysis, color=color)
    if fmt in ("md", "markdown"):
        from .markdown import render_markdown

        return render_markdown(analysis)
    if fmt == "html":
        from .html import render_html

        return render_html(analysis)
    raise UsageError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "render"]
