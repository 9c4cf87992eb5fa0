"""The standby list: citizens who want an earlier time get a freed one at once.

A cancelled time is quarantined for everyone else (booking.QUARANTINE); the first standby
entry whose persons and services fit at that counter and whose period covers the day gets it
as a booking awaiting their e-mail confirmation, as if they had booked it themselves."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.core.references import reference_draw, reference_unique
from rathaus.core.timezone import BERLIN
from rathaus.core.tokens import nonce_new

from ..constants import AppointmentStatus, Channel
from ..models import Appointment, StandbyEntry
from ..selectors import PersonNeed, PlanInvalid, plan_make
from .booking import BookingRefused, PersonDetails, appointment_book

logger = logging.getLogger(__name__)


def standby_join(
    *,
    location_slug: str,
    needs: Sequence[PersonNeed],
    persons: Sequence[PersonDetails],
    email: str,
    earliest: date,
    latest: date,
    language: str = "de",
) -> StandbyEntry:
    try:
        plan = plan_make(location_slug, needs)
    except PlanInvalid as error:
        raise BookingRefused(error.message) from error
    if earliest > latest:
        raise BookingRefused(_("The period must not end before it starts."))
    if not email:
        raise BookingRefused(_("Please give an e-mail address for the confirmation."))
    return StandbyEntry.objects.create(
        reference=reference_unique(
            lambda: reference_draw("SB", length=6),
            lambda candidate: StandbyEntry.objects.filter(reference=candidate).exists(),
        ),
        location=plan.location,
        minutes=plan.minutes,
        services=[
            {"person": index, "service": service.slug, "count": count}
            for index, person in enumerate(plan.persons)
            for service, count in person
        ],
        persons=[
            {
                "given_name": p.given_name,
                "family_name": p.family_name,
                "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else "",
            }
            for p in persons
        ],
        email=email,
        language=language,
        earliest=earliest,
        latest=latest,
        token_nonce=nonce_new(),
    )


def _needs(entry: StandbyEntry) -> list[PersonNeed]:
    by_person: dict[int, list[tuple[str, int]]] = {}
    for item in entry.services:
        by_person.setdefault(int(item["person"]), []).append((item["service"], int(item["count"])))
    return [PersonNeed(tuple(by_person[index])) for index in sorted(by_person)]


def _persons(entry: StandbyEntry) -> list[PersonDetails]:
    return [
        PersonDetails(
            p["given_name"],
            p["family_name"],
            date.fromisoformat(p["date_of_birth"]) if p.get("date_of_birth") else None,
        )
        for p in entry.persons
    ]


def standby_offer_freed(*, appointment_id: int, now: datetime | None = None) -> Appointment | None:
    """Give the cancelled appointment's time to the first standby entry that fits it."""
    now = now or timezone.now()
    freed = Appointment.objects.select_related("location", "booking").get(pk=appointment_id)
    if freed.status != AppointmentStatus.CANCELLED or freed.start <= now:
        return None
    day = freed.start.astimezone(BERLIN).date()
    freed_minutes = freed.minutes
    entries = StandbyEntry.objects.filter(
        location=freed.location,
        active=True,
        earliest__lte=day,
        latest__gte=day,
        minutes__lte=freed_minutes,
    ).order_by("created_at")
    for entry in entries:
        offered = _offer(entry, freed, now)
        if offered is not None:
            return offered
    return None


def _offer(entry: StandbyEntry, freed: Appointment, now: datetime) -> Appointment | None:
    """Book the freed start for the entry (the booking door's own transactions); the entry
    is marked offered afterwards — a crash in between leaves it waiting, never double-booked."""
    try:
        plan = plan_make(freed.location, _needs(entry))
    except PlanInvalid:
        return None
    try:
        appointment = appointment_book(
            plan=plan,
            start=freed.start,
            persons=_persons(entry),
            email=entry.email,
            language=entry.language,
            channel=Channel.STANDBY,
            now=now,
            supersede_booking_ids=[freed.booking_id],
        )
    except BookingRefused as error:
        logger.info("standby entry %s not offered: %s", entry.pk, type(error).__name__)
        return None
    entry.active = False
    entry.offered = appointment
    entry.save(update_fields=["active", "offered", "updated_at"])
    return appointment


def standby_leave(*, entry: StandbyEntry) -> None:
    entry.active = False
    entry.save(update_fields=["active", "updated_at"])


def standby_purge(*, now: datetime | None = None) -> int:
    """Entries whose period has passed are deleted (data minimisation)."""
    now = now or timezone.now()
    deleted, _detail = StandbyEntry.objects.filter(
        latest__lt=now.astimezone(BERLIN).date()
    ).delete()
    return deleted


def standby_summary(entry: StandbyEntry) -> dict[str, Any]:
    return {"reference": entry.reference, "active": entry.active, "until": entry.latest.isoformat()}
