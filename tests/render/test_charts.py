"""Inline SVG charts: well-formed, escaped, bounded labels, values where they belong."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from presslens.render.charts import FAMILY_COLOURS, bar_chart, line_chart, nice_max, stacked_bars

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "</svg><script>alert(1)</script>\"' onload=\"alert(2)\" {{ 7*7 }} & <b>"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything that is not one well-formed element
    assert root.tag == f"{SVG}svg"
    return root


def _texts(root: ET.Element) -> list[str]:
    """What each <text> shows (without its <title> child) and each <title>'s tooltip."""
    out = []
    for el in root.iter():
        if el.tag == f"{SVG}text":
            out.append((el.text or "") + "".join(child.tail or "" for child in el))
        elif el.tag == f"{SVG}title":
            out.append("".join(el.itertext()))
    return out


def _no_markup_escape(root: ET.Element) -> None:
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert tags <= {"svg", "title", "g", "line", "text", "polyline", "circle", "rect"}
    for el in root.iter():
        assert not any(k.startswith("on") or k == "style" for k in el.attrib)


def test_charts_line_chart_draws_each_series_and_escapes_names():
    svg = line_chart(["2026-01", "2026-02", "2026-03"], [(HOSTILE, [1, 5, 2]), ("Town Herald", [0, 2, 4])],
                     title="Articles per month", y_label="articles")
    root = _parse(svg)
    _no_markup_escape(root)
    assert len(root.findall(f".//{SVG}polyline")) == 2
    assert len(root.findall(f".//{SVG}circle")) == 6
    texts = _texts(root)
    assert HOSTILE in texts  # whole name in a tooltip, as text
    assert f"{HOSTILE} · 2026-02: 5" in texts
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_charts_line_chart_one_period_and_no_data():
    root = _parse(line_chart(["2026-01"], [("A", [3])], title="t"))
    assert not root.findall(f".//{SVG}polyline") and len(root.findall(f".//{SVG}circle")) == 1
    empty = _parse(line_chart([], [], title="nothing"))
    assert "No data to chart." in _texts(empty)


def test_charts_stacked_bars_widths_follow_values_and_totals_are_labelled():
    segments = [("Emotional appeal", FAMILY_COLOURS["emotion"]), ("Credibility", FAMILY_COLOURS["credibility"])]
    svg = stacked_bars([("Coast Daily", [("own words", [2.0, 1.0]), ("in quotes", [0.0, 4.0])])], segments,
                       title="per 1,000 words", unit="per 1,000 words")
    root = _parse(svg)
    _no_markup_escape(root)
    rects = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    widths = {"".join(r.find(f"{SVG}title").itertext()): float(r.get("width")) for r in rects}
    own_emotion = widths["Coast Daily · own words · Emotional appeal: 2 per 1,000 words"]
    own_cred = widths["Coast Daily · own words · Credibility: 1 per 1,000 words"]
    quoted_cred = widths["Coast Daily · in quotes · Credibility: 4 per 1,000 words"]
    assert own_emotion == pytest.approx(2 * own_cred) and quoted_cred == pytest.approx(4 * own_cred)
    assert len(rects) == 3  # a zero segment draws nothing
    texts = _texts(root)
    assert {"3", "4", "Emotional appeal", "Credibility", "own words", "in quotes"} <= set(texts)


def test_charts_bar_chart_percent_scale_and_long_labels():
    long = "An outlet with a very long name that goes on and on " * 3
    root = _parse(bar_chart([(long, 0.5), ("B", 1.0), ("C", float("nan")), ("D", -3)], title="share", percent=True))
    full = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert full[1] == pytest.approx(2 * full[0]) and len(full) == 2  # nan and negative draw nothing
    texts = _texts(root)
    assert "50%" in texts and "100%" in texts and "0%" in texts
    drawn = [t for t in texts if t.startswith("An outlet")]
    assert min(len(t) for t in drawn) <= 26 and long in drawn  # cut on the page, whole in the tooltip


@pytest.mark.parametrize(("value", "expected"), [(0, 1), (0.3, 0.5), (1, 1), (7, 10), (11, 20), (240, 250), (1e6 + 1, 2e6)])
def test_charts_nice_max(value, expected):
    assert nice_max(value) == pytest.approx(expected)
