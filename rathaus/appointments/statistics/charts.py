"""The CSV rows of the statistics. The SVG charts are drawn by `rathaus.core.charts` (shared
with the other offices' statistics): every chart has a <title> and a <desc>; the page shows
the same numbers as tables, so the chart is never the only way to read them."""

from __future__ import annotations

from collections.abc import Iterator

from .figures import Share, Statistics


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
