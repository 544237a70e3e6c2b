"""Records: JSON (one object, an array of objects, or JSON Lines) and CSV with a header row.

A record has ``text`` or ``html`` and optionally ``id``, ``title``, ``url``, ``source``,
``published`` (and ``author``); a `FieldMap` renames them for data that names its fields
differently. A bad record is an error item; the others go on.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, fields as _dc_fields
from typing import Any, BinaryIO, Iterable, Iterator

from .. import errors

Item = tuple[str, "dict[str, Any] | errors.PresslensError"]


@dataclass(frozen=True)
class FieldMap:
    """Which field of a record holds what (``--text-field`` and friends)."""

    text: str = "text"
    html: str = "html"
    title: str = "title"
    url: str = "url"
    source: str = "source"
    author: str = "author"
    published: str = "published"
    id: str = "id"

    def renamed(self) -> dict[str, str]:
        """The fields the user named differently from the defaults: {role: field}."""
        default = FieldMap()
        return {f.name: getattr(self, f.name) for f in _dc_fields(self) if getattr(self, f.name) != getattr(default, f.name)}


DEFAULT_FIELDS = FieldMap()
_OPTION = {"published": "date"}
_META_FIELDS = ("title", "url", "source", "author")


def looks_like_json(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:1]
    return head in {"{", "["}


def parse_text(text: str, *, origin: str, max_line_bytes: int) -> Iterator[Item]:
    """Records from a decoded JSON document or JSON Lines text; PL106 when it is neither."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise errors.MalformedRecord(f"{origin} nests JSON too deeply to read") from None
    except json.JSONDecodeError as exc:
        if is_json_lines(text):
            return parse_lines(text.split("\n"), origin=origin, max_line_bytes=max_line_bytes)
        raise errors.MalformedRecord(f"{origin} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    return _from_value(value, origin=origin)


def is_json_lines(text: str) -> bool:
    """True when the first non-blank line is a JSON object on its own (JSON Lines)."""
    for line in text.split("\n"):
        if line.strip():
            try:
                return isinstance(json.loads(line), dict)
            except (json.JSONDecodeError, RecursionError):
                return False
    return False


def _from_value(value: Any, *, origin: str) -> Iterator[Item]:
    if isinstance(value, dict):
        yield origin, value
        return
    if not isinstance(value, list):
        yield origin, errors.MalformedRecord(f"{origin} holds a JSON {type(value).__name__}, not an object or an array of objects")
        return
    for n, rec in enumerate(value, 1):
        where = f"{origin}#record {n}"
        if isinstance(rec, dict):
            yield where, rec
        else:
            yield where, errors.MalformedRecord(f"{where} is a JSON {type(rec).__name__}, not an object")


def parse_lines(lines: Iterable[bytes | str] | BinaryIO, *, origin: str, max_line_bytes: int) -> Iterator[Item]:
    """Records from JSON Lines; a line that is not a JSON object is a PL106 item."""
    for n, raw in enumerate(lines, 1):
        where = f"{origin}#line {n}"
        if len(raw) > max_line_bytes:
            yield where, errors.InputTooLarge(f"{where} is {len(raw):,} bytes, over the limit of {max_line_bytes:,} bytes")
            continue
        if isinstance(raw, str):
            line = raw
        else:
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield where, errors.MalformedRecord(f"{where} is not valid UTF-8 (byte {exc.start})")
                continue
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            detail = f" ({exc.msg} at column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            yield where, errors.MalformedRecord(f"{where} is not valid JSON{detail}")
            continue
        if isinstance(value, dict):
            yield where, value
        else:
            yield where, errors.MalformedRecord(f"{where} is a JSON {type(value).__name__}, not an object")


def fields(rec: dict[str, Any], *, origin: str, names: FieldMap = DEFAULT_FIELDS) -> dict[str, Any]:
    """The record's text/html and metadata, checked for type; PL106 when unusable."""
    out: dict[str, Any] = {}
    for role in (*_META_FIELDS, "id"):
        name = getattr(names, role)
        value = rec.get(name)
        if value is None or isinstance(value, str):
            out[role] = value or None
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[role] = str(value)
        else:
            raise errors.MalformedRecord(f"{origin}: field '{name}' should be a string, not a JSON {type(value).__name__}")
    published = rec.get(names.published, rec.get("date") if names.published == "published" else None)
    if published is not None and not isinstance(published, str):
        raise errors.BadMetadata(f"{origin}: '{names.published}' should be a date string like 2024-03-05")
    out["published_raw"] = published or None
    # Records often carry full timestamps; their date part is what presslens keeps.
    out["published"] = published[:10] if published and len(published) > 10 and published[10] in "T " else published
    text, html = rec.get(names.text), rec.get(names.html)
    if isinstance(text, str) and (text.strip() or not isinstance(html, str)):
        out["text"] = text
    elif isinstance(html, str):
        out["html"] = html
    elif text is not None or html is not None:
        raise errors.MalformedRecord(f"{origin}: '{names.text}' and '{names.html}' should be strings")
    else:
        raise errors.MalformedRecord(f"{origin} has no '{names.text}' or '{names.html}' field")
    return out


def parse_csv(text: str, *, origin: str, names: FieldMap = DEFAULT_FIELDS, max_field_chars: int) -> Iterator[Item]:
    """Records from CSV with a header row; PL512 when the text column (or a renamed one) is missing."""
    csv.field_size_limit(max(max_field_chars, 131072))
    reader = csv.DictReader(text.splitlines(keepends=True))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise errors.MalformedRecord(f"{origin} is not valid CSV ({exc})") from None
    reader.fieldnames = header
    if not header:
        raise errors.EmptyInput(f"{origin} holds no CSV header")
    if names.text not in header and names.html not in header:
        raise errors.MissingColumn(
            f"{origin} has no '{names.text}' column (columns: {', '.join(header)[:200]}); name it with --text-field"
        )
    missing = [
        f"'{name}' (--{_OPTION.get(role, role)}-field)"
        for role, name in names.renamed().items()
        if role not in ("text", "html") and name not in header
    ]
    if missing:
        raise errors.MissingColumn(f"{origin} has no column {', '.join(missing)} (columns: {', '.join(header)[:200]})")
    n = 1
    try:
        for n, row in enumerate(reader, 2):
            where = f"{origin}#line {reader.line_num}"
            if None in row:  # more cells than the header names
                yield where, errors.MalformedRecord(f"{where} has more cells than the header has columns")
                continue
            yield where, {k: v for k, v in row.items() if v is not None and v != ""}
    except csv.Error as exc:
        yield f"{origin}#line {reader.line_num}", errors.MalformedRecord(f"{origin}: CSV error after row {n}: {exc}")
