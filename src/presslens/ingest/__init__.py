"""Turn user input into `Article`s: text, HTML, JSON records, stdin, folders and URLs.

``read(source)`` yields one `Loaded` item per article: either an article or the coded
error that kept it out. Problems with the source as a whole (a missing path, a single
file that is binary) raise; problems with one item of a collection (a bad file in a
folder, a malformed JSON line) become error items so the rest goes on.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .. import errors
from ..config import Settings
from ..errors import PresslensError
from ..model import Article, Span
from . import feeds, meta, records, text as _text, warc, web

__all__ = ["Loaded", "ReadOptions", "from_text", "read", "with_metadata", "validate_published", "SUFFIXES"]

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
RECORD_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
LINE_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES | CSV_SUFFIXES | feeds.FEED_SUFFIXES

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BLANK_AFTER = re.compile(r"\n[ \t\r\f\v]*\n")
_HEADING_MARK = re.compile(r"#{1,6}[ \t]+")
# A first line longer than this, or a long sentence ending in a full stop, is a lede, not a title.
_TITLE_MAX_CHARS = 200
_TITLE_MAX_WORDS = 30
_TITLE_MAX_WORDS_WITH_STOP = 12


@dataclass
class Loaded:
    """One item read from a source: exactly one of ``article`` and ``error`` is set."""

    origin: str
    article: Article | None = None
    error: PresslensError | None = None
    # The item's own id where the source gives one (record id, WARC record id, feed guid).
    external_id: str | None = None
    # The date exactly as the source wrote it (kept when it could not be read).
    published_raw: str | None = None

    def __post_init__(self) -> None:
        if (self.article is None) == (self.error is None):
            raise ValueError("Loaded needs exactly one of article and error")

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ReadOptions:
    """How collections are read: field names of records, and whether odd dates are kept."""

    fields: records.FieldMap = records.DEFAULT_FIELDS
    # A corpus keeps a date it cannot read (with a PL530 warning) instead of refusing the record.
    lenient_dates: bool = False
    # Feed items that carry only a summary: fetch the linked page (False: keep the summary).
    fetch_pages: bool = True
    # Told about each archive record passed over (not an HTML page, not HTTP 200).
    on_skip: Callable[[str], None] | None = None


_DEFAULT_OPTIONS = ReadOptions()


# --------------------------------------------------------------------------- metadata


def validate_published(value: str | None, *, where: str | None = None) -> str | None:
    """``value`` when it is a real YYYY-MM-DD date (None passes); PL301 otherwise."""
    if value is None:
        return None
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            _dt.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    prefix = f"{where}: " if where else ""
    raise errors.BadMetadata(f"{prefix}published date {value!r} is not a valid date in the form YYYY-MM-DD")


def first_line(text: str) -> tuple[str, Span, bool] | None:
    """The first non-blank line as (title text, its span, followed by a blank line?).

    The span leaves out surrounding spaces and a Markdown heading mark ("# ").
    """
    start = 0
    n = len(text)
    while start < n:
        end = text.find("\n", start)
        end = n if end == -1 else end
        if text[start:end].strip():
            break
        start = end + 1
    else:
        return None
    s, e = start, end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    mark = _HEADING_MARK.match(text, s, e)
    if mark and mark.end() < e:
        s = mark.end()
    blank_after = bool(_BLANK_AFTER.match(text, end)) and bool(text[end:].strip())
    return text[s:e], (s, e), blank_after


def _title_from_text(text: str) -> tuple[str | None, Span | None]:
    """Plain-text title rule: the first line, when a blank line follows it and it reads like a headline."""
    line = first_line(text)
    if line is None:
        return None, None
    title, span, blank_after = line
    if not blank_after and not _headline_without_blank(text, title, span):
        return None, None
    words = len(title.split())
    if len(title) > _TITLE_MAX_CHARS or words > _TITLE_MAX_WORDS:
        return None, None
    if title.endswith((".", ",", ";")) and not title.endswith("...") and words > _TITLE_MAX_WORDS_WITH_STOP:
        return None, None
    return title, span


_SENTENCE_END = re.compile(r"[.!?:;,…]['’\"”»)]*$")


def _headline_without_blank(text: str, title: str, span: Span) -> bool:
    """A pasted article often loses the blank line after its headline: a short first line with
    no closing punctuation, followed by longer paragraphs, still reads as a title."""
    if len(title.split()) > 20 or _SENTENCE_END.search(title) or not title[:1].isupper():
        return False
    rest = [ln.strip() for ln in text[span[1]:].split("\n") if ln.strip()]
    return len(rest) >= 2 and len(rest[0]) > len(title) * 1.5 and len(rest[0].split()) >= 12


def _title_span(text: str, title: str | None) -> Span | None:
    """Where a given title stands in the text: its first line, when that line is the title."""
    if not title:
        return None
    line = first_line(text)
    if line is not None and line[0] == title.strip():
        return line[1]
    return None


def _build(
    text: str,
    *,
    origin: str | None,
    settings: Settings,
    title: str | None = None,
    title_rule: bool = True,
    published: str | None = None,
    source: str | None = None,
    url: str | None = None,
    author: str | None = None,
    warnings: Iterable[str] = (),
) -> Article:
    name = origin or "the text"
    if not isinstance(text, str):
        raise errors.UsageError(f"the article text must be a str, not {type(text).__name__}")
    if not text:
        raise errors.EmptyInput(f"{name} is empty")
    if not text.strip():
        raise errors.EmptyInput(f"{name} holds only whitespace")
    size = len(text.encode("utf-8", "surrogatepass"))
    _text.check_size(size, name, settings.max_bytes)
    published = validate_published(published, where=origin)
    if title is None and title_rule:
        title, title_span = _title_from_text(text)
    else:
        title_span = _title_span(text, title)
    return Article(
        text=text,
        title=title,
        title_span=title_span,
        url=url,
        source=source,
        author=author,
        published=published,
        origin=origin,
        warnings=list(warnings),
    )


def from_text(
    text: str,
    *,
    title: str | None = None,
    published: str | None = None,
    source: str | None = None,
    url: str | None = None,
    settings: Settings | None = None,
) -> Article:
    """An article from a string, taken as is (``article.text == text``)."""
    return _build(
        text, origin=None, settings=settings or Settings(), title=title, published=published, source=source, url=url
    )


def with_metadata(
    article: Article,
    *,
    title: str | None = None,
    published: str | None = None,
    source: str | None = None,
    url: str | None = None,
) -> Article:
    """``article`` with the given (non-None) metadata replacing what ingest found."""
    update: dict[str, Any] = {}
    if title is not None:
        update["title"] = title
        update["title_span"] = _title_span(article.text, title)
    if published is not None:
        update["published"] = validate_published(published)
    if source is not None:
        update["source"] = source
    if url is not None:
        update["url"] = url
    return article.model_copy(update=update) if update else article


# --------------------------------------------------------------------------- reading


def read(source: str, *, settings: Settings | None = None, options: ReadOptions | None = None) -> Iterator[Loaded]:
    """Every article in ``source``: a file, ``-`` (stdin), a folder, or an http(s) URL."""
    settings = settings or Settings()
    options = options or _DEFAULT_OPTIONS
    source = os.fspath(source)
    if source == "-":
        return _read_stdin(settings, options)
    if web.is_url(source):
        return _read_url(source, settings, options)
    path = Path(source)
    if not path.exists():
        raise errors.InputNotFound(f"{source} does not exist")
    if path.is_dir():
        return _read_dir(path, settings, options)
    if not path.is_file():
        raise errors.UnsupportedInput(f"{source} is not a regular file or folder")
    return _read_file(path, settings, options)


def _read_stdin(settings: Settings, options: ReadOptions) -> Iterator[Loaded]:
    stream = sys.stdin
    if stream is None:
        raise errors.UsageError("'-' reads standard input, but there is none")
    if stream.isatty():
        raise errors.UsageError("'-' reads the article from standard input, but nothing was piped in")
    buffer = getattr(stream, "buffer", None)
    data = buffer.read() if buffer is not None else stream.read().encode("utf-8", "surrogatepass")
    return _from_bytes(data, origin="<stdin>", kind=None, settings=settings, options=options)


def _read_url(url: str, settings: Settings, options: ReadOptions) -> Iterator[Loaded]:
    fetched = web.fetch(url, settings=settings)
    ct = fetched.content_type
    if ct in {"text/html", "application/xhtml+xml"}:
        kind: str | None = "html"
    elif ct == "text/plain":
        kind = "text"
    elif ct in {"application/json", "application/x-ndjson", "application/jsonl", "application/x-jsonlines"}:
        kind = "records"
    elif ct == "text/csv":
        kind = "csv"
    elif ct in feeds.FEED_TYPES:
        kind = "feed"
    elif ct.startswith(("image/", "audio/", "video/", "font/")) or ct in {"application/pdf", "application/zip"}:
        raise errors.NotText(f"{url} is not text (the server sent {ct})")
    else:  # missing, octet-stream, other text/*: look at the bytes
        kind = None
    return _from_bytes(
        fetched.data, origin=url, kind=kind, settings=settings, url=fetched.url, declared=fetched.charset, options=options
    )


def _read_dir(root: Path, settings: Settings, options: ReadOptions) -> Iterator[Loaded]:
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):  # does not follow symlinked folders
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        files.extend(Path(dirpath) / f for f in filenames if not f.startswith("."))
    files.sort(key=lambda p: p.relative_to(root).parts)
    if not files:
        raise errors.UnsupportedInput(f"the folder {root} holds no files to analyse")
    return _read_each(files, settings, options)


def _read_each(files: list[Path], settings: Settings, options: ReadOptions) -> Iterator[Loaded]:
    for path in files:
        try:
            yield from _read_file(path, settings, options)
        except PresslensError as exc:
            yield Loaded(origin=str(path), error=exc)
        except OSError as exc:  # unreadable (permissions, vanished, a dangling link)
            yield Loaded(origin=str(path), error=errors.InputNotFound(f"{path} could not be read ({exc.strerror or exc})"))


def _kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in RECORD_SUFFIXES:
        return "records"
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in feeds.FEED_SUFFIXES:
        return "feed"
    return None


def _read_file(path: Path, settings: Settings, options: ReadOptions = _DEFAULT_OPTIONS) -> Iterator[Loaded]:
    origin = str(path)
    if warc.is_warc(path):
        return _read_warc(path, settings, options)
    kind = _kind(path)
    if kind == "records" and path.suffix.lower() in LINE_SUFFIXES:
        return _records_from_lines(path, settings, options)
    limit = _raw_limit(kind, settings)
    if limit is not None:
        _text.check_size(path.stat().st_size, origin, limit)
    with path.open("rb") as fh:
        data = fh.read() if limit is None else fh.read(limit + 1)
    return _from_bytes(data, origin=origin, kind=kind, settings=settings, options=options)


def _read_warc(path: Path, settings: Settings, options: ReadOptions) -> Iterator[Loaded]:
    limit = _raw_limit("html", settings)
    for origin, rid, body, url, charset in warc.pages(path, max_bytes=limit, on_skip=options.on_skip):
        try:
            if len(body) > limit:
                _text.check_size(len(body), origin, limit)
            for item in _from_bytes(body, origin=origin, kind="html", settings=settings, url=url, declared=charset):
                item.external_id = rid
                yield item
        except PresslensError as exc:
            yield Loaded(origin=origin, error=exc, external_id=rid)


def _raw_limit(kind: str | None, settings: Settings) -> int | None:
    if kind in ("records", "csv"):
        return None  # a collection: each record is held to max_bytes instead
    if kind in ("html", "feed"):  # markup weighs more than the body it carries; the body is capped too
        return max(settings.max_bytes, settings.fetch_max_bytes)
    return settings.max_bytes


def _records_from_lines(path: Path, settings: Settings, options: ReadOptions) -> Iterator[Loaded]:
    with path.open("rb") as fh:
        yield from _records(
            records.parse_lines(fh, origin=str(path), max_line_bytes=_record_line_limit(settings)),
            origin=str(path),
            settings=settings,
            options=options,
        )


def _record_line_limit(settings: Settings) -> int:
    return max(settings.max_bytes, settings.fetch_max_bytes) + 65536


def _from_bytes(
    data: bytes,
    *,
    origin: str,
    kind: str | None,
    settings: Settings,
    url: str | None = None,
    declared: str | None = None,
    options: ReadOptions = _DEFAULT_OPTIONS,
) -> Iterator[Loaded]:
    """Items from one blob; raises for problems with the blob as a whole."""
    if not data:
        raise errors.EmptyInput(f"{origin} is empty")
    if kind == "feed":
        return _read_feed(data, origin=origin, settings=settings, options=options)
    if kind == "html":
        declared = declared or _text.declared_charset(data)
    decoded = _text.decode(data, origin=origin, limit=_raw_limit(kind, settings) if kind else None, declared=declared)
    content = decoded.text
    if kind is None:  # sniff: a feed, markup, JSON records, or plain text
        if feeds.looks_like_feed(content):
            return _read_feed(data, origin=origin, settings=settings, options=options)
        if _html_module().looks_like_html(content):
            kind = "html"
            if declared is None and decoded.warnings:  # a page that declares its charset beats our guess
                meta = _text.declared_charset(data)
                if meta:
                    decoded = _text.decode(data, origin=origin, limit=None, declared=meta)
                    content = decoded.text
        elif records.looks_like_json(content) and _parses_as_records(content):
            kind = "records"
        else:
            kind = "text"
            _text.check_size(len(data), origin, settings.max_bytes)
    if kind == "records":
        if not content.strip():
            raise errors.EmptyInput(f"{origin} holds only whitespace")
        items = records.parse_text(content, origin=origin, max_line_bytes=_record_line_limit(settings))
        return _records(items, origin=origin, settings=settings, warnings=decoded.warnings, options=options)
    if kind == "csv":
        items = records.parse_csv(content, origin=origin, names=options.fields, max_field_chars=_record_line_limit(settings))
        return _records(items, origin=origin, settings=settings, warnings=decoded.warnings, options=options)
    if kind == "html":
        article = _from_html(content, origin=origin, settings=settings, url=url, warnings=decoded.warnings)
    else:
        article = _build(content, origin=origin, settings=settings, url=url, warnings=decoded.warnings)
    return iter([Loaded(origin=origin, article=article)])


def _read_feed(data: bytes, *, origin: str, settings: Settings, options: ReadOptions) -> Iterator[Loaded]:
    found = feeds.items(data, origin=origin)
    first = next(found, None)  # a document that is not a feed fails here, as a whole
    if first is None:
        raise errors.EmptyInput(f"{origin} is a feed without items")
    return _feed_articles(first, found, origin=origin, settings=settings, options=options)


def _feed_articles(
    first: feeds.FeedItem, rest: Iterator[feeds.FeedItem], *, origin: str, settings: Settings, options: ReadOptions
) -> Iterator[Loaded]:
    for item in itertools.chain([first], rest):
        where = f"{origin}#{item.guid}"
        warnings: list[str] = []
        published = meta.normalise_date(item.published_raw)
        if item.published_raw and published is None:
            warnings.append(errors.warning(errors.W_DATE_KEPT, f"{where}: the date {item.published_raw!r} could not be read; kept as given"))
        try:
            article = _feed_article(item, where=where, settings=settings, options=options, warnings=warnings)
            article = with_metadata(article, title=item.title, published=published, source=item.source, url=item.link)
            yield Loaded(origin=where, article=article, external_id=item.guid, published_raw=item.published_raw)
        except PresslensError as exc:
            yield Loaded(origin=where, error=exc, external_id=item.guid)


def _feed_article(item: feeds.FeedItem, *, where: str, settings: Settings, options: ReadOptions, warnings: list[str]) -> Article:
    """The item's full content; else its page (fetched); else, with fetching off, its summary."""
    if item.content:
        return _build(feeds.fragment_text(item.content), origin=where, settings=settings, title=item.title, warnings=warnings)
    if options.fetch_pages and item.link and web.is_url(item.link):
        fetched = web.fetch(item.link, settings=settings)
        for loaded in _from_bytes(fetched.data, origin=where, kind="html", settings=settings, url=fetched.url, declared=fetched.charset):
            if loaded.error is not None:
                raise loaded.error
            return loaded.article.model_copy(update={"warnings": [*loaded.article.warnings, *warnings]})
    if item.summary:
        return _build(feeds.fragment_text(item.summary), origin=where, settings=settings, title=item.title, warnings=warnings)
    raise errors.EmptyInput(f"{where} has no content, no summary and no page to fetch")


def _parses_as_records(content: str) -> bool:
    try:
        next(iter(records.parse_text(content, origin="", max_line_bytes=len(content) + 1)), None)
        return True
    except PresslensError:
        return False


def _html_module():
    from . import html  # trafilatura is heavy; import it only when a page comes

    return html


def _from_html(
    markup: str,
    *,
    origin: str,
    settings: Settings,
    url: str | None = None,
    title: str | None = None,
    published: str | None = None,
    source: str | None = None,
    author: str | None = None,
    warnings: Iterable[str] = (),
) -> Article:
    ex = _html_module().extract(markup, origin=origin, url=url)
    return _build(
        ex.text,
        origin=origin,
        settings=settings,
        title=title if title is not None else ex.title,
        title_rule=False,
        published=published if published is not None else ex.published,
        source=source if source is not None else ex.site_name,
        url=url or ex.url,
        author=author if author is not None else ex.author,
        warnings=warnings,
    )


def _records(
    items: Iterator[records.Item],
    *,
    origin: str,
    settings: Settings,
    warnings: Iterable[str] = (),
    options: ReadOptions = _DEFAULT_OPTIONS,
) -> Iterator[Loaded]:
    warnings = list(warnings)
    count = 0
    for where, rec in items:
        count += 1
        if isinstance(rec, PresslensError):
            yield Loaded(origin=where, error=rec)
            continue
        try:
            yield _from_record(rec, where=where, settings=settings, warnings=warnings, options=options)
        except PresslensError as exc:
            yield Loaded(origin=where, error=exc, external_id=_record_id(rec, options))
    if count == 0:
        raise errors.EmptyInput(f"{origin} holds no records")


def _record_id(rec: dict[str, Any], options: ReadOptions) -> str | None:
    value = rec.get(options.fields.id)
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) else None


def _from_record(
    rec: dict[str, Any], *, where: str, settings: Settings, warnings: list[str], options: ReadOptions
) -> Loaded:
    f = records.fields(rec, origin=where, names=options.fields)
    published = f["published"] or None
    raw = f["published_raw"]
    if options.lenient_dates and raw:
        published = meta.normalise_date(raw)
        if published is None:
            warnings = [*warnings, errors.warning(errors.W_DATE_KEPT, f"{where}: the date {raw!r} could not be read; kept as given")]
    article = _article_from_fields(f, where=where, settings=settings, published=published, warnings=warnings)
    return Loaded(origin=where, article=article, external_id=f["id"], published_raw=raw)


def _article_from_fields(
    f: dict[str, Any], *, where: str, settings: Settings, published: str | None, warnings: list[str]
) -> Article:
    if "html" in f:
        return _from_html(
            f["html"],
            origin=where,
            settings=settings,
            url=f["url"],
            title=f["title"],
            published=published,
            source=f["source"],
            author=f["author"],
            warnings=warnings,
        )
    return _build(
        f["text"],
        origin=where,
        settings=settings,
        title=f["title"],
        published=published,
        source=f["source"],
        url=f["url"],
        author=f["author"],
        warnings=warnings,
    )
