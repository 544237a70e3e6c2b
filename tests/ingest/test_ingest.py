"""presslens.ingest: from_text, the title rule, metadata overrides, and read() over every input kind."""

from __future__ import annotations

import codecs
import io
import os
import sys
from pathlib import Path

import pytest

from presslens import errors, ingest
from presslens.config import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
SETTINGS = Settings()




# ---------------------------------------------------------------- from_text


def test_ingest_from_text_keeps_text_exactly():
    text = "  Lead with spaces.\r\n\r\nA “quote” and a stray \" mark\n\n"
    article = ingest.from_text(text)
    assert article.text == text


@pytest.mark.parametrize("text", ["", " ", "\n\n\t \r\n", "\u00a0\u2003"])
def test_ingest_from_text_rejects_empty_and_whitespace(text):
    with pytest.raises(errors.EmptyInput) as info:
        ingest.from_text(text)
    assert str(info.value).startswith("PL102: ")


def test_ingest_from_text_rejects_text_over_the_size_cap():
    with pytest.raises(errors.InputTooLarge) as info:
        ingest.from_text("é" * 60, settings=Settings(max_bytes=100))  # 120 bytes in UTF-8
    assert str(info.value).startswith("PL104: ")
    assert ingest.from_text("é" * 50, settings=Settings(max_bytes=100)).text == "é" * 50


def test_ingest_from_text_title_rule_first_line_then_blank():
    text = "Harbour Reopens After Storm\n\nThe harbour reopened on Monday.\n"
    article = ingest.from_text(text)
    assert article.title == "Harbour Reopens After Storm"
    s, e = article.title_span
    assert text[s:e] == article.title


def test_ingest_from_text_title_rule_needs_a_blank_line():
    article = ingest.from_text("Harbour Reopens After Storm\nThe harbour reopened on Monday.\n")
    assert article.title is None and article.title_span is None


def test_ingest_from_text_title_rule_crlf_and_leading_blank_lines():
    text = "\r\n  Harbour Reopens  \r\n\r\nBody text here.\r\n"
    article = ingest.from_text(text)
    assert article.title == "Harbour Reopens"
    assert text[slice(*article.title_span)] == "Harbour Reopens"


def test_ingest_from_text_title_rule_skips_a_long_lede_sentence():
    lede = (
        "The harbour reopened on Monday after nine days of repairs to the ramp that a winter storm "
        "had torn loose from its moorings last week."
    )
    assert ingest.from_text(lede + "\n\nSecond paragraph.\n").title is None


def test_ingest_from_text_title_rule_markdown_heading():
    text = "# Harbour Reopens\n\nBody text here.\n"
    article = ingest.from_text(text)
    assert article.title == "Harbour Reopens"
    assert text[slice(*article.title_span)] == "Harbour Reopens"


def test_ingest_from_text_single_line_has_no_title():
    assert ingest.from_text("Only one line of text.").title is None


def test_ingest_from_text_explicit_title_found_on_first_line():
    text = "Harbour Reopens\nBody text.\n"
    article = ingest.from_text(text, title="Harbour Reopens")
    assert article.title_span == (0, 15)
    other = ingest.from_text(text, title="A Different Title")
    assert other.title == "A Different Title" and other.title_span is None


def test_ingest_from_text_metadata_and_published_validation():
    article = ingest.from_text("Body text.", published="2024-02-29", source="Gazette", url="https://x.example/a")
    assert (article.published, article.source, article.url) == ("2024-02-29", "Gazette", "https://x.example/a")
    for bad in ["2023-02-29", "29/02/2024", "2024-2-9", "yesterday"]:
        with pytest.raises(errors.BadMetadata) as info:
            ingest.from_text("Body text.", published=bad)
        assert str(info.value).startswith("PL301: ")


def test_ingest_with_metadata_overrides_and_keeps_the_rest():
    article = ingest.from_text("Harbour Reopens\n\nBody.\n", source="Old", published="2024-01-01")
    new = ingest.with_metadata(article, title="Harbour Reopens", source="New Outlet", published="2024-05-06", url="https://n.example")
    assert new.text == article.text
    assert (new.source, new.published, new.url) == ("New Outlet", "2024-05-06", "https://n.example")
    assert new.title_span == (0, 15)
    replaced = ingest.with_metadata(article, title="Other")
    assert replaced.title == "Other" and replaced.title_span is None
    assert ingest.with_metadata(article) is article
    with pytest.raises(errors.BadMetadata):
        ingest.with_metadata(article, published="2024-13-01")


def test_ingest_loaded_needs_exactly_one_of_article_and_error():
    with pytest.raises(ValueError):
        ingest.Loaded(origin="x")
    with pytest.raises(ValueError):
        ingest.Loaded(origin="x", article=ingest.from_text("a"), error=errors.EmptyInput("x"))


# ---------------------------------------------------------------- files


def test_ingest_read_text_file_unchanged_with_title(only_article):
    article = only_article(DATA / "ferry.txt")
    raw = (DATA / "ferry.txt").read_text(encoding="utf-8")
    assert article.text == raw
    assert article.title == "Ferry Service to Larch Island Resumes After Storm Repairs"
    assert article.text[slice(*article.title_span)] == article.title
    assert article.origin == str(DATA / "ferry.txt")
    assert article.warnings == []


@pytest.mark.parametrize(
    ("prefix", "codec"),
    [(b"", "utf-8"), (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_ingest_read_text_file_encodings(tmp_path, prefix, codec, only_article):
    raw = (DATA / "ferry.txt").read_text(encoding="utf-8")
    path = tmp_path / "ferry.txt"
    path.write_bytes(prefix + raw.encode(codec))
    article = only_article(path)
    assert article.text == raw
    assert article.warnings == []


def test_ingest_read_windows1252_file_warns_pl202(tmp_path, only_article):
    path = tmp_path / "old.txt"
    path.write_bytes(b"Mayor\x92s Plan Approved\r\n\r\nShe called it \x93a fair deal\x94.\r\n")
    article = only_article(path)
    assert article.text == "Mayor’s Plan Approved\r\n\r\nShe called it “a fair deal”.\r\n"
    assert article.title == "Mayor’s Plan Approved"
    assert any(w.startswith("PL202:") for w in article.warnings)


def test_ingest_read_latin1_file(tmp_path, only_article):
    path = tmp_path / "latin.txt"
    path.write_bytes("Der Bürgermeister eröffnete das Café am Montag.\n".encode("latin-1"))
    assert only_article(path).text == "Der Bürgermeister eröffnete das Café am Montag.\n"


def test_ingest_read_missing_path_raises_pl100(tmp_path):
    with pytest.raises(errors.InputNotFound) as info:
        ingest.read(str(tmp_path / "nope.txt"), settings=SETTINGS)
    assert str(info.value) == f"PL100: {tmp_path / 'nope.txt'} does not exist"


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", errors.EmptyInput),
        (b" \n\t\r\n  ", errors.EmptyInput),
        (b"%PDF-1.4\n1 0 obj", errors.NotText),
        (b"\x89PNG\r\n\x1a\n\x00\x00", errors.NotText),
        (b"PK\x03\x04\x14\x00\x06\x00", errors.NotText),
        (bytes(range(0x80, 0x100)) * 4, errors.UndecodableInput),
    ],
)
def test_ingest_read_bad_single_file_raises(tmp_path, content, error, read_all):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(error) as info:
        read_all(path)
    assert str(info.value).startswith(f"{error.code}: {path}")


def test_ingest_read_file_over_max_bytes(tmp_path, read_all):
    path = tmp_path / "long.txt"
    path.write_text("word " * 100, encoding="utf-8")
    with pytest.raises(errors.InputTooLarge) as info:
        read_all(path, Settings(max_bytes=200))
    assert "500 bytes, over the limit of 200 bytes" in str(info.value)


def test_ingest_read_unknown_extension_is_sniffed(tmp_path, read_all, only_article):
    text_file = tmp_path / "story.dat"
    text_file.write_text("Plain words in an oddly named file.\n", encoding="utf-8")
    assert only_article(text_file).text == "Plain words in an oddly named file.\n"
    pdf = tmp_path / "report"
    pdf.write_bytes(b"%PDF-1.5\n")
    with pytest.raises(errors.NotText, match="PDF"):
        read_all(pdf)
    page = tmp_path / "page.dat"
    page.write_bytes((DATA / "ferry.html").read_bytes())
    assert only_article(page).source == "The Alder Gazette"


# ---------------------------------------------------------------- stdin


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_ingest_read_stdin_text_bytes_unchanged(monkeypatch, read_all):
    raw = "Harbour Reopens\n\nThe harbour reopened, officials said.\n"
    _stdin(monkeypatch, codecs.BOM_UTF8 + raw.encode("utf-8"))
    items = read_all("-")
    assert len(items) == 1 and items[0].origin == "<stdin>"
    assert items[0].article.text == raw
    assert items[0].article.title == "Harbour Reopens"


def test_ingest_read_stdin_sniffs_html_and_jsonl(monkeypatch, read_all):
    _stdin(monkeypatch, (DATA / "ferry.html").read_bytes())
    assert read_all("-")[0].article.source == "The Alder Gazette"
    _stdin(monkeypatch, (DATA / "batch.jsonl").read_bytes())
    items = read_all("-")
    assert [i.error is None for i in items] == [True, False, True]


def test_ingest_read_stdin_json_like_text_stays_text(monkeypatch, read_all):
    raw = "[Updated] Harbour reopens after storm repairs, officials said.\n"
    _stdin(monkeypatch, raw.encode())
    assert read_all("-")[0].article.text == raw


def test_ingest_read_stdin_empty_and_binary(monkeypatch, read_all):
    _stdin(monkeypatch, b"")
    with pytest.raises(errors.EmptyInput):
        read_all("-")
    _stdin(monkeypatch, b"%PDF-1.4\n")
    with pytest.raises(errors.NotText):
        read_all("-")


# ---------------------------------------------------------------- folders


def test_ingest_read_directory_carries_on_past_bad_files(tmp_path, read_all):
    (tmp_path / "b-story.txt").write_text("Bridge Opens\n\nThe bridge opened on Friday.\n", encoding="utf-8")
    (tmp_path / "a-scan.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "c-empty.txt").write_text("  \n", encoding="utf-8")
    sub = tmp_path / "more"
    sub.mkdir()
    (sub / "d.jsonl").write_text('{"text": "Record one."}\n{oops\n', encoding="utf-8")
    (sub / "e.html").write_bytes((DATA / "ferry.html").read_bytes())
    (tmp_path / ".hidden.txt").write_text("skipped", encoding="utf-8")
    items = read_all(tmp_path)
    got = [(os.path.relpath(i.origin, tmp_path), i.error.code if i.error else "ok") for i in items]
    assert got == [
        ("a-scan.pdf", "PL101"),
        ("b-story.txt", "ok"),
        ("c-empty.txt", "PL102"),
        ("more/d.jsonl#line 1", "ok"),
        ("more/d.jsonl#line 2", "PL106"),
        ("more/e.html", "ok"),
    ]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_ingest_read_directory_unreadable_file_is_an_item(tmp_path, read_all):
    (tmp_path / "a.txt").write_text("Readable text here.\n", encoding="utf-8")
    locked = tmp_path / "b.txt"
    locked.write_text("Locked text.\n", encoding="utf-8")
    locked.chmod(0)
    try:
        items = read_all(tmp_path)
    finally:
        locked.chmod(0o644)
    assert items[0].article is not None
    assert items[1].error is not None and items[1].error.code == "PL100"


def test_ingest_read_directory_dangling_link_is_an_item(tmp_path, read_all):
    (tmp_path / "a.txt").write_text("Readable text here.\n", encoding="utf-8")
    (tmp_path / "b.txt").symlink_to(tmp_path / "gone.txt")
    items = read_all(tmp_path)
    assert items[0].article is not None
    assert items[1].error is not None and items[1].error.code == "PL100"


def test_ingest_read_empty_directory_raises(tmp_path, read_all):
    with pytest.raises(errors.UnsupportedInput):
        read_all(tmp_path)


# ---------------------------------------------------------------- properties

from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402


@hsettings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_ingest_from_text_arbitrary_unicode_never_crashes(text):
    try:
        article = ingest.from_text(text)
    except errors.EmptyInput:
        assert not text.strip()
    else:
        assert article.text == text
        if article.title_span is not None:
            assert text[slice(*article.title_span)] == article.title



def test_ingest_read_directory_permission_error_is_an_item(tmp_path, monkeypatch, read_all):
    (tmp_path / "a.txt").write_text("Readable text here.\n", encoding="utf-8")
    locked = tmp_path / "b.txt"
    locked.write_text("Locked text.\n", encoding="utf-8")
    real_open = Path.open

    def guarded_open(self, *args, **kwargs):
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded_open)
    first, second = read_all(tmp_path)
    assert first.article is not None
    assert second.error is not None and second.error.code == "PL100"
    assert "Permission denied" in str(second.error)


def test_ingest_headline_without_blank_line_is_the_title():
    text = (
        "Harbour Bridge Reopens After Storm Repairs\n"
        "The harbour bridge reopened to traffic on Tuesday after three weeks of repairs, the port authority said.\n"
        "Engineers replaced two damaged cables.\n"
    )
    article = ingest.from_text(text)
    assert article.title == "Harbour Bridge Reopens After Storm Repairs"
    assert text[slice(*article.title_span)] == article.title


def test_ingest_first_sentence_without_blank_line_is_not_a_title():
    text = "The bridge reopened on Tuesday.\nEngineers replaced two damaged cables after the storm last month.\n"
    assert ingest.from_text(text).title is None
