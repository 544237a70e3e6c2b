"""presslens: what a news article claims, who says it, and how it persuades.

>>> from presslens import analyze
>>> analysis = analyze(open("article.txt").read())
>>> analysis.quotes[0].speaker.name
"""

from __future__ import annotations

from typing import Iterable, Iterator

from .config import Settings
from .errors import PresslensError, UsageError
from .model import SCHEMA_VERSION, Analysis, Article

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Article",
    "PresslensError",
    "SCHEMA_VERSION",
    "Settings",
    "__version__",
    "analyze",
    "analyze_article",
    "analyze_articles",
    "analyze_path",
]


def analyze(
    text: str,
    *,
    title: str | None = None,
    published: str | None = None,
    source: str | None = None,
    url: str | None = None,
    settings: Settings | None = None,
) -> Analysis:
    """Analyse one article given as text; ``analysis.document.text == text``."""
    from . import ingest

    settings = settings or Settings()
    article = ingest.from_text(text, title=title, published=published, source=source, url=url, settings=settings)
    return analyze_article(article, settings=settings)


def analyze_path(path_or_url: str, *, settings: Settings | None = None, **overrides: str | None) -> Analysis:
    """Analyse one file (txt, html, json) or http(s) URL; ``overrides`` set title/published/source."""
    from . import ingest

    settings = settings or Settings()
    items = list(ingest.read(path_or_url, settings=settings))
    if len(items) != 1:
        raise UsageError(
            f"{path_or_url} holds {len(items)} articles; use analyze_articles() or the CLI for collections"
        )
    item = items[0]
    if item.error is not None:
        raise item.error
    article = ingest.with_metadata(item.article, **overrides)
    return analyze_article(article, settings=settings)


def analyze_article(article: Article, *, settings: Settings | None = None) -> Analysis:
    return next(iter(analyze_articles([article], settings=settings)))


def analyze_articles(articles: Iterable[Article], *, settings: Settings | None = None, batch_size: int = 16) -> Iterator[Analysis]:
    """Analyse many articles, parsing them in batches (faster than one by one)."""
    from . import nlp
    from .registry import default_pipeline

    settings = settings or Settings()
    pipeline = default_pipeline()
    batch: list[Article] = []

    def flush() -> Iterator[Analysis]:
        docs = nlp.parse_many([a.text for a in batch])
        for article, doc in zip(batch, docs):
            yield pipeline.run(article, doc, settings)
        batch.clear()

    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            yield from flush()
    if batch:
        yield from flush()
