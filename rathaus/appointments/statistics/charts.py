"""Server-rendered SVG bar charts (as the registry office's statistics: no script, no
third-party code) and the CSV rows. Every chart has a <title> and a <desc>; the page shows
the same numbers as tables, so the chart is never the only way to read them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape

from .figures import Share, Statistics

INK, BAR, BAR_ALT, BAR_THIRD = "#1b1f24", "#0b5394", "#b45f06", "#38761d"


def bars_svg(
    *, title: str, desc: str, rows: Sequence[tuple[str, float, str, bool]], width: int = 720
) -> str:
    """Horizontal bars: (label, value, text after the bar, alternative colour)."""
    peak = max((value for _, value, _, _ in rows), default=0) or 1
    bar_x, bar_width, row_height = 200, 380, 24
    height = 44 + row_height * len(rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title chart-desc" '
        'font-family="sans-serif" font-size="13">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
        f'<text x="0" y="18" font-weight="bold" fill="{INK}">{escape(title)}</text>',
    ]
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
) -> str:
    """Vertical bars, one group per category, one bar per series, with a legend."""
    colours = (BAR, BAR_ALT, BAR_THIRD)
    peak = max((value for _, values in series for value in values), default=0) or 1
    left, top, plot_height = 10, 50, 200
    group = (width - left) / max(len(categories), 1)
    bar = max(2.0, (group - 8) / max(len(series), 1))
    height = top + plot_height + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title chart-desc" '
        'font-family="sans-serif" font-size="12">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
        f'<text x="0" y="16" font-weight="bold" fill="{INK}">{escape(title)}</text>',
    ]
    for number, (name, _values) in enumerate(series):
        x = left + number * 180
        parts += [
            f'<rect x="{x}" y="26" width="12" height="12" fill="{colours[number % 3]}"/>',
            f'<text x="{x + 16}" y="37" fill="{INK}">{escape(name)}</text>',
        ]
    base = top + plot_height
    for index, category in enumerate(categories):
        x0 = left + index * group
        for number, (_name, values) in enumerate(series):
            value = values[index] if index < len(values) else 0
            bar_height = round(plot_height * value / peak)
            parts.append(
                f'<rect x="{x0 + 4 + number * bar:.1f}" y="{base - bar_height}" '
                f'width="{bar - 1:.1f}" height="{bar_height}" fill="{colours[number % 3]}"/>'
            )
        parts.append(
            f'<text x="{x0 + group / 2:.1f}" y="{base + 16}" text-anchor="middle" '
            f'fill="{INK}">{escape(category)}</text>'
        )
    parts.append(f'<line x1="{left}" x2="{width}" y1="{base}" y2="{base}" stroke="{INK}"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def _percent(share: Share) -> str:
    value = share.percent
    return "" if value is None else f"{value:.1f}"


def statistics_csv_rows(
    stats: Statistics, *, location: str, service_slugs: dict[int, str]
) -> Iterator[list[object]]:
    """One tidy table: section, location, period, category, count, base, percent, minutes."""
    period = f"{stats.first.isoformat()}/{stats.last.isoformat()}"
    yield ["section", "location", "period", "category", "count", "base", "percent"]
    yield ["appointments", location, period, "all", stats.appointments, "", ""]
    yield ["appointments", location, period, "held_a_counter", stats.held, "", ""]
    yield ["appointments", location, period, "cancelled", stats.cancelled, "", ""]
    for channel, count in sorted(stats.channels.items()):
        yield ["channel", location, period, channel, count, stats.held, ""]
    lead = stats.lead
    for bucket, count in lead.buckets():
        yield ["lead_time_days", location, period, bucket.key, count, lead.total, ""]
    within = lead.within_target
    yield ["lead_time_within_target", location, period, "<=14", within.count, within.base,
           _percent(within)]  # fmt: skip
    yield ["lead_time_median_days", location, period, "median", lead.median, "", ""]
    yield ["lead_time_p90_days", location, period, "p90", lead.p90, "", ""]
    for month, figures in sorted(stats.lead_by_month.items()):
        share = figures.within_target
        yield ["lead_time_within_target", location, month.strftime("%Y-%m"), "<=14",
               share.count, share.base, _percent(share)]  # fmt: skip
    share = stats.no_show
    yield ["no_show", location, period, "all", share.count, share.base, _percent(share)]
    for weekday, share in stats.no_show_weekdays():
        yield ["no_show_by_weekday", location, period, str(weekday + 1), share.count,
               share.base, _percent(share)]  # fmt: skip
    for bucket, share in stats.no_show_leads():
        yield ["no_show_by_lead_days", location, period, bucket.key, share.count, share.base,
               _percent(share)]  # fmt: skip
    for service_id, share in stats.no_show_services():
        yield ["no_show_by_service", location, period, service_slugs.get(service_id, service_id),
               share.count, share.base, _percent(share)]  # fmt: skip
    for month, cell in stats.capacity_by_month():
        key = month.strftime("%Y-%m")
        yield ["capacity_planned_minutes", location, key, "planned", cell.planned, "", ""]
        yield ["capacity_booked_minutes", location, key, "booked", cell.booked, cell.planned,
               _percent(cell.booked_share)]  # fmt: skip
        yield ["capacity_used_minutes", location, key, "used", cell.used, cell.planned,
               _percent(cell.used_share)]  # fmt: skip
    for month, day in stats.same_day_by_month():
        key = month.strftime("%Y-%m")
        yield ["same_day_supply_minutes", location, key, "supply", day.supply_minutes, "", ""]
        yield ["same_day_served", location, key, "served", day.served, "", ""]
        yield ["same_day_demand", location, key, "requests",
               "" if day.demand is None else day.demand, "", ""]  # fmt: skip
