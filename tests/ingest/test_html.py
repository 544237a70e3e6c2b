"""HTML input: trafilatura body and metadata, PL105 for pages without an article."""

from __future__ import annotations

from pathlib import Path

import pytest

from presslens import errors, ingest
from presslens.config import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
SETTINGS = Settings()




def test_html_read_body_and_metadata(only_article):
    article = only_article(DATA / "ferry.html")
    assert article.title == "Ferry Service to Larch Island Resumes"
    assert article.author == "Marek Osei"
    assert article.source == "The Alder Gazette"
    assert article.published == "2025-01-20"
    assert "harbour master Ines Valcourt" in article.text
    assert "Sport" not in article.text and "©" not in article.text  # navigation and footer left out
    assert article.text[slice(*article.title_span)] == article.title


def test_html_read_without_body_is_pl105(read_all):
    with pytest.raises(errors.NoArticleBody) as info:
        read_all(DATA / "menu-only.html")
    assert str(info.value).startswith("PL105: ")
    assert "menu-only.html" in str(info.value)


def test_html_read_declared_legacy_charset(tmp_path, only_article):
    page = (
        '<html><head><meta charset="windows-1252"><title>Caf\xe9 Reopens</title></head><body><article>'
        "<p>The caf\xe9 on the quay reopened on Friday, its owner said with a smile.</p></article></body></html>"
    )
    path = tmp_path / "cafe.html"
    path.write_bytes(page.encode("cp1252"))
    article = only_article(path)
    assert "The café on the quay reopened" in article.text
    assert article.warnings == []  # declared, not guessed


def test_html_read_markup_is_not_executed_or_kept():
    page = (
        "<html><body><article><p>Officials said the vote would take place next week in the town hall.</p>"
        "<script>alert('x')</script></article></body></html>"
    )
    article = ingest._from_html(page, origin="page.html", settings=SETTINGS)
    assert "alert" not in article.text and "<" not in article.text


def test_html_looks_like_html_detection():
    from presslens.ingest import html

    assert html.looks_like_html("<!DOCTYPE html>\n<html><body>x</body></html>")
    assert html.looks_like_html("  <!-- saved page -->\n<html lang='en'>")
    assert html.looks_like_html("<p>A fragment of a page.</p>")
    assert not html.looks_like_html("Plain text that mentions <html> later on.")
    assert not html.looks_like_html("<<< stray brackets >>>")


def test_html_title_not_in_body_has_no_span():
    page = (
        "<html><head><title>Quay Cafe Reopens</title></head><body><article>"
        "<p>The cafe on the quay reopened on Friday after a long refit, its owner said.</p>"
        "</article></body></html>"
    )
    article = ingest._from_html(page, origin="page.html", settings=SETTINGS)
    assert article.title == "Quay Cafe Reopens"
    assert article.title_span is None
    assert article.text.startswith("The cafe on the quay")


@pytest.mark.parametrize(
    "page",
    [
        "<html><body></body></html>",
        "<html><body>   \n  </body></html>",
        "<html><body><div>Home</div><div>Contact us</div></body></html>",
        "<html><body><script>var a = 1; var b = 2; var c = a + b; console.log(c);</script></body></html>",
    ],
)
def test_html_pages_without_article_text_are_pl105(tmp_path, page, read_all):
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(errors.NoArticleBody) as info:
        read_all(path)
    assert str(info.value).startswith(f"PL105: {path}")


def test_html_empty_file_is_pl102(tmp_path, read_all):
    path = tmp_path / "empty.html"
    path.write_bytes(b"")
    with pytest.raises(errors.EmptyInput):
        read_all(path)


def test_html_record_without_body_is_an_item_error(tmp_path, read_all):
    path = tmp_path / "pages.jsonl"
    path.write_text(
        '{"html": "<html><body><nav>Home</nav></body></html>"}\n'
        '{"html": "<html><body><p>The council met on Monday and approved the new budget for schools.</p></body></html>"}\n',
        encoding="utf-8",
    )
    first, second = read_all(path)
    assert first.error is not None and first.error.code == "PL105"
    assert second.article is not None and second.article.text.startswith("The council met")


def test_html_extraction_is_quiet_on_stderr(capfd, read_all):
    with pytest.raises(errors.NoArticleBody):
        read_all(DATA / "menu-only.html")
    assert capfd.readouterr().err == ""


# Written here: a short local-news page in Japanese, whose sentences have no spaces between words.
_JAPANESE_PAGE = (
    '<html lang="ja"><head><meta charset="utf-8"><title>市の図書館が改装を終えて再開</title></head><body>'
    "<nav><a>ホーム</a><a>地域</a></nav><article><h1>市の図書館が改装を終えて再開</h1>"
    "<p>半年にわたる改装工事を終えた市立図書館が、月曜日の朝に利用者の受け入れを再開した。"
    "館長によると、閲覧席は以前の二倍に増え、子ども向けの読書室も新しく設けられたという。</p>"
    "<p>開館を待っていた近所の住民は、静かに勉強できる場所が戻ってきてうれしいと話していた。</p>"
    "</article></body></html>"
)


def test_html_read_body_without_spaces_between_words(tmp_path, only_article):
    path = tmp_path / "library.html"
    path.write_text(_JAPANESE_PAGE, encoding="utf-8")
    article = only_article(path)
    assert "市立図書館" in article.text and "ホーム" not in article.text


def test_html_non_english_page_is_analysed_with_pl201(tmp_path):
    from presslens import analyze_path

    path = tmp_path / "library.html"
    path.write_text(_JAPANESE_PAGE, encoding="utf-8")
    analysis = analyze_path(str(path))
    assert "市立図書館" in analysis.document.text
    assert any(w.startswith("PL201") for w in analysis.warnings)


def test_html_short_unspaced_menu_is_still_pl105(tmp_path, read_all):
    path = tmp_path / "menu.html"
    path.write_text("<html><body><div>ホーム</div><div>お問い合わせ</div></body></html>", encoding="utf-8")
    with pytest.raises(errors.NoArticleBody):
        read_all(path)
