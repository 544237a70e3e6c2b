"""Charts as plain inline SVG: pure functions from numbers and labels to one ``<svg>`` element.

Used by the corpus dashboard and the web app. No script and no ``style`` attribute (a strict
Content-Security-Policy blocks both): colours and fonts are SVG presentation attributes. Every
label comes from the data (outlet names, voices) and is hostile: each goes through `escape`
and is cut to a bounded length; the whole label stays readable in the element's ``<title>``
tooltip. Non-finite or negative values are drawn as 0.

The result is `markupsafe.Markup` (a `str`), so a Jinja template inserts it as it is.
"""

from __future__ import annotations

import math
from typing import Sequence

from markupsafe import Markup, escape

# Outlet colours (line chart) and technique family colours (stacked bars), readable on white.
PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d")
FAMILY_COLOURS = {
    "emotion": "#ef4444", "attack": "#a855f7", "simplify": "#f59e0b", "credibility": "#06b6d4",
    "repetition": "#22c55e", "other": "#9ca3af",
}
FONT = 'font-family="system-ui, sans-serif"'
LABEL_MAX = 32  # characters of a label drawn (the full label is in the tooltip)
_MUTED = "#6b7280"
_GRID = "#e5e7eb"


def _e(text: object) -> str:
    """Escaped for text and attribute values alike (& < > " ')."""
    return str(escape(str(text)))


def _cut(text: str, limit: int = LABEL_MAX) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _value(x: object) -> float:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return v if math.isfinite(v) and v > 0 else 0.0


def _fmt(v: float, percent: bool = False) -> str:
    if percent:
        return f"{v:.0%}"
    if v == 0:
        return "0"
    if v >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}".rstrip("0").rstrip(".") if v < 10 else f"{v:.1f}".rstrip("0").rstrip(".")


def nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above ``value`` (1 for nothing)."""
    if value <= 0:
        return 1.0
    base = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * base >= value * (1 - 1e-9):
            return step * base
    return 10 * base


def _open(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" role="img" aria-label="{_e(title)}" {FONT} font-size="12">',
        f"<title>{_e(title)}</title>",
    ]


def _empty(title: str, width: int = 480) -> Markup:
    parts = _open(width, 48, title)
    parts.append(f'<text x="8" y="28" fill="{_MUTED}">No data to chart.</text></svg>')
    return Markup("".join(parts))


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    y_label: str = "",
    width: int = 760,
    height: int = 320,
) -> Markup:
    """One line per series over shared x labels (periods); a legend on the right."""
    n = len(x_labels)
    if n == 0 or not series:
        return _empty(title, width)
    values = [[_value(v) for v in vals] + [0.0] * max(0, n - len(vals)) for _, vals in series]
    top = nice_max(max((max(v[:n]) for v in values), default=0.0))
    left, right, upper, lower = 52, 190, 16, 44
    plot_w, plot_h = width - left - right, height - upper - lower
    parts = _open(width, height, title)

    def x_at(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y_at(v: float) -> float:
        return upper + plot_h * (1 - v / top)

    for k in range(5):
        v = top * k / 4
        y = y_at(v)
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{_GRID}"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{_MUTED}">{_e(_fmt(v))}</text>')
    if y_label:
        parts.append(
            f'<text x="12" y="{upper + plot_h / 2:.1f}" transform="rotate(-90 12 {upper + plot_h / 2:.1f})"'
            f' text-anchor="middle" fill="{_MUTED}">{_e(_cut(y_label, 40))}</text>'
        )
    step = max(1, math.ceil(n / 10))
    for i, label in enumerate(x_labels):
        if i % step == 0:
            parts.append(
                f'<text x="{x_at(i):.1f}" y="{upper + plot_h + 18}" text-anchor="middle" fill="{_MUTED}">'
                f"{_e(_cut(label, 12))}</text>"
            )
    for s, ((name, _), vals) in enumerate(zip(series, values)):
        colour = PALETTE[s % len(PALETTE)]
        points = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in enumerate(vals[:n]))
        parts.append(f'<g class="series"><title>{_e(name)}</title>')
        if n > 1:
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, v in enumerate(vals[:n]):
            parts.append(
                f'<circle cx="{x_at(i):.1f}" cy="{y_at(v):.1f}" r="3" fill="{colour}">'
                f"<title>{_e(name)} · {_e(x_labels[i])}: {_e(_fmt(v))}</title></circle>"
            )
        parts.append("</g>")
        ly = upper + 8 + 18 * s
        if ly < height - 8:
            parts.append(
                f'<g class="legend"><title>{_e(name)}</title>'
                f'<rect x="{width - right + 14}" y="{ly - 9}" width="12" height="12" fill="{colour}"/>'
                f'<text x="{width - right + 32}" y="{ly + 1}">{_e(_cut(name, 24))}</text></g>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bars(
    groups: Sequence[tuple[str, Sequence[tuple[str, Sequence[float]]]]],
    segments: Sequence[tuple[str, str]],
    *,
    title: str,
    unit: str = "",
    percent: bool = False,
    max_value: float | None = None,
    width: int = 760,
) -> Markup:
    """Horizontal bars in labelled groups, each bar a stack of ``segments`` (name, colour).

    ``groups`` is [(group label, [(bar label, one value per segment), ...]), ...]; a group of
    one bar with an empty bar label reads as a plain bar chart. A legend is drawn when there is
    more than one segment; each bar ends with its total.
    """
    bars = [(g, b, [_value(v) for v in vals]) for g, members in groups for b, vals in members]
    if not bars or not segments:
        return _empty(title, width)
    top = max_value if max_value else nice_max(max(sum(v) for _, _, v in bars))
    sub = any(b for _, b, _ in bars)
    # With bar labels, a group's label gets a line of its own above its bars.
    label_w = 170 if sub else 200
    bar_h, gap, group_gap = 16, 4, 8
    legend_h = 24 if len(segments) > 1 else 0
    plot_w = width - label_w - 70
    y = legend_h + 6
    rows: list[str] = []
    previous = None
    for g, b, vals in bars:
        if g != previous:
            if previous is not None:
                y += group_gap
            if sub:
                rows.append(f'<text x="4" y="{y + 12}" font-weight="600"><title>{_e(g)}</title>{_e(_cut(g, 60))}</text>')
                y += bar_h + gap
            else:
                rows.append(f'<text x="4" y="{y + 12}" font-weight="600"><title>{_e(g)}</title>{_e(_cut(g, 26))}</text>')
        if b:
            rows.append(
                f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end" fill="{_MUTED}"><title>{_e(b)}</title>'
                f"{_e(_cut(b, 22))}</text>"
            )
        x = float(label_w)
        for (name, colour), v in zip(segments, vals):
            w = plot_w * min(v, top) / top if top else 0
            if w > 0:
                tip = f"{g}{' · ' + b if b else ''} · {name}: {_fmt(v, percent)}{' ' + unit if unit and not percent else ''}"
                rows.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"><title>{_e(tip)}</title></rect>'
                )
                x += w
        rows.append(f'<text x="{x + 4:.1f}" y="{y + 12}" fill="{_MUTED}">{_e(_fmt(sum(vals), percent))}</text>')
        y += bar_h + gap
        previous = g
    height = y + 8
    parts = _open(width, height, title)
    if legend_h:
        lx = 4
        for name, colour in segments:
            parts.append(
                f'<g class="legend"><rect x="{lx}" y="4" width="12" height="12" fill="{colour}"/>'
                f'<text x="{lx + 16}" y="14">{_e(_cut(name, 28))}</text></g>'
            )
            lx += 24 + 7 * len(_cut(name, 28))
    parts.extend(rows)
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    colour: str = PALETTE[0],
    unit: str = "",
    percent: bool = False,
    width: int = 760,
) -> Markup:
    """One horizontal bar per (label, value); ``percent`` draws shares (0–1) on a 0–100% scale."""
    groups = [(label, [("", [value])]) for label, value in rows]
    return stacked_bars(groups, [(unit or title, colour)], title=title, unit=unit, percent=percent,
                        max_value=1.0 if percent else None, width=width)
