"""HTML page to article body and metadata, with trafilatura."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from .. import errors

# trafilatura logs "empty document"-style notices; presslens reports its own PL105 instead.
logging.getLogger("trafilatura").addHandler(logging.NullHandler())
logging.getLogger("htmldate").addHandler(logging.NullHandler())

# A body needs at least one line that reads like prose, not a menu ("Home", "Contact us"): six
# space-separated words, or for scripts written without spaces (Japanese, Chinese, Thai) as many
# letters as six short words hold.
_PROSE_WORDS = 6
_PROSE_LETTERS = 30
_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|article|div|p)\b", re.I | re.S)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Extracted:
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    site_name: str | None = None
    url: str | None = None


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:2048]))


def extract(html: str, *, origin: str, url: str | None = None) -> Extracted:
    """The article body of an HTML page; PL105 when the page holds no article text."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as exc:  # a parser failure on hostile markup is the page's fault, not ours
        raise errors.NoArticleBody(f"{origin}: the HTML could not be parsed ({type(exc).__name__})") from None
    body = (doc.text or "") if doc is not None else ""
    if not any(_reads_like_prose(line) for line in body.splitlines()):
        raise errors.NoArticleBody(f"{origin} holds no article body (no paragraph of text was found in the HTML)")
    published = doc.date if isinstance(doc.date, str) and _DATE.fullmatch(doc.date) else None
    return Extracted(
        text=body,
        title=_clean(doc.title),
        author=_clean(doc.author),
        published=published,
        site_name=_clean(doc.sitename),
        url=url or _clean(doc.url),
    )


def _reads_like_prose(line: str) -> bool:
    if len(line.split()) >= _PROSE_WORDS:
        return True
    return len(line) >= _PROSE_LETTERS and sum(ch.isalpha() for ch in line) >= _PROSE_LETTERS


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
