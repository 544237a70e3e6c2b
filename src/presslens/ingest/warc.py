"""WARC and WARC.gz files (web archives, Common Crawl) with warcio.

Every HTML response with status 200 becomes an item through the HTML ingestion; other records
(requests, metadata, images, redirects, errors) are counted through ``on_skip`` and passed over.
A damaged archive (corrupt record, truncated gzip) raises PL510 after the records before the
damage have been yielded, so nothing already read is lost.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Callable, Iterator

from .. import errors

WARC_NAMES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_NAMES)


Page = tuple[str, str, bytes, str | None, str | None]  # (origin, record id, body, url, charset)


def pages(path: Path, *, max_bytes: int, on_skip: Callable[[str], None] | None = None) -> Iterator[Page]:
    """Each 200 HTML response: (origin, WARC record id, body bytes (at most max_bytes + 1), URL, charset)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    skip = on_skip or (lambda why: None)
    read = whole = 0
    # warcio reads a truncated last gzip member without complaint: find where the intact part ends first.
    intact = _intact_end(path) if path.name.lower().endswith(".gz") else None
    kind = "arc" if path.name.lower().endswith((".arc", ".arc.gz")) else "warc"
    with path.open("rb") as fh:
        try:
            iterator = ArchiveIterator(fh)
            for record in iterator:
                if getattr(record, "format", kind) != kind:  # warcio reads any first line as an ARC header
                    raise ValueError(f"record {read + 1} is not a {kind.upper()} record")
                read += 1
                rid = record.rec_headers.get_header("WARC-Record-ID") or f"{path}#record {read}"
                if record.rec_type != "response" or record.http_headers is None:
                    whole += 1
                    skip(record.rec_type or "record")
                    continue
                status = record.http_headers.get_statuscode()
                ctype = (record.http_headers.get_header("Content-Type") or "").lower()
                mime = ctype.split(";")[0].strip()
                if status != "200" or mime not in _HTML_TYPES:
                    whole += 1
                    skip(f"HTTP {status} {mime or 'without a content type'}")
                    continue
                body = record.content_stream().read(max_bytes + 1)
                if intact is not None and iterator.get_record_offset() >= intact:  # (valid once the body is read)
                    raise EOFError(f"the gzip data is cut off or damaged from byte {intact:,}")
                charset = None
                if "charset=" in ctype:
                    charset = ctype.split("charset=", 1)[1].split(";")[0].strip().strip("\"'") or None
                url = record.rec_headers.get_header("WARC-Target-URI")
                whole += 1
                yield f"{path}#{rid}", rid, body, url, charset
            if intact is not None:
                raise EOFError(f"the gzip data is cut off or damaged from byte {intact:,}")
            if read == 0:
                raise ValueError("no WARC record was found in it")
        except (ArchiveLoadFailed, EOFError, zlib.error, ValueError, OSError) as exc:
            detail = " ".join(str(exc).split())[:200] or type(exc).__name__
            raise errors.CorruptArchive(
                f"{path} is damaged after {whole} readable records ({detail})"
            ) from None


def _intact_end(path: Path) -> int | None:
    """None when every gzip member of the file is whole, else the offset where the damage starts."""
    good = pos = 0
    inflater = zlib.decompressobj(31)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            data = chunk
            while data:
                try:
                    inflater.decompress(data, 1 << 16)  # the output is not needed, only the check
                    while inflater.unconsumed_tail and not inflater.eof:
                        inflater.decompress(inflater.unconsumed_tail, 1 << 16)
                except zlib.error:
                    return good
                if inflater.eof:
                    pos += len(data) - len(inflater.unused_data)
                    good = pos
                    data = inflater.unused_data
                    inflater = zlib.decompressobj(31)
                else:
                    pos += len(data)
                    data = b""
    return None if pos == good else good
