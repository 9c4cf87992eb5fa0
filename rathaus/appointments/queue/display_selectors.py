"""Reads of the call display beyond `selectors.queue_state`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rathaus.appointments.models import Location
from rathaus.core.timezone import BERLIN

from .models import Call


def call_of_key(
    location: Location, now: datetime, key: Callable[[str, str], str], wanted: str, *, last: int
) -> tuple[str, str] | None:
    """(number, counter) of the latest of the location's `last` calls of today whose
    `key(number, counter)` is `wanted`."""
    calls = (
        Call.objects.filter(location=location, ticket__day=now.astimezone(BERLIN).date())
        .select_related("ticket", "counter")
        .order_by("-pk")[:last]
    )
    for call in calls:
        if key(call.ticket.number, call.counter.name) == wanted:
            return call.ticket.number, call.counter.name
    return None
