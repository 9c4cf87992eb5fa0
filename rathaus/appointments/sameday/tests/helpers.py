"""A small office with same-day capacity, and requests for it. Monday 7 June 2027: the window
is 07:00–07:45, the kept counter (Schalter 2 of 2) is open 08:00–12:00."""

from __future__ import annotations

from datetime import date, datetime, time

from rathaus.appointments.sameday.constants import Reason
from rathaus.appointments.sameday.services.requests import PersonWish, request_submit
from rathaus.appointments.tests.factories import MONDAY, office
from rathaus.core.timezone import local_datetime


def same_day_office(**kwargs):
    kwargs.setdefault("counters", 2)
    kwargs.setdefault("same_day_percent", 50)
    return office(**kwargs)


def clock(hour: int, minute: int = 0, second: int = 0, day: date = MONDAY) -> datetime:
    return local_datetime(day, time(hour, minute, second))


def wish(given: str, services=("personalausweis",), born=date(1990, 1, 1), family="Schmidt"):
    return PersonWish(given, family, born, tuple((slug, 1) for slug in services))


def ask(
    o,
    given: str,
    *,
    reason=Reason.OTHER,
    now=None,
    services=("personalausweis",),
    email=None,
    extra=(),
):
    return request_submit(
        location=o.location,
        persons=[wish(given, services), *extra],
        email=email or f"{given.lower()}@example.org",
        reason=reason,
        language="de",
        now=now or clock(7, 10),
    )
