"""Server-rendered SVG charts for the statistics pages: no script, no third-party code.

Every chart has a <title> and a <desc> (referenced by `aria-labelledby`) and `role="img"`;
the pages show the same numbers as tables, so a chart is never the only way to read them.
`ident` prefixes the ids of title and description, so several charts can sit inline on one
page without clashing ids. Colours are dark enough for 3:1 against white (WCAG 1.4.11).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

INK, BAR, BAR_ALT, BAR_THIRD = "#1b1f24", "#0b5394", "#b45f06", "#38761d"
PALETTE = (BAR, BAR_ALT, BAR_THIRD, "#741b47", "#134f5c", "#7f6000")
LIMIT = "#990000"


def _head(
    *, ident: str, title: str, desc: str, width: int, height: int, size: int, title_y: int
) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="sans-serif" font-size="{size}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        f'<text x="0" y="{title_y}" font-weight="bold" fill="{INK}">{escape(title)}</text>',
    ]


def _legend_places(names: Sequence[str], *, left: int, width: int) -> list[tuple[int, int]]:
    """(x, row) of each legend entry: 180 px apart, more for a long name (about 7 px a
    character), wrapping at the chart's width."""
    places, x, row = [], left, 0
    for name in names:
        room = max(180, 16 + 7 * len(name) + 24)
        if x > left and x + room > width:
            x, row = left, row + 1
        places.append((x, row))
        x += room
    return places


def _legend(names: Sequence[str], *, left: int, top: int, width: int) -> list[str]:
    parts = []
    for number, (name, (x, row)) in enumerate(
        zip(names, _legend_places(names, left=left, width=width), strict=True)
    ):
        y = top + row * 18
        parts += [
            f'<rect x="{x}" y="{y}" width="12" height="12" '
            f'fill="{PALETTE[number % len(PALETTE)]}"/>',
            f'<text x="{x + 16}" y="{y + 11}" fill="{INK}">{escape(name)}</text>',
        ]
    return parts


def _legend_rows(names: Sequence[str], *, left: int, width: int) -> int:
    return 1 + max((row for _x, row in _legend_places(names, left=left, width=width)), default=0)


def _ticks(peak: float) -> list[float]:
    """Round steps from 0 to at least `peak`, at most six of them."""
    if peak <= 0:
        return [0.0, 1.0]
    magnitude = 10 ** math.floor(math.log10(peak))
    step = next(
        (
            factor * magnitude
            for factor in (0.2, 0.5, 1, 2, 5, 10)
            if peak / (factor * magnitude) <= 5
        ),
        10 * magnitude,
    )
    count = math.ceil(peak / step - 1e-9)
    return [round(step * n, 10) for n in range(count + 1)]


def _number(value: float, decimal_mark: str) -> str:
    text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return text.replace(".", decimal_mark)


def bars_svg(
    *,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, float, str, bool]],
    width: int = 720,
    ident: str = "chart",
) -> str:
    """Horizontal bars: (label, value, text after the bar, alternative colour)."""
    peak = max((value for _, value, _, _ in rows), default=0) or 1
    bar_x, bar_width, row_height = 200, 380, 24
    height = 44 + row_height * len(rows)
    parts = _head(
        ident=ident, title=title, desc=desc, width=width, height=height, size=13, title_y=18
    )
    for index, (label, value, text, alternative) in enumerate(rows):
        y = 32 + index * row_height
        length = round(bar_width * value / peak)
        colour = BAR_ALT if alternative else BAR
        parts += [
            f'<text x="0" y="{y + 15}" fill="{INK}">{escape(label[:28])}</text>',
            f'<rect x="{bar_x}" y="{y + 3}" width="{length}" height="16" fill="{colour}"/>',
            f'<text x="{bar_x + length + 6}" y="{y + 15}" fill="{INK}">{escape(text)}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def grouped_svg(
    *,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    width: int = 720,
    ident: str = "chart",
) -> str:
    """Vertical bars, one group per category, one bar per series, with a legend."""
    peak = max((value for _, values in series for value in values), default=0) or 1
    left, plot_height = 10, 200
    names = [name for name, _values in series]
    top = 50 + 18 * (_legend_rows(names, left=left, width=width) - 1)
    group = (width - left) / max(len(categories), 1)
    bar = max(2.0, (group - 8) / max(len(series), 1))
    height = top + plot_height + 30
    parts = _head(
        ident=ident, title=title, desc=desc, width=width, height=height, size=12, title_y=16
    )
    parts += _legend(names, left=left, top=26, width=width)
    base = top + plot_height
    for index, category in enumerate(categories):
        x0 = left + index * group
        for number, (_name, values) in enumerate(series):
            value = values[index] if index < len(values) else 0
            bar_height = round(plot_height * value / peak)
            parts.append(
                f'<rect x="{x0 + 4 + number * bar:.1f}" y="{base - bar_height}" '
                f'width="{bar - 1:.1f}" height="{bar_height}" '
                f'fill="{PALETTE[number % len(PALETTE)]}"/>'
            )
        parts.append(
            f'<text x="{x0 + group / 2:.1f}" y="{base + 16}" text-anchor="middle" '
            f'fill="{INK}">{escape(category)}</text>'
        )
    parts.append(f'<line x1="{left}" x2="{width}" y1="{base}" y2="{base}" stroke="{INK}"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def lines_svg(
    *,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    limit: tuple[float, str] | None = None,
    width: int = 720,
    ident: str = "chart",
    decimal_mark: str = ".",
) -> str:
    """One line per series over the categories (a gap where a value is None), with a legend,
    a value axis in round steps and an optional dashed limit line (value, label). Every
    category label is drawn when there is room, otherwise every n-th."""
    values = [value for _, row in series for value in row if value is not None]
    ticks = _ticks(max([*values, limit[0] if limit else 0], default=0))
    peak = ticks[-1]
    left, right, plot_height = 44, 10, 200
    names = [name for name, _row in series]
    top = 50 + 18 * (_legend_rows(names, left=left, width=width) - 1)
    base = top + plot_height
    height = base + 30
    step = (width - left - right) / max(len(categories), 1)
    parts = _head(
        ident=ident, title=title, desc=desc, width=width, height=height, size=12, title_y=16
    )
    parts += _legend(names, left=left, top=26, width=width)

    def y_of(value: float) -> float:
        return base - plot_height * value / peak

    for tick in ticks:
        y = y_of(tick)
        parts += [
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d4d9"/>',
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="{INK}">{_number(tick, decimal_mark)}</text>',
        ]
    if limit is not None:
        y = y_of(limit[0])
        parts += [
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{LIMIT}" stroke-width="2" stroke-dasharray="6 4"/>',
            f'<text x="{left + 4}" y="{y - 5:.1f}" font-weight="bold" '
            f'fill="{LIMIT}">{escape(limit[1])}</text>',
        ]
    every = max(1, -(-len(categories) * 42 // (width - left - right)))
    for index, category in enumerate(categories):
        if index % every == 0:
            parts.append(
                f'<text x="{left + (index + 0.5) * step:.1f}" y="{base + 16}" '
                f'text-anchor="middle" fill="{INK}">{escape(category)}</text>'
            )
    for number, (_name, row) in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        points: list[str] = []
        segments: list[list[str]] = [points]
        for index, value in enumerate(row):
            if value is None:
                points = []
                segments.append(points)
                continue
            points.append(f"{left + (index + 0.5) * step:.1f},{y_of(value):.1f}")
        for segment in segments:
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" '
                    f'stroke="{colour}" stroke-width="2"/>'
                )
            for point in segment:
                x, y_text = point.split(",")
                parts.append(f'<circle cx="{x}" cy="{y_text}" r="2.5" fill="{colour}"/>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{base}" y2="{base}" stroke="{INK}"/>')
    parts.append("</svg>")
    return "\n".join(parts)
