"""Reads of the same-day draw: the draw of a location and day, its state, the published
document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, QuerySet

from rathaus.accounts import roles
from rathaus.appointments.models import Location
from rathaus.appointments.selectors import (
    Catalogue,
    catalogue_derived,
    counters_kept_for_same_day,
    locations_in_order,
)
from rathaus.core.timezone import BERLIN

from .constants import FORMAT, URGENT_REASONS, RequestStatus
from .models import SameDayDraw, SameDayRequest


def access_same_day_staff(user: Any) -> bool:
    """The same-day staff pages: the citizen-office administration (and superusers)."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return bool(user.groups.filter(name=roles.CITIZEN_OFFICE_ADMIN).exists())


def request_by_reference(reference: str) -> SameDayRequest | None:
    return (
        SameDayRequest.objects.select_related("draw__location").filter(reference=reference).first()
    )


def draws_of_day(day: date) -> list[SameDayDraw]:
    return list(SameDayDraw.objects.filter(day=day).select_related("location"))


def locations_with_same_day() -> list[Location]:
    return list(_same_day_locations().values())


def same_day_location(slug: str) -> Location | None:
    """The location `slug` if it keeps time for the same day (one dictionary read: the request
    form is hammered at the window's opening)."""
    return _same_day_locations().get(slug)


def _same_day_locations() -> dict[str, Location]:
    return catalogue_derived("same_day.locations", _same_day_locations_compute)


def _same_day_locations_compute(data: Catalogue) -> dict[str, Location]:
    return {
        location.slug: location
        for location in locations_in_order(data)
        if location.same_day_percent and counters_kept_for_same_day(location)
    }


def services_requestable(location: Location) -> frozenset[str]:
    """The slugs of the services a same-day request at `location` may name."""
    requestable = catalogue_derived("same_day.services", _services_requestable_compute)
    return requestable.get(location.pk, frozenset())


def _services_requestable_compute(data: Catalogue) -> dict[int, frozenset[str]]:
    offered: dict[int, set[str]] = {}
    for service in data.services.values():
        if service.online and not service.information_only:
            for location_id in data.offered_at.get(service.pk, ()):
                offered.setdefault(location_id, set()).add(service.slug)
    return {location_id: frozenset(slugs) for location_id, slugs in offered.items()}


def draw_of(location: Location, day: date) -> SameDayDraw | None:
    return SameDayDraw.objects.filter(location=location, day=day).first()


def draws_due(now: datetime) -> QuerySet[SameDayDraw]:
    return SameDayDraw.objects.filter(
        closes_at__lte=now, drawn_at__isnull=True, offered=True
    ).select_related("location")


def draws_unnotified(now: datetime) -> QuerySet[SameDayDraw]:
    """Drawn draws with requests whose outcome has not been mailed yet (a run that died)."""
    return (
        SameDayDraw.objects.filter(drawn_at__isnull=False, drawn_at__lte=now)
        .filter(requests__notified_at__isnull=True)
        .distinct()
    )


@dataclass(frozen=True)
class DrawState:
    """What the public page says about a draw at `now`."""

    phase: str  # "closed" (no capacity), "before", "open", "drawing", "drawn"
    draw: SameDayDraw | None


def draw_state(draw: SameDayDraw | None, now: datetime) -> DrawState:
    if draw is None or not draw.offered:
        return DrawState("closed", draw)
    if draw.drawn_at:
        return DrawState("drawn", draw)
    if now < draw.opens_at:
        return DrawState("before", draw)
    if now < draw.closes_at:
        return DrawState("open", draw)
    return DrawState("drawing", draw)


def request_counts(draw: SameDayDraw) -> dict[str, int]:
    counts = dict(
        draw.requests.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in RequestStatus.values}


def _moment(value: datetime | None) -> str | None:
    return value.astimezone(BERLIN).isoformat() if value else None


def draw_document(draw: SameDayDraw) -> dict[str, Any]:
    """The public result document: everything needed to recompute the draw, and nothing about
    the citizens but their pseudonymous references."""
    first = draw.requests.order_by("created_at").values_list("created_at", flat=True).first()
    document: dict[str, Any] = {
        "format": FORMAT,
        "location": draw.location.slug,
        "day": draw.day.isoformat(),
        "requests_open_at": _moment(draw.opens_at),
        "requests_close_at": _moment(draw.closes_at),
        "seed_commitment": draw.seed_commitment,
        "seed_commitment_shown_at": _moment(draw.commitment_shown_at),
        "first_request_at": _moment(first),
        "seed": draw.seed_public,
        "drawn_at": _moment(draw.drawn_at),
        "urgent_reasons": sorted(URGENT_REASONS),
        "urgent_percent": draw.urgent_percent,
        "step_minutes": 5,
        "not_before": None,
        "urgent_quota_minutes": None,
        "counters": [],
        "requests": [],
        "duplicates_excluded": 0,
        "refused": [],
        "order": [],
        "allocation": {},
    }
    if draw.drawn_at and draw.capacity is not None and draw.result is not None:
        document.update(draw.capacity)
        document.update(draw.result)
    return document


def winners_of(draw: SameDayDraw) -> QuerySet[SameDayRequest]:
    """The requests that won, with their appointment (time, reference, declared reason)."""
    return (
        draw.requests.filter(status=RequestStatus.WON)
        .select_related("win__appointment")
        .order_by("win__appointment__start", "reference")
    )
