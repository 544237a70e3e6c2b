"""The quantities stage: numbers, hedges, ranges, units, kinds and counted noun phrases."""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presslens import analyze, nlp
from presslens.model import Quantity
from presslens.stages import quantities


@lru_cache(maxsize=256)
def _run(text: str) -> tuple[Quantity, ...]:
    doc = nlp.parse(text)
    return tuple(quantities.run(SimpleNamespace(doc=doc, text=text)))


def _find(text: str, fragment: str) -> Quantity:
    """The quantity whose text contains ``fragment``."""
    hits = [q for q in _run(text) if fragment in q.text]
    assert hits, f"no quantity containing {fragment!r} in {[q.text for q in _run(text)]}"
    return hits[0]


def _texts(text: str) -> list[str]:
    return [q.text for q in _run(text)]


# ------------------------------------------------------------------ number forms


@pytest.mark.parametrize(
    ("sentence", "fragment", "value"),
    [
        ("The council hired 2,500 new teachers last spring.", "2,500", 2500),
        ("Some 1,000 nurses walked out.", "1,000", 1000),
        ("The town has 1,00,000 residents.", "1,00,000", 100000),
        ("A million people signed the petition.", "A million", 1_000_000),
        ("Officials counted 1.5 million ballots.", "1.5 million", 1_500_000),
        ("Two buses were late.", "Two", 2),
        ("Twenty-five volunteers cleaned the beach.", "Twenty-five", 25),
        ("They planted two hundred and fifty trees.", "two hundred and fifty", 250),
        ("Half a million visitors came to the fair.", "Half a million", 500_000),
        ("A quarter of a million fans watched.", "quarter", 250_000),
        ("The app has 3.2m users.", "3.2m", 3_200_000),
        ("The club sold 10k tickets.", "10k", 10_000),
        ("A dozen reporters waited outside.", "dozen", 12),
        ("Two dozen eggs broke.", "Two dozen", 24),
        ("The budget is $5 billion this year.", "$5 billion", 5_000_000_000),
        ("The fund lost €2.5bn in a week.", "€2.5bn", 2_500_000_000),
    ],
)
def test_quantities_reads_number_forms(sentence: str, fragment: str, value: float) -> None:
    q = _find(sentence, fragment)
    assert q.value == pytest.approx(value)


def test_quantities_percent_sign_and_word() -> None:
    text = "Turnout was 40% in the north and 40 percent in the south, or 12 per cent overall."
    qs = [q for q in _run(text) if q.kind == "percent"]
    assert [q.value for q in qs] == [40, 40, 12]
    assert all(q.unit == "%" for q in qs)
    assert [q.text for q in qs] == ["40%", "40 percent", "12 per cent"]


def test_quantities_money_unit_and_kind() -> None:
    text = "The mayor promised $300 million for roads and 20 million euros for parks."
    a, b = _run(text)
    assert (a.kind, a.unit, a.value) == ("money", "USD", 300_000_000)
    assert (b.kind, b.unit, b.value) == ("money", "EUR", 20_000_000)


def test_quantities_vague_plural_of_currency_is_money() -> None:
    q = _find("The scheme wasted millions of dollars.", "millions")
    assert (q.kind, q.unit, q.value, q.approximate) == ("money", "USD", 2_000_000, True)


def test_quantities_measures() -> None:
    text = "The convoy drove 40 km with 12 tonnes of flour over 300 square kilometres."
    km = _find(text, "40 km")
    assert (km.kind, km.unit, km.value) == ("measure", "km", 40)
    flour = _find(text, "tonnes")
    assert (flour.kind, flour.unit, flour.counted) == ("measure", "t", "flour")
    area = _find(text, "square")
    assert area.unit == "km2"


# ------------------------------------------------------------------ hedges and bounds


def test_quantities_approximate_hedge_keeps_value() -> None:
    q = _find("About 600 firefighters fought the blaze.", "600")
    assert q.text == "About 600 firefighters"
    assert (q.value, q.low, q.high, q.approximate) == (600, None, None, True)


@pytest.mark.parametrize(
    ("sentence", "low", "high"),
    [
        ("More than 500 homes lost power.", 500, None),
        ("At least 40 passengers were hurt.", 40, None),
        ("Upwards of 90 stalls opened.", 90, None),
        ("Up to 300 workers may lose their jobs.", None, 300),
        ("Fewer than 20 seats remain.", None, 20),
        ("Nearly 70 pupils sat the test.", None, 70),
        ("As many as 800 pilgrims were stranded.", None, 800),
    ],
)
def test_quantities_bounds_from_hedges(sentence: str, low: float | None, high: float | None) -> None:
    q = _run(sentence)[0]
    assert (q.low, q.high, q.approximate) == (low, high, True)
    assert q.text.split()[0] == sentence.split()[0]  # the hedge is inside the span


def test_quantities_post_hedge() -> None:
    q = _find("Tickets cost $100 or more at the door.", "$100")
    assert q.text == "$100 or more"
    assert (q.low, q.approximate) == (100, True)


def test_quantities_exact_number_is_not_approximate() -> None:
    q = _find("Exactly 12 jurors were sworn in.", "12")
    assert q.approximate is False
    q = _find("The ferry carried 212 passengers.", "212")
    assert (q.approximate, q.low, q.high) == (False, None, None)


# ------------------------------------------------------------------ ranges


@pytest.mark.parametrize(
    ("sentence", "low", "high", "unit"),
    [
        ("Between 2,000 and 3,000 people marched.", 2000, 3000, None),
        ("Organisers expect 2,000-3,000 cyclists.", 2000, 3000, None),
        ("The repairs take two to three days.", 2, 3, "day"),
        ("Each class has from 10 to 20 pupils.", 10, 20, None),
        ("The plan costs between 2 and 3 million dollars.", 2_000_000, 3_000_000, "USD"),
        ("Expect two or three showers.", 2, 3, None),
    ],
)
def test_quantities_ranges(sentence: str, low: float, high: float, unit: str | None) -> None:
    rng = [q for q in _run(sentence) if q.low is not None and q.high is not None]
    assert len(rng) == 1, _texts(sentence)
    q = rng[0]
    assert (q.value, q.low, q.high, q.unit, q.approximate) == (None, low, high, unit, True)


def test_quantities_change_is_not_a_range() -> None:
    qs = _run("Unemployment rose from 4 to 6 percent.")
    assert all(q.high is None for q in qs)
    assert [q.value for q in qs] == [4, 6]


def test_quantities_score_and_phone_are_skipped() -> None:
    assert _run("The home side won 3-1 on Sunday.") == ()
    assert _run("Call the hotline on 555-1234 for help.") == ()


# ------------------------------------------------------------------ vague amounts


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("Hundreds gathered outside the court.", 200),
        ("Thousands of fans filled the square.", 2000),
        ("Tens of thousands of farmers protested.", 20_000),
        ("Hundreds of thousands of homes flooded.", 200_000),
        ("Millions of viewers tuned in.", 2_000_000),
        ("Dozens of shops closed early.", 24),
        ("Scores of boats joined the flotilla.", 40),
        ("Several thousand runners set off.", 3000),
    ],
)
def test_quantities_vague_amounts_by_convention(sentence: str, value: float) -> None:
    q = _run(sentence)[0]
    assert (q.value, q.low, q.approximate, q.kind) == (value, value, True, "count")


def test_quantities_in_their_thousands_points_back_to_the_crowd() -> None:
    text = "The supporters, in their thousands, waved flags."
    q = _find(text, "thousands")
    assert q.text == "in their thousands"
    assert (q.value, q.approximate, q.counted) == (2000, True, "supporters")
    s, e = q.counted_span
    assert text[s:e] == "supporters"


def test_quantities_scores_without_of_is_not_a_number() -> None:
    assert _run("The judges posted their scores online.") == ()


# ------------------------------------------------------------------ compounds


def test_quantities_million_man_march() -> None:
    text = "Activists staged a million-man march in the capital."
    q = _find(text, "million")
    assert q.text == "a million-man march"
    assert (q.value, q.kind, q.counted) == (1_000_000, "count", "man")


def test_quantities_seat_compound_counts_seats_and_spans_the_venue() -> None:
    text = "The final is played in the 45000-seat Riverside Arena."
    q = _find(text, "45000")
    assert q.text == "45000-seat Riverside Arena"
    assert (q.value, q.counted, q.kind) == (45000, "seat", "count")


def test_quantities_strong_compound_counts_the_noun() -> None:
    q = _find("A 5,000-strong crowd blocked the bridge.", "5,000")
    assert (q.value, q.counted) == (5000, "crowd")


# ------------------------------------------------------------------ kinds kept apart


def test_quantities_ordinals_are_not_counts() -> None:
    text = "The city marked the third anniversary of the flood and the 1st Infantry Division paraded."
    ords = [q for q in _run(text) if q.kind == "ordinal"]
    assert [(q.value, q.counted) for q in ords] == [(3, "anniversary"), (1, "Infantry Division")]
    assert not [q for q in _run(text) if q.kind == "count"]


def test_quantities_compound_ordinal_word() -> None:
    q = _find("It was the twenty-first meeting this year.", "twenty")
    assert (q.kind, q.value) == ("ordinal", 21)


def test_quantities_bare_first_is_not_reported() -> None:
    assert _run("At first, nobody answered the phone.") == ()


@pytest.mark.parametrize(
    ("sentence", "fragment", "value", "unit"),
    [
        ("The strike lasted two days.", "two days", 2, "day"),
        ("Talks ran for 48 hours.", "48 hours", 48, "hour"),
        ("She served three years in office.", "three years", 3, "year"),
        ("He waited ten minutes.", "ten minutes", 10, "minute"),
    ],
)
def test_quantities_durations_are_not_counts(sentence: str, fragment: str, value: float, unit: str) -> None:
    q = _find(sentence, fragment)
    assert q.text == fragment
    assert (q.kind, q.value, q.unit, q.counted) == ("duration", value, unit, None)


def test_quantities_hyphenated_duration_spans_the_event() -> None:
    q = _find("Workers began a 48-hour strike.", "48")
    assert (q.kind, q.unit, q.text) == ("duration", "hour", "48-hour strike")


def test_quantities_years_are_never_counts() -> None:
    text = "The 2019 report said output fell in 2020 and recovered during the 1990s and 2014-15."
    qs = _run(text)
    assert [q.kind for q in qs] == ["year"] * 4
    assert [q.text for q in qs] == ["2019", "2020", "1990s", "2014-15"]
    assert (qs[3].low, qs[3].high) == (2014, 2015)


def test_quantities_four_digit_count_before_plural_noun() -> None:
    q = _find("Nearly 2000 volunteers signed up.", "2000")
    assert (q.kind, q.counted) == ("count", "volunteers")


@pytest.mark.parametrize(
    "sentence",
    [
        "The vote is on January 3 at the town hall.",
        "We met on 12 March in Leeds.",
        "Doors open at 10 a.m. sharp.",
        "The train leaves at 18:45 daily.",
        "Install version 2.5.1 before Friday.",
        "Resolution 2334 was adopted.",
        "Ring 020 7946 0018 for details.",
        "The code is 123456789012345678901234 in the ledger.",
    ],
)
def test_quantities_dates_times_and_labels_are_skipped(sentence: str) -> None:
    assert _run(sentence) == (), _texts(sentence)


# ------------------------------------------------------------------ counted noun phrases and spans


def test_quantities_counted_noun_phrase_with_modifiers() -> None:
    text = "About 2,500 foreign soldiers and 1,000 police officers remain in the province."
    a, b = _run(text)
    assert (a.text, a.counted) == ("About 2,500 foreign soldiers", "foreign soldiers")
    assert (b.text, b.counted) == ("1,000 police officers", "police officers")
    for q in (a, b):
        s, e = q.counted_span
        assert text[s:e] == q.counted


def test_quantities_counted_after_of_drops_determiner() -> None:
    text = "Thousands of young nurses joined, with 30 percent of the junior doctors."
    a, b = _run(text)
    assert a.counted == "young nurses" and a.text == "Thousands of young nurses"
    assert b.counted == "junior doctors" and b.text == "30 percent of the junior doctors"


def test_quantities_pronoun_is_not_counted() -> None:
    q = _find("Two of them stayed behind.", "Two")
    assert q.counted is None


def test_quantities_one_as_pronoun_is_skipped() -> None:
    assert _run("No one knows which one of the plans will pass.") == ()
    q = _find("Only one bridge stayed open.", "one")
    assert (q.value, q.counted) == (1, "bridge")


def test_quantities_span_truth_and_order() -> None:
    text = (
        "Some 4,000 workers, up to 300 of them drivers, marched 12 km on the second day of a "
        "three-week strike; organisers claimed tens of thousands, police said fewer than 5,000."
    )
    qs = _run(text)
    assert len(qs) >= 6
    starts = [q.span[0] for q in qs]
    assert starts == sorted(starts)
    for q in qs:
        assert text[q.span[0] : q.span[1]] == q.text
        if q.counted_span is not None:
            assert text[q.counted_span[0] : q.counted_span[1]] == q.counted
    for a, b in zip(qs, qs[1:]):
        assert a.span[1] <= b.span[0]


def test_quantities_through_analyze(analyze_text) -> None:
    text = "Rally draws crowd\n\nAbout 1,200 supporters gathered for two hours on Sunday."
    analysis = analyze_text(text)
    got = [(q.text, q.kind) for q in analysis.quantities]
    assert ("About 1,200 supporters", "count") in got
    assert ("two hours", "duration") in got


# ------------------------------------------------------------------ robustness


@pytest.mark.parametrize(
    "junk",
    ["", "   ", "١٢ men", "½ cup", "2.5.1", "1,00,000", "9" * 400, "$", "% of", "--- 3 -- 4 --", "a a a million-", "twenty-", "between and", "in their"],
)
def test_quantities_never_crashes_on_junk(junk: str) -> None:
    for q in _run(junk):
        assert junk[q.span[0] : q.span[1]] == q.text


_ALPHABET = st.sampled_from(
    list("0123456789,.-–%$£€ ½١٢") + ["a ", "million", "thousands", "of", "about", "between", "and", "to",
                                        "people", "days", "first", "in their", "twenty", "-seat", "\n", "“", "'s"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=25).map(" ".join))
def test_quantities_property_spans_always_true(text: str) -> None:
    for q in _run(text):
        assert text[q.span[0] : q.span[1]] == q.text
        assert q.span[0] < q.span[1]
        if q.counted_span is not None:
            assert text[q.counted_span[0] : q.counted_span[1]] == q.counted


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_quantities_property_arbitrary_unicode(text: str) -> None:
    for q in _run(text):
        assert text[q.span[0] : q.span[1]] == q.text


def test_quantities_ages_are_not_counts() -> None:
    text = "Maria Lopez, 61, retired after she started work aged 17."
    qs = _run(text)
    assert [(q.text, q.kind, q.unit) for q in qs] == [("61", "other", "year"), ("17", "other", "year")]
    q = _find("A 9-year-old girl was rescued.", "9")
    assert (q.kind, q.text) == ("other", "9-year-old girl")


def test_quantities_date_range_and_ratio_are_skipped() -> None:
    assert _run("The survey ran Oct. 3 to 7 in two waves.")[0].text == "two waves"
    assert _run("The board approved it by a 5-to-2 margin.") == ()


def test_quantities_number_inside_of_phrase_is_read_on_its_own() -> None:
    text = "The rebels won 14 of the assembly's 60 seats."
    a, b = _run(text)
    assert (a.text, a.value, a.counted) == ("14", 14, "seats")
    assert (b.text, b.value, b.counted) == ("60 seats", 60, "seats")


def test_quantities_ordinal_day_of_month_is_a_date() -> None:
    assert _run("Bids open on the 1st of next month.") == ()
    assert _run("Bids open on the 3rd of June.") == ()


def test_quantities_headline_strong_compound() -> None:
    q = _run("Thousand-Strong Crowd Greets Mayor")[0]
    assert (q.value, q.counted) == (1000, "Crowd")


@pytest.mark.parametrize(
    ("text", "quantity", "value", "unit"),
    [
        ("The province will spend $4.8-billion on transit.", "$4.8-billion", 4.8e9, "USD"),
        ("London set aside £1.1-billion for the scheme.", "£1.1-billion", 1.1e9, "GBP"),
        ("Ottawa added $300-million more.", "$300-million", 3e8, "USD"),
    ],
)
def test_quantities_hyphenated_multiplier_after_currency(text, quantity, value, unit):
    q = next(q for q in analyze(text).quantities if q.kind == "money")
    assert (q.text, q.value, q.unit) == (quantity, value, unit)
    assert text[q.span[0]:q.span[1]] == quantity


def test_quantities_day_two_is_a_position_not_a_count():
    quantities = analyze("On day two of the two-day U.S.-China trade talks, negotiators met again.").quantities
    assert not any(q.kind == "count" for q in quantities)
    assert any(q.kind == "duration" and q.value == 2 for q in quantities)
    # "the day two men died": two counts men
    assert any(q.counted == "men" for q in analyze("The day two men died, the town mourned.").quantities)


def test_quantities_no_break_space_before_multiplier():
    text = "He has almost 14\u00a0million followers."
    q = next(q for q in analyze(text).quantities if q.kind == "count")
    assert q.value == 14e6 and text[q.span[0]:q.span[1]] == q.text


@pytest.mark.parametrize(
    ("text", "fragment", "value", "unit"),
    [
        ("The deal was worth $4.8-billion, officials said.", "$4.8-billion", 4.8e9, "USD"),
        ("Britain pledged £1.1-billion in aid.", "£1.1-billion", 1.1e9, "GBP"),
        ("A $300-million loan was signed.", "$300-million", 3e8, "USD"),
        ("The port handled 2.5-million tonnes.", "2.5-million", 2.5e6, None),
    ],
)
def test_quantities_hyphenated_multiplier_scales(text: str, fragment: str, value: float, unit) -> None:
    q = _find(text, fragment)
    assert q.value == pytest.approx(value)
    if unit is not None:
        assert q.kind == "money" and q.unit == unit


def test_quantities_period_number_and_hyphenated_modifier_are_not_counts() -> None:
    qs = _run("It was day two of the two-day U.S.-China trade talks in Beijing.")
    assert all(not (q.counted or "").startswith(("-", "day")) for q in qs)
    assert all(q.kind != "count" for q in qs)  # "day two" names a day, it counts nothing
    two = _run("Two of the three-day meetings were cancelled.")
    counts = [q for q in two if q.kind == "count"]
    assert counts and counts[0].counted == "meetings"
    assert any(q.text == "300 people" for q in _run("Every day 300 people cross the border."))
