"""The draw for real: claim the draw, settle who takes part, compute the allocation in memory
from one read of the kept counters' free time under the booking door's locks, and write every
appointment through that one door transaction (`BookingDoor.book_many`). The seed is published
with the result in the same commit; the e-mails follow (`notify`).

Idempotent and safe to run twice at once: a run claims the draw with a conditional update; a
run that died before its commit wrote nothing and is taken over after the lease.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from rathaus.appointments.constants import PURPOSE, REFERENCE_LENGTH, AppointmentStatus, Channel
from rathaus.appointments.constants import REFERENCE_PREFIX as APPOINTMENT_PREFIX
from rathaus.appointments.models import Appointment, Location, Person, Request, Service
from rathaus.appointments.selectors import catalogue, counters_kept_for_same_day, fee_for
from rathaus.audit.services import audit_record
from rathaus.core import sql
from rathaus.core.identity import person_key
from rathaus.core.references import reference_draw
from rathaus.core.timezone import BERLIN
from rathaus.core.tokens import nonce_new
from rathaus.scheduling import engine
from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.selectors import calendars_between
from rathaus.scheduling.services import (
    AllocationRequest,
    BookingItem,
    booking_door,
    identity_active_counts,
)

from .. import pure_draw
from ..constants import LEASE_MINUTES, URGENT_REASONS, RequestStatus
from ..models import SameDayDraw, SameDayRequest, SameDayWin
from ..selectors import draws_due, draws_unnotified
from .draws import draws_schedule
from .notify import draw_notify

logger = logging.getLogger("rathaus.appointments.sameday")


def draws_run_due(*, now: datetime | None = None) -> int:
    """The job: create the coming draws (commitments), draw every draw whose window has
    closed, and send what a run that died left unsent. Returns how many were drawn."""
    now = now or timezone.now()
    draws_schedule(now=now)
    drawn = sum(draw_run(draw=draw, now=now) for draw in draws_due(now))
    for draw in draws_unnotified(now):
        draw_notify(draw=draw, now=now)
    logger.info("same-day draws drawn: %s", drawn)
    return drawn


def _claim(draw: SameDayDraw, moment: datetime) -> bool:
    return bool(
        SameDayDraw.objects.filter(pk=draw.pk, drawn_at__isnull=True)
        .filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=moment - timedelta(minutes=LEASE_MINUTES))
        )
        .update(claimed_at=moment)
    )


def draw_run(*, draw: SameDayDraw, now: datetime | None = None, notify: bool = True) -> bool:
    """Draw one draw whose window has closed, then mail everyone (unless `notify` is off:
    the job's next pass mails). False when there was nothing to do."""
    now = now or timezone.now()
    if now < draw.closes_at or draw.drawn_at or not _claim(draw, timezone.now()):
        return False
    _draw(SameDayDraw.objects.select_related("location").get(pk=draw.pk), now)
    if notify:
        draw_notify(draw=draw, now=now)
    return True


@dataclass(frozen=True)
class _Row:
    """A request as the draw reads it (plain values: 20,000 model instances cost a second)."""

    pk: int
    reference: str
    email: str
    email_key: str
    person_key: str
    persons: list[dict[str, Any]]
    minutes: int
    reason: str
    language: str


_ROW_FIELDS = [f.name for f in fields(_Row)]


def _person_keys(row: _Row) -> list[str]:
    """Every person's key; the first one's is stored with the request (unique per draw)."""
    return [row.person_key] + [
        person_key(p["given_name"], p["family_name"], date.fromisoformat(p["date_of_birth"]))
        for p in row.persons[1:]
    ]


def _identity_keys(row: _Row) -> dict[str, str]:
    """The keys the booking door counts (`booking.identity_keys`), from the stored keys."""
    keys = {f"appointment-person:{key}": "person" for key in _person_keys(row) if key}
    keys[f"appointment-email:{row.email_key}"] = "email"
    return keys


def _dedupe(rows: list[_Row]) -> tuple[list[_Row], list[_Row]]:
    """Earliest first: a later request naming a person an earlier one named counts for that
    one (the first person and the e-mail address are unique per draw already)."""
    seen: set[str] = set()
    kept, duplicates = [], []
    for row in rows:
        keys = set(_person_keys(row))
        if keys & seen:
            duplicates.append(row)
        else:
            kept.append(row)
        seen |= keys
    return kept, duplicates


def _draw(draw: SameDayDraw, now: datetime) -> None:
    location = draw.location
    day = draw.day
    data = catalogue()
    kept_ids = counters_kept_for_same_day(location)
    infos = [info for info in data.counters.get(location.pk, []) if info.id in kept_ids]
    slug_of = {service.pk: slug for slug, service in data.services.items()}
    rows = [
        _Row(*values)
        for values in draw.requests.filter(status=RequestStatus.ENTERED)
        .order_by("created_at", "reference")
        .values_list(*_ROW_FIELDS)
    ]
    kept, duplicates = _dedupe(rows)
    by_reference = {row.reference: row for row in kept}
    keys_of = {row.reference: _identity_keys(row) for row in kept}
    limits = {"person": location.max_active_per_person, "email": location.max_active_per_email}
    entries = [
        pure_draw.Entry(
            reference=row.reference,
            minutes=row.minutes,
            services=frozenset(slug for p in row.persons for slug, _count in p["services"]),
            urgent=row.reason in URGENT_REASONS,
        )
        for row in kept
    ]
    resource_ids = sorted(info.resource_id for info in infos)
    with booking_door(resource_ids=resource_ids, now=now) as door:
        calendars = {
            calendar.resource_id: calendar
            for calendar in calendars_between(resource_ids, day, day, now=now)
        }
        desks = [
            pure_draw.Desk(
                name=info.name,
                services=frozenset(slug_of[pk] for pk in info.services if pk in slug_of),
                free=tuple(engine.free_intervals(calendars[info.resource_id], day, day)),
            )
            for info in infos
        ]
        counts = identity_active_counts(
            keys=[key for keys in keys_of.values() for key in keys], now=now
        )

        def eligible(reference: str) -> bool:
            keys = keys_of[reference]
            if any(counts.get(key, 0) >= limits[kind] for key, kind in keys.items()):
                return False
            for key in keys:
                counts[key] = counts.get(key, 0) + 1
            return True

        not_before = engine.epoch(now) + 1
        outcome = pure_draw.allocate(
            seed_hex=draw.seed,
            entries=entries,
            desks=desks,
            urgent_percent=draw.urgent_percent,
            not_before=not_before,
            eligible=eligible,
        )
        resource_of = {info.name: info for info in infos}
        winners = [
            (reference, placement)
            for reference, placement in outcome.allocation.items()
            if placement is not None
        ]
        bookings = door.book_many(
            [
                BookingItem(
                    [
                        AllocationRequest(
                            resource_of[placement.desk].resource_id,
                            engine.from_epoch(placement.start),
                            engine.from_epoch(placement.end),
                        )
                    ],
                    keys=list(keys_of[reference]),
                )
                for reference, placement in winners
            ],
            purpose=PURPOSE,
            status=BookingStatus.CONFIRMED,
        )
        appointments = _appointments_write(
            location=location,
            rows=[by_reference[reference] for reference, _placement in winners],
            bookings=bookings,
            counters=[resource_of[placement.desk].id for _reference, placement in winners],
            now=now,
        )
        _statuses_write(draw, kept, duplicates, outcome, appointments)
        draw.capacity = {
            "not_before": _moment(not_before),
            "counters": [
                {
                    "name": desk.name,
                    "services": sorted(desk.services),
                    "free": [[_moment(start), _moment(end)] for start, end in desk.free],
                }
                for desk in desks
            ],
            "requests": [
                {
                    "reference": entry.reference,
                    "urgent": entry.urgent,
                    "minutes": entry.minutes,
                    "services": sorted(entry.services),
                }
                for entry in sorted(entries, key=lambda entry: entry.reference)
            ],
            "duplicates_excluded": len(duplicates),
        }
        draw.result = {
            "urgent_quota_minutes": outcome.urgent_quota_minutes,
            "refused": list(outcome.refused),
            "order": list(outcome.order),
            "allocation": {
                reference: pure_draw.placement_published(placement, moment=_moment)
                for reference, placement in outcome.allocation.items()
            },
        }
        draw.drawn_at = now
        draw.save(update_fields=["capacity", "result", "drawn_at"])
        audit_record(
            code="appointments_sameday.drawn",
            obj=draw,
            day=day.isoformat(),
            location=location.name,
            requests=len(rows),
            won=len(winners),
            refused=len(outcome.refused),
            duplicates=len(duplicates),
        )


def _moment(epoch: int) -> str:
    return engine.from_epoch(epoch).astimezone(BERLIN).isoformat()


def _references(count: int) -> list[str]:
    """`count` new appointment references, none taken (one read per round)."""
    found: set[str] = set()
    while len(found) < count:
        fresh = {
            reference_draw(APPOINTMENT_PREFIX, length=REFERENCE_LENGTH)
            for _ in range(count - len(found))
        } - found
        taken = set(
            Appointment.objects.filter(reference__in=fresh).values_list("reference", flat=True)
        )
        found |= fresh - taken
    return sorted(found)


def _appointments_write(
    *,
    location: Location,
    rows: list[_Row],
    bookings: list[Any],
    counters: list[int],
    now: datetime,
) -> dict[str, Appointment]:
    """The winners' appointments, in bulk, confirmed at once: there is no time for a
    confirmation link on the same day (docs/decisions/0020-same-day-draw.md)."""
    references = _references(len(rows))
    appointments = [
        Appointment(
            reference=reference,
            booking=booking,
            location=location,
            status=AppointmentStatus.CONFIRMED,
            channel=Channel.SAME_DAY,
            start=booking.start,
            end=booking.end,
            email=row.email,
            language=row.language,
            token_nonce=nonce_new(),
            booked_at=now,
            confirmed_at=now,
            urgent_reason=row.reason if row.reason in URGENT_REASONS else "",
        )
        for reference, row, booking in zip(references, rows, bookings, strict=True)
    ]
    sql.insert_batches(appointments, returning=True)
    services = catalogue().services
    fees: dict[tuple[int, date, int | None], Decimal] = {}

    def fee(service: Service, day: date, age: int | None) -> Decimal:
        key = (service.pk, day, age)
        if key not in fees:
            fees[key] = fee_for(service, on=day, age=age)
        return fees[key]

    persons = []
    for appointment, row, counter_id in zip(appointments, rows, counters, strict=True):
        for position, stored in enumerate(row.persons):
            persons.append(
                Person(
                    appointment=appointment,
                    position=position,
                    given_name=stored["given_name"],
                    family_name=stored["family_name"],
                    date_of_birth=date.fromisoformat(stored["date_of_birth"]),
                    counter_id=counter_id,
                )
            )
    sql.insert_batches(persons, returning=True)
    by_appointment = {
        appointment.pk: row for appointment, row in zip(appointments, rows, strict=True)
    }
    requests = []
    for person in persons:
        day = person.appointment.start.astimezone(BERLIN).date()
        age = person.age_on(day)
        for slug, count in by_appointment[person.appointment.pk].persons[person.position][
            "services"
        ]:
            service = services[slug]
            requests.append(
                Request(
                    person=person,
                    service=service,
                    count=count,
                    minutes=service.minutes * count,
                    fee_eur=fee(service, day, age) * count,
                )
            )
    sql.insert_batches(requests)
    return {row.reference: appointment for row, appointment in zip(rows, appointments, strict=True)}


def _statuses_write(
    draw: SameDayDraw,
    kept: Iterable[_Row],
    duplicates: Iterable[_Row],
    outcome: pure_draw.Outcome,
    appointments: dict[str, Appointment],
) -> None:
    refused = set(outcome.refused)
    wins: list[SameDayWin] = []
    by_status: dict[str, list[int]] = {RequestStatus.WON: []}
    for row in kept:
        if row.reference in appointments:
            by_status[RequestStatus.WON].append(row.pk)
            wins.append(SameDayWin(request_id=row.pk, appointment=appointments[row.reference]))
        elif row.reference in refused:
            by_status.setdefault(RequestStatus.REFUSED, []).append(row.pk)
    by_status[RequestStatus.DUPLICATE] = [row.pk for row in duplicates]
    sql.insert_batches(wins)
    for status, pks in by_status.items():
        for offset in range(0, len(pks), 2000):
            SameDayRequest.objects.filter(pk__in=pks[offset : offset + 2000]).update(status=status)
    # Everyone else is LOST: marked by `draw_notify` with their e-mails (one statement).
