"""A simulated year of the Bürgerbüro, for the statistics and their benchmark
(`manage.py appointments_simulate --year 2027 --count 45000 --seed 1`).

Fast: rows are written with bulk inserts (scheduling Booking and Allocation, Appointment,
Person, Request), not through the booking door. They still never overlap on a counter, by
construction:

1. Each regular counter's free time in the year is read from the scheduling core (weekly
   hours and extra openings, after holidays, closures and every booking already there).
2. Each free interval is filled from its start with appointments one after another on the
   5-minute grid, an idle gap drawn before each; an appointment is placed only when it ends
   inside the interval. So appointments of one counter follow each other, never overlap, and
   never touch existing bookings.
3. If more were placed than wanted, a random sample of the wanted size is kept (dropping an
   appointment only leaves a gap).

Cancelled appointments are the only ones that share a time: a cancelled appointment is the
earlier booking of a time that was then booked again (its allocation is inactive, as after a
real cancellation). The test `test_simulation.py` checks that no two appointments that hold a
counter overlap on it. Shape: both locations, the service mix below, families of up to four,
channels (online, phone, walk-in, same-day on the counters kept for it), lead times with a mean
of about ten days within the booking horizon, 8 % cancellations, no-shows between 10 and 20 %
rising with the lead time and on Mondays, Fridays and Saturdays; appointments after `now`
are confirmed, earlier ones done or no-show.

The appointments' references start with `SIM-<year>-`; `replace=True` deletes those of the
year first.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling import engine
from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.models import Allocation, Booking
from rathaus.scheduling.selectors import calendars_between

from ..constants import (
    MAX_PERSONS,
    PURPOSE,
    RECONFIRM_AFTER_DAYS,
    RECONFIRM_DAYS_BEFORE,
    STEP_MINUTES,
)
from ..models import Appointment, Fee, Location, Person, Request, Service
from ..selectors import CounterInfo, catalogue, counters_kept_for_same_day, fee_for
from .selectors import statistics_locations

PREFIX = "SIM"
CANCEL_RATE = 0.08
# How often each service is the reason for a visit (assumed from the reference's §1.2 mix);
# a service not named here has weight 1.
SERVICE_WEIGHTS = {
    "personalausweis": 28,
    "reisepass": 14,
    "ummeldung": 12,
    "abholung": 12,
    "anmeldung": 10,
    "meldebescheinigung": 5,
    "fuehrungszeugnis": 5,
    "abmeldung": 3,
    "beglaubigung": 3,
    "pin-neu-setzen": 2,
    "verlustanzeige": 2,
    "anmeldung-aus-dem-ausland": 2,
    "passfoto": 0,
}
FAMILY_SIZES = ((1, 85), (2, 8), (3, 5), (4, 2))
SECOND_SERVICE = 0.15  # a person's second service (an ID card and a passport)
# No-show probability: base + per day of lead time + by weekday.
NO_SHOW_BASE = 0.10
NO_SHOW_PER_LEAD_DAY = 0.0035
NO_SHOW_WEEKDAY = {0: 0.03, 1: 0.0, 2: -0.01, 3: 0.01, 4: 0.04, 5: 0.05, 6: 0.0}
NO_SHOW_SAME_DAY = 0.03
LEAD_MEAN_DAYS = 10.0
GIVEN = ("Anna", "Ben", "Clara", "David", "Elif", "Finn", "Greta", "Hakan", "Ida", "Jonas")
FAMILY = ("Schmidt", "Yilmaz", "Kowalski", "Müller", "Becker", "Nowak", "Wagner", "Hoffmann")


@dataclass(frozen=True)
class SimulationResult:
    appointments: int
    cancelled: int
    no_shows: int
    persons: int
    requests: int
    free_minutes: int


@dataclass
class _Placed:
    location: Location
    counter: CounterInfo
    start: int  # epoch
    end: int
    persons: list[list[tuple[Service, int]]]
    kept: bool


def _weighted(rng: random.Random, services: Sequence[Service]) -> Service:
    weights = [SERVICE_WEIGHTS.get(service.slug, 1) for service in services]
    if not any(weights):
        weights = [1] * len(services)
    return rng.choices(services, weights=weights)[0]


def _persons(rng: random.Random, able: Sequence[Service]) -> list[list[tuple[Service, int]]]:
    first = _weighted(rng, able)
    group = [s for s in able if s.combination_group == first.combination_group]
    size = rng.choices([s for s, _ in FAMILY_SIZES], weights=[w for _, w in FAMILY_SIZES])[0]
    if first.combination_group != "identity" or first.slug not in ("personalausweis", "reisepass"):
        size = 1  # families come for identity documents
    persons = []
    for index in range(size):
        primary = first if index == 0 else _weighted(rng, [s for s in group if s.slug in (
            "personalausweis", "reisepass")] or group)  # fmt: skip
        # One of each service per person; only a service done per document (a certification,
        # allowed more often than there can be persons) comes several times.
        copies = rng.randint(1, 3) if primary.max_count > MAX_PERSONS else 1
        chosen = [(primary, copies)]
        others = [s for s in group if s.pk != primary.pk]
        if others and rng.random() < SECOND_SERVICE:
            chosen.append((_weighted(rng, others), 1))
        persons.append(chosen)
    return persons


def _minutes(persons: list[list[tuple[Service, int]]]) -> int:
    return sum(service.minutes * count for person in persons for service, count in person)


def _free_intervals(
    counters: list[tuple[Location, CounterInfo, bool]], first: date, last: date, now: datetime
) -> dict[int, list[tuple[int, int]]]:
    calendars = calendars_between(
        [info.resource_id for _location, info, _kept in counters], first, last, now=now
    )
    return {
        calendar.resource_id: engine.free_intervals(calendar, first, last) for calendar in calendars
    }


def _place(
    rng: random.Random,
    counters: list[tuple[Location, CounterInfo, bool]],
    free: dict[int, list[tuple[int, int]]],
    services: dict[int, Service],
    utilisation: float,
) -> list[_Placed]:
    step = STEP_MINUTES * 60
    placed: list[_Placed] = []
    for location, info, kept in counters:
        able = [services[pk] for pk in sorted(info.services) if pk in services]
        if not able:
            continue
        for low, high in free.get(info.resource_id, []):
            cursor = -(-low // step) * step
            while True:
                persons = _persons(rng, able)
                length = _minutes(persons) * 60
                mean_gap = length * (1 - utilisation) / utilisation
                gap = int(rng.expovariate(1 / mean_gap) // step) * step if mean_gap > 0 else 0
                start = cursor + gap
                if start + length > high:
                    break
                placed.append(_Placed(location, info, start, start + length, persons, kept))
                cursor = start + length
    return placed


def _booked_at(rng: random.Random, start: datetime, lead: int) -> datetime:
    day = start.astimezone(BERLIN).date() - timedelta(days=lead)
    moment = local_datetime(day, time(7)) + timedelta(minutes=rng.randrange(0, 15 * 60))
    if moment >= start:
        moment = start - timedelta(minutes=rng.randrange(5, 60))
    return moment


def _channel_and_lead(
    rng: random.Random, placed: _Placed, horizon: int
) -> tuple[str, int, datetime | None]:
    """(channel, lead days, booking moment when fixed by the channel)."""
    start = engine.from_epoch(placed.start)
    if placed.kept:
        window_end = local_datetime(start.date(), placed.location.same_day_closes)
        return "same_day", 0, min(window_end, start - timedelta(minutes=5))
    roll = rng.random()
    if roll < 0.04:
        return "walk_in", 0, start - timedelta(minutes=rng.randrange(5, 90))
    lead = min(horizon, int(rng.expovariate(1 / LEAD_MEAN_DAYS)))
    return ("phone" if roll < 0.19 else "online"), lead, None


def _no_show(rng: random.Random, channel: str, lead: int, weekday: int) -> bool:
    if channel == "walk_in":
        return False
    if channel == "same_day":
        return rng.random() < NO_SHOW_SAME_DAY
    chance = NO_SHOW_BASE + NO_SHOW_PER_LEAD_DAY * lead + NO_SHOW_WEEKDAY[weekday]
    return rng.random() < chance


@transaction.atomic
def appointments_simulate(
    *, year: int, count: int, seed: int, now: datetime, replace: bool = False
) -> SimulationResult:
    """Write about `count` appointments (exactly, when the counters have room) in `year`."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible simulation, no secret
    prefix = f"{PREFIX}-{year}-"
    if replace:
        doomed = Appointment.objects.filter(reference__startswith=prefix)
        booking_ids = list(doomed.values_list("booking_id", flat=True))
        doomed.delete()
        Booking.objects.filter(id__in=[pk for pk in booking_ids if pk]).delete()
    elif Appointment.objects.filter(reference__startswith=prefix).exists():
        raise ValueError(f"{year} has simulated appointments already (use replace)")
    first, last = date(year, 1, 1), date(year, 12, 31)
    data = catalogue()
    services = {service.pk: service for service in data.services.values()}
    bookable = {pk: service for pk, service in services.items() if not service.information_only}
    counters: list[tuple[Location, CounterInfo, bool]] = []
    for location in statistics_locations():
        kept = counters_kept_for_same_day(location)
        counters += [
            (location, info, info.id in kept)
            for info in data.counters.get(location.pk, [])
            if not info.emergency_only
        ]
    free = _free_intervals(counters, first, last, now)
    free_minutes = sum((end - start) // 60 for spans in free.values() for start, end in spans)
    wanted_held = count - round(count * CANCEL_RATE)
    sample = [_minutes(_persons(rng, list(bookable.values()))) for _ in range(2000)]
    mean = sum(sample) / len(sample) if sample else 15
    utilisation = min(0.97, max(0.05, 1.08 * wanted_held * mean / max(free_minutes, 1)))
    placed = _place(rng, counters, free, bookable, utilisation)
    if len(placed) > wanted_held:
        placed = rng.sample(placed, wanted_held)
    placed.sort(key=lambda p: (p.start, p.counter.id))
    cancelled_count = min(
        count - len(placed), math.ceil(len(placed) * CANCEL_RATE / (1 - CANCEL_RATE))
    )
    result = _write(rng, placed, cancelled_count, prefix, now)
    return SimulationResult(free_minutes=free_minutes, **result)


def _write(
    rng: random.Random, placed: list[_Placed], cancelled: int, prefix: str, now: datetime
) -> dict[str, int]:
    shadows = set(rng.sample(range(len(placed)), cancelled)) if cancelled else set()
    bookings: list[Booking] = []
    allocations: list[tuple[int, int]] = []  # (booking index, resource id)
    appointments: list[Appointment] = []
    people: list[tuple[int, list[tuple[Service, int]], int]] = []  # (appointment index, …)
    fees: dict[tuple[int, int | None, date | None], Decimal] = {}
    fee_dates: dict[int, list[date]] = {}
    for service_id, valid_from in Fee.objects.order_by("valid_from").values_list(
        "service_id", "valid_from"
    ):
        fee_dates.setdefault(service_id, []).append(valid_from)
    no_shows = 0
    number = 0

    def add(item: _Placed, status: str, channel: str, booked: datetime, **extra: object) -> None:
        nonlocal number
        number += 1
        start, end = engine.from_epoch(item.start), engine.from_epoch(item.end)
        booking_status = {
            "done": BookingStatus.DONE,
            "no_show": BookingStatus.NO_SHOW,
            "cancelled": BookingStatus.CANCELLED,
        }.get(status, BookingStatus.CONFIRMED)
        bookings.append(Booking(purpose=PURPOSE, status=booking_status, start=start, end=end))
        allocations.append((len(bookings) - 1, item.counter.resource_id))
        appointments.append(
            Appointment(
                reference=f"{prefix}{number:06d}",
                location=item.location,
                status=status,
                channel=channel,
                start=start,
                end=end,
                email=f"sim{number}@example.org" if channel != "phone" else "",
                phone="02041 555 0100" if channel == "phone" else "",
                token_nonce=f"{rng.getrandbits(64):016x}",
                booked_at=booked,
                confirmed_at=booked + timedelta(minutes=rng.randrange(1, 90)),
                **extra,  # type: ignore[arg-type]
            )
        )
        for person in item.persons:
            people.append((len(appointments) - 1, person, item.counter.id))

    for index, item in enumerate(placed):
        start = engine.from_epoch(item.start)
        channel, lead, fixed = _channel_and_lead(rng, item, item.location.horizon_days)
        booked = fixed or _booked_at(rng, start, lead)
        lead = (start.date() - booked.astimezone(BERLIN).date()).days
        if index in shadows:  # this time was booked before, and that booking cancelled
            first_lead = min(item.location.horizon_days, lead + 1 + rng.randrange(0, 14))
            first_booked = _booked_at(rng, start, first_lead)
            if first_booked >= booked:
                first_booked = booked - timedelta(hours=rng.randint(1, 48))
            cancelled_at = first_booked + (booked - first_booked) * rng.random()
            add(item, "cancelled", "online", first_booked, cancelled_at=cancelled_at,
                cancelled_reason="simuliert")  # fmt: skip
        extra: dict[str, object] = {}
        if lead > RECONFIRM_AFTER_DAYS and channel == "online":
            extra["reconfirm_by"] = start - timedelta(days=RECONFIRM_DAYS_BEFORE)
            extra["reconfirmed_at"] = extra["reconfirm_by"]
        if start >= now:
            status = "confirmed"
        elif _no_show(rng, channel, lead, start.weekday()):
            status, no_shows = "no_show", no_shows + 1
            extra["finished_at"] = start + timedelta(minutes=15)
        else:
            status = "done"
            extra["finished_at"] = engine.from_epoch(item.end)
        add(item, status, channel, booked, **extra)

    Booking.objects.bulk_create(bookings, batch_size=5000)
    Allocation.objects.bulk_create(
        (
            Allocation(
                booking=bookings[index],
                resource_id=resource_id,
                start=bookings[index].start,
                end=bookings[index].end,
                active=bookings[index].status == BookingStatus.CONFIRMED,
            )
            for index, resource_id in allocations
        ),
        batch_size=5000,
    )
    for appointment, booking in zip(appointments, bookings, strict=True):
        appointment.booking = booking
    Appointment.objects.bulk_create(appointments, batch_size=5000)
    persons: list[Person] = []
    wanted: list[list[tuple[Service, int]]] = []
    for appointment_index, person_services, counter_id in people:
        appointment = appointments[appointment_index]
        position = sum(1 for p in persons[-6:] if p.appointment is appointment)
        persons.append(
            Person(
                appointment=appointment,
                position=position,
                given_name=rng.choice(GIVEN),
                family_name=rng.choice(FAMILY),
                date_of_birth=date(rng.randint(1940, 2020), rng.randint(1, 12), rng.randint(1, 28)),
                counter_id=counter_id,
            )
        )
        wanted.append(person_services)
    Person.objects.bulk_create(persons, batch_size=5000)
    requests = []
    for person, person_services in zip(persons, wanted, strict=True):
        day = person.appointment.start.astimezone(BERLIN).date()
        age = person.age_on(day)
        for service, times in person_services:
            # one look-up per service, age and fee period (fees are effective-dated)
            period = max((d for d in fee_dates.get(service.pk, ()) if d <= day), default=None)
            key = (service.pk, age, period)
            if key not in fees:
                fees[key] = fee_for(service, on=day, age=age)
            requests.append(
                Request(
                    person=person,
                    service=service,
                    count=times,
                    minutes=service.minutes * times,
                    fee_eur=fees[key] * times,
                )
            )
    Request.objects.bulk_create(requests, batch_size=5000)
    return {
        "appointments": len(appointments),
        "cancelled": len(appointments) - len(placed),
        "no_shows": no_shows,
        "persons": len(persons),
        "requests": len(requests),
    }
