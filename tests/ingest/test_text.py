"""Bytes to text: byte-order marks, legacy encodings, binary refusal, size caps."""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile

import pytest

from presslens import errors
from presslens.ingest import text as T

SAMPLE = "The mayor said “we will open it in May” – and the café owners agreed.\nSecond line here.\n"
LIMIT = 1_000_000


def decode(data: bytes, **kw) -> T.Decoded:
    return T.decode(data, origin="sample.txt", limit=kw.pop("limit", LIMIT), **kw)


def test_text_decodes_utf8_without_bom_unchanged():
    got = decode(SAMPLE.encode("utf-8"))
    assert got.text == SAMPLE
    assert got.encoding == "utf-8"
    assert got.warnings == []


def test_text_decodes_utf8_with_bom_and_drops_only_the_bom():
    got = decode(codecs.BOM_UTF8 + SAMPLE.encode("utf-8"))
    assert got.text == SAMPLE
    assert not got.warnings


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_text_decodes_utf16_with_bom(codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    got = decode(bom + SAMPLE.encode(codec))
    assert got.text == SAMPLE
    assert not got.warnings


def test_text_decodes_utf16_default_codec_output():
    # Python's "utf-16" writes a BOM in native order, as Windows Notepad does.
    assert decode(SAMPLE.encode("utf-16")).text == SAMPLE


def test_text_decodes_utf32_with_bom():
    assert decode(SAMPLE.encode("utf-32")).text == SAMPLE


def test_text_decodes_utf16_without_bom_with_warning():
    plain = "Council approves budget after long debate.\n"
    got = decode(plain.encode("utf-16-le"))
    assert got.text == plain
    assert got.warnings and got.warnings[0].startswith(errors.W_ENCODING_GUESSED)


def test_text_decodes_windows1252_curly_quotes():
    data = b"He said \x93we will rebuild\x94 and it\x92s \x96 so far \x96 on time.\n"
    got = decode(data)
    assert got.text == "He said “we will rebuild” and it’s – so far – on time.\n"
    assert got.encoding == "cp1252"
    assert got.warnings[0].startswith("PL202:")


def test_text_decodes_latin1_accents():
    source = "Le café de la Gare a rouvert à Noël, señala el alcalde Müller.\n"
    got = decode(source.encode("latin-1"))
    assert got.text == source
    assert got.warnings[0].startswith("PL202:")


def test_text_decodes_cyrillic_legacy_encoding_by_detection():
    source = "Городской совет одобрил новый бюджет после долгого обсуждения в понедельник вечером.\n" * 3
    got = decode(source.encode("cp1251"))
    assert got.text == source
    assert got.warnings[0].startswith("PL202:")


def test_text_keeps_newlines_and_whitespace_as_is():
    raw = "  Title\r\n\r\n\tBody with trailing spaces   \r\n"
    assert decode(raw.encode()).text == raw


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "word"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (_zip_bytes(), "ZIP"),
        (gzip.compress(b"hello world", mtime=0), "gzip"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "7z"),
        (b"Rar!\x1a\x07\x01\x00", "RAR"),
        (b"\x7fELF\x02\x01\x01\x00", "ELF"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "WebP"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_text_refuses_binary_by_magic_bytes(data, word):
    with pytest.raises(errors.NotText) as info:
        decode(data)
    assert word in str(info.value)
    assert str(info.value).startswith("PL101: sample.txt is not text")


def test_text_refuses_nul_heavy_binary():
    data = bytes([0, 1, 2, 3, 250, 0, 7, 0, 9, 0, 0, 17]) * 200
    with pytest.raises(errors.NotText, match="binary data"):
        decode(data)


def test_text_refuses_undecodable_bytes():
    # No BOM, not UTF-8, too many high bytes for Windows-1252, and no code page fits.
    with pytest.raises(errors.UndecodableInput) as info:
        decode(bytes(range(0x80, 0x100)) * 8)
    assert str(info.value).startswith("PL103: sample.txt could not be decoded")


def test_text_refuses_broken_utf8_after_a_utf8_bom():
    with pytest.raises(errors.UndecodableInput, match="UTF-8 byte-order mark"):
        decode(codecs.BOM_UTF8 + b"caf\xc3 ok \xff\xfe")


def test_text_refuses_input_over_the_size_limit():
    with pytest.raises(errors.InputTooLarge) as info:
        decode(b"a" * 101, limit=100)
    assert "101 bytes, over the limit of 100 bytes" in str(info.value)
    assert decode(b"a" * 100, limit=100).text == "a" * 100


def test_text_uses_declared_charset_before_guessing():
    data = "Ça coûte 5 € à Zürich.".encode("cp1252")
    got = decode(data, declared="cp1252")
    assert got.text == "Ça coûte 5 € à Zürich."
    assert not got.warnings


def test_text_declared_charset_maps_latin1_to_windows1252():
    assert T.declared_charset(b'<html><head><meta charset="ISO-8859-1">') == "cp1252"
    assert T.declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">') == "cp1251"
    assert T.declared_charset(b"<meta charset=bogus-charset>") is None


def test_text_describe_binary_lets_text_through():
    assert T.describe_binary("Plain “text”\twith tabs\r\n".encode()) is None
    assert T.describe_binary(b"") is None


# ---------------------------------------------------------------- properties

from hypothesis import HealthCheck, assume, given, settings as hsettings, strategies as st  # noqa: E402


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=512))
def test_text_decode_arbitrary_bytes_gives_text_or_a_coded_error(data):
    try:
        got = decode(data)
    except errors.PresslensError as exc:
        assert exc.code in {"PL101", "PL103"}
    else:
        assert isinstance(got.text, str)


@hsettings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_text_decode_roundtrips_unicode_with_bom_or_utf8(text, codec):
    data = text.encode(codec, "surrogatepass") if codec != "utf-8" else text.encode("utf-8", "surrogatepass")
    assume(data != codecs.BOM_UTF32_LE)  # UTF-16 LE mark + NUL and an empty UTF-32 LE file are the same bytes
    try:
        got = decode(data)
    except errors.PresslensError as exc:  # control characters or lone surrogates are refused, not crashed on
        assert exc.code in {"PL101", "PL103"}
    else:
        assert got.text == text
