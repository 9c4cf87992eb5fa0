"""The counter domain's one service: book a visit at any counter that offers every chosen
service, for the sum of their durations, at most N open visits per person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rathaus.scheduling.engine import Slot
from rathaus.scheduling.exceptions import IdentityLimitReached
from rathaus.scheduling.models import Booking
from rathaus.scheduling.selectors import free_by_duration_between
from rathaus.scheduling.services import IdentityLimit, booking_door

KIND_COUNTER = "counter"
PURPOSE = "counter-visit"
MINUTES = {"id_card": 15, "passport": 10, "registration": 5, "driving_licence": 20}


class LimitReached(Exception):
    pass


@dataclass(frozen=True)
class Counter:
    resource_id: int
    services: frozenset[str]


def visit_minutes(services: Sequence[str]) -> int:
    return sum(MINUTES[service] for service in services)


def counters_for(counters: Sequence[Counter], services: Sequence[str]) -> list[int]:
    return [c.resource_id for c in counters if set(services) <= c.services]


def visit_times_free(
    *, counters: Sequence[Counter], services: Sequence[str], first: date, last: date, now: datetime
) -> list[Slot]:
    return free_by_duration_between(
        resource_ids=counters_for(counters, services),
        first=first,
        last=last,
        minutes=visit_minutes(services),
        step_minutes=5,
        now=now,
    )


def visit_book(
    *,
    counters: Sequence[Counter],
    services: Sequence[str],
    start: datetime,
    email: str,
    now: datetime,
    limit: int = 1,
) -> tuple[int, Booking]:
    """The least busy free counter for the visit; the person's key is the lower-cased address."""
    candidates = counters_for(counters, services)
    end = start + timedelta(minutes=visit_minutes(services))
    try:
        with booking_door(
            resource_ids=candidates,
            now=now,
            identity=IdentityLimit(keys=[f"counter-email:{email.lower()}"], limit=limit),
        ) as door:
            return door.book_from_pool(
                candidates,
                start,
                end,
                purpose=PURPOSE,
                strategy="least_busy",
                status="confirmed",
            )
    except IdentityLimitReached as error:
        raise LimitReached from error
