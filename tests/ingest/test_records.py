"""JSON / JSONL records: one item per record, bad records as item errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from presslens import errors, ingest
from presslens.config import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
SETTINGS = Settings()




def test_records_read_jsonl_malformed_line_is_an_item_error(read_all):
    items = read_all(DATA / "batch.jsonl")
    assert [i.origin.rsplit("#", 1)[1] for i in items] == ["line 1", "line 2", "line 3"]
    first, broken, third = items
    assert first.article.title == "Library Extends Opening Hours"
    assert first.article.source == "Alder Gazette" and first.article.published == "2025-02-14"
    assert first.article.url == "https://gazette.example/library"
    assert first.article.text.startswith("The town library")
    assert isinstance(broken.error, errors.MalformedRecord)
    assert str(broken.error).startswith("PL106: ") and "line 2" in str(broken.error)
    assert "120 oak saplings" in third.article.text  # an html record goes through trafilatura
    assert third.article.published == "2025-03-02"  # timestamp trimmed to its date
    assert third.article.source == "Riverside Weekly"


def test_records_read_json_array(read_all):
    items = read_all(DATA / "pair.json")
    assert [i.error for i in items] == [None, None]
    assert [i.article.title for i in items] == ["Bakery Wins Regional Prize", "Road Closed for Resurfacing"]
    assert items[0].origin.endswith("pair.json#record 1")
    assert items[1].article.source == "Alder Gazette"


def test_records_read_json_single_object(tmp_path, only_article):
    path = tmp_path / "one.json"
    path.write_text('{"text": "A single record in one object.", "title": "One"}', encoding="utf-8")
    article = only_article(path)
    assert article.text == "A single record in one object." and article.title == "One"


@pytest.mark.parametrize(
    ("record", "code"),
    [
        ('{"title": "No body"}', "PL106"),
        ('{"text": 42}', "PL106"),
        ('{"text": "   "}', "PL102"),
        ('{"text": "Body.", "published": "March 3"}', "PL301"),
        ('{"text": "Body.", "title": ["a", "b"]}', "PL106"),
        ('["not", "an", "object"]', "PL106"),
    ],
)
def test_records_read_bad_records_are_item_errors(tmp_path, record, code, read_all):
    path = tmp_path / "recs.jsonl"
    path.write_text('{"text": "A good record comes first."}\n' + record + "\n", encoding="utf-8")
    items = read_all(path)
    assert items[0].article is not None
    errs = [i.error for i in items[1:]]
    assert errs and all(e is not None and e.code == code for e in errs)


def test_records_read_invalid_json_document_raises_pl106(tmp_path, read_all):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "text": "unterminated\n}\n', encoding="utf-8")
    with pytest.raises(errors.MalformedRecord, match="not valid JSON"):
        read_all(path)


def test_records_read_empty_jsonl_raises(tmp_path, read_all):
    path = tmp_path / "none.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(errors.EmptyInput):
        read_all(path)


def test_records_read_record_text_over_cap_is_item_error(tmp_path, read_all):
    path = tmp_path / "big.jsonl"
    path.write_text('{"text": "short one"}\n{"text": "' + "x" * 300 + '"}\n', encoding="utf-8")
    items = read_all(path, Settings(max_bytes=100))
    assert items[0].article is not None
    assert isinstance(items[1].error, errors.InputTooLarge)
