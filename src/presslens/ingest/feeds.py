"""RSS and Atom feeds with feedparser: each item's guid, link, title, date, source and content.

feedparser is only ever given bytes (never a URL or a path), so it fetches nothing itself;
pages are fetched by `web.fetch` with presslens's timeout and size caps.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Iterator

from .. import errors

FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"}
)
_FEED_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S)
_BLOCKS = ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr", "section", "article")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANKS = re.compile(r"\n\s*\n\s*")


@dataclass
class FeedItem:
    guid: str
    link: str | None
    title: str | None
    published_raw: str | None
    source: str | None
    content: str | None  # the full text as HTML, when the feed carries it
    summary: str | None  # the summary as HTML


def looks_like_feed(text: str) -> bool:
    return bool(_FEED_START.match(text[:4096]))


def items(data: bytes, *, origin: str) -> Iterator[FeedItem]:
    """The items of an RSS or Atom document; PL511 when it is not one."""
    import feedparser

    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    if not parsed.get("version"):
        why = parsed.get("bozo_exception")
        detail = f" ({' '.join(str(why).split())[:160]})" if why else ""
        raise errors.NotAFeed(f"{origin} is not an RSS or Atom feed{detail}")
    feed_title = _clean(parsed.feed.get("title"))
    for n, entry in enumerate(parsed.entries, 1):
        link = _clean(entry.get("link"))
        content = "\n".join(part.get("value", "") for part in entry.get("content") or [] if part.get("value"))
        source = entry.get("source") or {}
        yield FeedItem(
            guid=_clean(entry.get("id")) or link or f"{origin}#item {n}",
            link=link,
            title=_clean(entry.get("title")),
            published_raw=_clean(entry.get("published") or entry.get("updated")),
            source=(_clean(source.get("title")) if hasattr(source, "get") else None) or feed_title,
            content=content or None,
            summary=entry.get("summary") or None,
        )


def fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed's content or summary), blocks as paragraphs."""
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # not markup at all: lxml refuses it; the text stands as is
        return " ".join(fragment.split())
    for el in root.iter("br"):
        el.tail = "\n" + (el.tail or "")
    for el in root.iter(*_BLOCKS):
        el.tail = "\n\n" + (el.tail or "")
    text = _SPACES.sub(" ", root.text_content())
    return _BLANKS.sub("\n\n", text).strip()


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
