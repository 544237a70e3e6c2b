"""Turn user input into `Article`s. (Minimal version: the ingest helper replaces this.)"""

from __future__ import annotations

from .. import errors
from ..config import Settings
from ..model import Article


def from_text(text, *, title=None, published=None, source=None, url=None, settings: Settings | None = None) -> Article:
    if not text.strip():
        raise errors.EmptyInput("the text is empty")
    return Article(text=text, title=title, published=published, source=source, url=url)
