"""Counted figures: one interval and conflict rule for the checks stage and for stories."""

from __future__ import annotations

import math

from presslens.figures import Interval, conflict, counted_groups, interval
from presslens.model import Quantity


def _q(text, value=None, low=None, high=None, approximate=False):
    return Quantity(text=text, span=(0, len(text)), value=value, low=low, high=high, approximate=approximate)


def test_figures_interval_of_exact_approximate_vague_and_bounded_figures():
    assert interval(_q("40,000 people", value=40000)) == Interval(40000, 40000, 40000, False)
    assert interval(_q("about 300", value=300, approximate=True)) == Interval(200, 450, 300, False)
    assert interval(_q("thousands", value=2000, low=2000, approximate=True)) == Interval(2000, 50000, 2000, False)
    assert interval(_q("more than 500", value=500, low=500)) == Interval(500, math.inf, 500, True)
    assert interval(_q("none", value=0)) is None


def test_figures_conflict_ten_times_apart_or_a_missed_bound():
    million = Interval(1e6, 1e6, 1e6, False)
    thousands = Interval(2000, 50000, 2000, False)
    assert conflict(million, thousands) == conflict(thousands, million) == "warning"
    assert conflict(Interval(500, 500, 500, False), Interval(800, 800, 800, False)) is None
    assert conflict(Interval(0, 100, 100, True), Interval(200, 200, 200, False)) == "info"
    assert conflict(Interval(100, 300, 170, True), Interval(200, 200, 200, False)) is None  # overlapping


def test_figures_counted_groups_read_the_word_list():
    groups = counted_groups()
    assert set(groups.noun.values()) == {"crowd", "dead", "troops"}
    assert set(groups.event.values()) == {"crowd"}
    assert all(gs <= {"crowd", "dead", "troops"} for gs in groups.generic.values())
