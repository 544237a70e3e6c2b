"""Bytes to text: byte-order marks, UTF-8, a guessed legacy encoding, and refusing binary data.

The decoded string is never normalised (no newline, quote or whitespace changes), so
offsets into it also index the file's characters. Only a byte-order mark is dropped,
as part of decoding.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from .. import errors

# (offset, magic bytes, what it is). Checked before any decoding.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "a PDF document"),
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, b"\x00\x00\x01\x00", "an icon file"),
    (0, b"wOFF", "a web font"),
    (0, b"wOF2", "a web font"),
    (0, b"PK\x03\x04", "a ZIP archive (or a docx/xlsx/odt/epub file)"),
    (0, b"PK\x05\x06", "an empty ZIP archive"),
    (0, b"PK\x07\x08", "a ZIP archive"),
    (0, b"\x1f\x8b", "a gzip archive"),
    (0, b"\xfd7zXZ\x00", "an xz archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (0, b"Rar!\x1a\x07", "a RAR archive"),
    (0, b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (doc/xls/ppt)"),
    (0, b"{\\rtf", "an RTF document"),
    (0, b"\x7fELF", "an executable (ELF)"),
    (0, b"\xcf\xfa\xed\xfe", "an executable (Mach-O)"),
    (0, b"\xca\xfe\xba\xbe", "a compiled Java class or Mach-O binary"),
    (0, b"\x00asm", "a WebAssembly module"),
    (0, b"SQLite format 3\x00", "an SQLite database"),
    (0, b"OggS", "an Ogg audio/video file"),
    (0, b"fLaC", "a FLAC audio file"),
    (0, b"\x1a\x45\xdf\xa3", "a Matroska/WebM video"),
    (4, b"ftyp", "an MP4/MOV video or HEIC image"),
)

# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)

_SNIFF = 8192
# Control characters that never occur in text (tab, newlines, form feed, escape are allowed).
_BAD_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
_BAD_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# Non-ASCII characters a Western (cp1252/Latin-1) news text plausibly contains besides letters.
_WESTERN_SYMBOLS = frozenset("\u00a0“”‘’‚„–—…•€£¥¢©®™°·«»§¶†‡‰¹²³¼½¾×÷±¡¿¦¨¯´¸ªº¬µ")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def describe_binary(data: bytes) -> str | None:
    """What binary format ``data`` looks like, or None when it may be text."""
    for offset, magic, what in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return what
    if data[:3] == b"BZh" and data[3:4].isdigit() and data[4:10] == b"1AY&SY":
        return "a bzip2 archive"
    if data[:4] == b"RIFF" and len(data) >= 12:
        return {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}.get(data[8:12], "a RIFF media file")
    head = data[:_SNIFF]
    if head and len(_BAD_CONTROL_BYTES.findall(head)) > max(1, len(head) // 100):
        return "binary data"
    return None


def check_size(size: int, origin: str, limit: int) -> None:
    if size > limit:
        raise errors.InputTooLarge(
            f"{origin} is {size:,} bytes, over the limit of {limit:,} bytes "
            "(raise it with --max-bytes or PRESSLENS_MAX_BYTES)"
        )


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag near its top, when Python knows it."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    # As browsers do (WHATWG): pages labelled Latin-1 or ASCII are read as Windows-1252.
    return "cp1252" if name in {"iso8859-1", "ascii"} else name


def decode(data: bytes, *, origin: str, limit: int | None, declared: str | None = None) -> Decoded:
    """Decode ``data`` (a whole file or response) to text.

    Order: size cap (``limit`` bytes; None for no cap), byte-order mark, binary magic, UTF-16 without a mark, UTF-8,
    a declared charset (HTML/HTTP), Windows-1252 for mostly-ASCII text, then
    charset-normalizer. A guessed encoding adds a PL202 warning.
    """
    if limit is not None:
        check_size(len(data), origin, limit)
    for bom, codec, label in _BOMS:
        # FF FE 00 00 is also a UTF-16 LE mark followed by a NUL: UTF-32 needs whole 4-byte units.
        if codec.startswith("utf-32") and len(data) % 4:
            continue
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise errors.UndecodableInput(
                    f"{origin} starts with a {label} byte-order mark but is not valid {label} (byte {exc.start + len(bom)})"
                ) from None
            return _checked(Decoded(text, codec), origin)

    what = describe_binary(data)
    if what == "binary data":
        guessed = _utf16_without_bom(data)
        if guessed is not None:
            return _checked(guessed, origin)
    if what is not None:
        raise errors.NotText(f"{origin} is not text (it looks like {what})")

    try:
        return _checked(Decoded(data.decode("utf-8"), "utf-8"), origin)
    except UnicodeDecodeError:
        pass
    if declared and declared not in {"utf-8", "ascii"}:
        try:
            return _checked(Decoded(data.decode(declared), declared), origin)
        except (UnicodeDecodeError, LookupError):
            pass
    western = _western(data)
    if western is not None:
        western.warnings.append(
            errors.warning(errors.W_ENCODING_GUESSED, f"{origin} is not UTF-8; decoded it as Windows-1252 (a guess)")
        )
        return _checked(western, origin)
    return _checked(_detect(data, origin), origin)


def _western(data: bytes) -> Decoded | None:
    """Windows-1252 (a superset of Latin-1's printable range) for mostly-ASCII text.

    charset-normalizer alone often picks an exotic code page for short English text
    with a few curly quotes; English news with stray high bytes is nearly always cp1252.
    """
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    if high > len(data) * 0.3:
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    for ch in set(_NON_ASCII.findall(text)):
        if not ch.isalpha() and ch not in _WESTERN_SYMBOLS:
            return None
    return Decoded(text, "cp1252")


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text saved without a mark: ASCII-range characters leave every other byte NUL."""
    head = data[:_SNIFF]
    if len(head) < 4 or len(data) % 2:
        return None
    even_nul = head[0::2].count(0) / (len(head) // 2)
    odd_nul = head[1::2].count(0) / (len(head) // 2)
    codec = "utf-16-le" if odd_nul > 0.7 and even_nul < 0.05 else "utf-16-be" if even_nul > 0.7 and odd_nul < 0.05 else None
    if codec is None:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return Decoded(text, codec, [errors.warning(errors.W_ENCODING_GUESSED, f"decoded as {codec.upper()} without a byte-order mark (a guess)")])


def _detect(data: bytes, origin: str) -> Decoded:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise errors.UndecodableInput(f"{origin} could not be decoded: it is not UTF-8 and no known encoding fits it")
    return Decoded(
        str(best),
        best.encoding,
        [errors.warning(errors.W_ENCODING_GUESSED, f"{origin} is not UTF-8; decoded it as {best.encoding} (a guess)")],
    )


def _checked(decoded: Decoded, origin: str) -> Decoded:
    """Refuse decoded text that is full of control characters (binary that happened to decode)."""
    sample = decoded.text[:_SNIFF]
    if sample and len(_BAD_CONTROLS.findall(sample)) > max(1, len(sample) // 100):
        raise errors.UndecodableInput(f"{origin} decodes ({decoded.encoding}) to control characters, not text")
    return decoded
