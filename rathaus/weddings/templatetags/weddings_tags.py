"""Small presentation helpers for the Traukalender templates."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from django import template
from django.http import QueryDict
from django.utils.formats import date_format, number_format

register = template.Library()


@register.filter
def euro(value: Decimal | None) -> str:
    """160 -> '160,00 €' (German) or '160.00 €' (English); a no-break space before the sign."""
    if value is None or value == "":
        return ""
    return f"{number_format(value, 2)}\u00a0€"


@register.simple_tag
def query_string(params: QueryDict | None = None, **overrides) -> str:
    """The current filters with some parameters replaced; empty values are dropped."""
    query = params.copy() if isinstance(params, QueryDict) else QueryDict(mutable=True)
    for name, value in overrides.items():
        query.pop(name, None)
        if value not in (None, ""):
            query[name] = str(value)
    for name in [name for name, values in query.lists() if not any(values)]:
        del query[name]
    return f"?{query.urlencode()}" if query else "?"


@register.simple_tag
def month_value(day) -> str:
    return f"{day.year:04d}-{day.month:02d}" if day else ""


@register.simple_tag
def weekday_headers() -> list[tuple[str, str]]:
    """(short, long) weekday names, Monday first, in the active language."""
    monday = date(2024, 1, 1)
    days = [monday + timedelta(days=offset) for offset in range(7)]
    return [(date_format(day, "D"), date_format(day, "l")) for day in days]


@register.simple_tag
def time_span(start, end) -> str:
    """A closure or absence as staff read it: whole days as "Di 15.12.2026 – Sa 19.12.2026"
    (the stored end is the next midnight), anything else with times."""
    from rathaus.core.timezone import to_local

    start, end = to_local(start), to_local(end)
    if start.time() == end.time() == time.min and end > start:
        last_day = end - timedelta(days=1)
        if last_day.date() == start.date():
            return date_format(start, "D d.m.Y")
        return f"{date_format(start, 'D d.m.Y')} – {date_format(last_day, 'D d.m.Y')}"
    return f"{date_format(start, 'D d.m.Y H:i')} – {date_format(end, 'D d.m.Y H:i')}"
