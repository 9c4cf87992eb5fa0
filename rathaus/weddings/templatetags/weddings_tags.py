"""Small presentation helpers for the Traukalender templates."""

from __future__ import annotations

from datetime import date, timedelta
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
