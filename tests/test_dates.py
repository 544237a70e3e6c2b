"""Date expressions and their resolution against the publication date (presslens.dates)."""

from __future__ import annotations

import pytest

from presslens import nlp
from presslens.dates import find_dates, parse_published, resolve

PUB = "2026-03-10"  # a Tuesday


@pytest.mark.parametrize(
    ("text", "published", "tense", "value"),
    [
        # absolute: the precision the text gives
        ("2014", None, None, "2014"),
        ("2014", PUB, None, "2014"),
        ("January 2014", None, None, "2014-01"),
        ("January 3, 2014", None, None, "2014-01-03"),
        ("3 January 2014", None, None, "2014-01-03"),
        ("2021-02-03", None, None, "2021-02-03"),
        ("February 30, 2020", None, None, None),
        # month and day without a year: the publication year, never a future date for the past
        ("January 3", PUB, None, "2026-01-03"),
        ("January 3", None, None, None),
        ("December 24", PUB, "past", "2025-12-24"),
        ("April 2", PUB, "future", "2026-04-02"),
        ("February 1", PUB, "future", "2027-02-01"),
        # relative to publication
        ("last month", PUB, None, "2026-02"),
        ("last month", "2026-01-15", None, "2025-12"),
        ("this month", PUB, None, "2026-03"),
        ("next month", "2026-12-01", None, "2027-01"),
        ("last year", PUB, None, "2025"),
        ("next year", PUB, None, "2027"),
        ("earlier this year", PUB, None, "2026"),
        ("last month", None, None, None),
        ("yesterday", PUB, None, "2026-03-09"),
        ("today", PUB, None, "2026-03-10"),
        ("tomorrow", PUB, None, "2026-03-11"),
        ("yesterday", None, None, None),
        ("three days ago", PUB, None, "2026-03-07"),
        ("two months ago", PUB, None, "2026-01"),
        ("five years ago", PUB, None, "2021"),
        ("three days ago", None, None, None),
        # weekdays: past -> on/before publication, future -> after it, no clue -> unknown
        ("on Saturday", PUB, "past", "2026-03-07"),
        ("on Saturday", PUB, "future", "2026-03-14"),
        ("on Saturday", PUB, None, None),
        ("on Tuesday", PUB, "past", "2026-03-10"),
        ("on Tuesday", PUB, "future", "2026-03-17"),
        ("last Saturday", PUB, None, "2026-03-07"),
        ("next Saturday", PUB, None, "2026-03-14"),
        ("Saturday", None, "past", None),
        # weeks: a month only when the whole week lies in it
        ("last week", PUB, None, "2026-03"),
        ("last week", "2026-03-03", None, None),
        # anchored on an event: kept, no value, unless the anchor is a date
        ("two days after the assassination", PUB, None, None),
        ("the second anniversary", PUB, None, None),
        ("two days after January 3, 2014", None, None, "2014-01-05"),
        ("three weeks before 2 March 2020", None, None, "2020-02"),
        # not date expressions
        ("the march", PUB, None, None),
        ("may", PUB, None, None),
        ("hello", PUB, None, None),
    ],
)
def test_dates_resolve_table(text, published, tense, value):
    assert resolve(text, published, tense) == value


def test_dates_parse_published_accepts_timestamps_and_rejects_junk():
    assert str(parse_published("2026-03-10T08:00:00Z")) == "2026-03-10"
    assert parse_published("10/03/2026") is None
    assert parse_published("2026-02-30") is None
    assert parse_published(None) is None


def _found(text: str, published: str | None = PUB):
    return [(m.text, m.value) for m in find_dates(nlp.parse(text), published)]


def test_dates_find_reads_tense_from_the_clause():
    assert _found("Crowds marched on Saturday.") == [("on Saturday", "2026-03-07")]
    assert _found("Crowds will march on Saturday.") == [("on Saturday", "2026-03-14")]
    assert _found("The union is due to meet on Saturday.") == [("on Saturday", "2026-03-14")]


def test_dates_find_keeps_unresolvable_text_without_value():
    found = _found("They met two days after the assassination of the governor.", None)
    assert found == [("two days after the assassination of the governor", None)]
    assert _found("Crowds marched on Saturday.", None) == [("on Saturday", None)]


def test_dates_find_anniversary_keeps_its_anchor():
    found = _found("They rallied to mark the second anniversary of the coup.")
    assert found == [("the second anniversary of the coup", None)]


def test_dates_find_spans_are_true():
    text = "In 2014, 2000 people signed a letter on March 3; the May 5 vote came in March 2019 and talks may start in May."
    doc = nlp.parse(text)
    mentions = find_dates(doc, PUB)
    for m in mentions:
        assert text[m.span[0]:m.span[1]] == m.text
    texts = [m.text for m in mentions]
    assert "2014" in texts and "March 3" in texts and "May 5" in texts and "March 2019" in texts
    assert "2000" not in texts  # a count of people, not a year
    assert texts.count("may") == 0  # the modal verb


def test_dates_find_granularity_and_relative_flags():
    (m,) = find_dates(nlp.parse("It happened last month."), PUB)
    assert (m.value, m.granularity, m.relative) == ("2026-02", "month", True)
    (m,) = find_dates(nlp.parse("It happened on 4 July 2020."), PUB)
    assert (m.value, m.granularity, m.relative) == ("2020-07-04", "day", False)


def test_dates_find_on_empty_text():
    assert find_dates(nlp.parse(""), PUB) == []
