"""Check-in of a booked appointment: by its reference, or by the family name and date of birth
of one of its persons (at that location, today). Check-in opens `checkin_before_minutes`
before the start; up to `late_grace_minutes` late the appointment keeps its time; later,
`late_policy` gives a walk-in ticket or refuses. Checking in twice returns the same ticket."""

from __future__ import annotations

from collections import Counter as Tally
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _

from rathaus.appointments.constants import AppointmentStatus
from rathaus.appointments.models import Appointment, Location, Request, Service
from rathaus.core.timezone import BERLIN

from ..constants import LatePolicy, TicketKind
from ..models import Ticket
from .base import QueueRefused, day_of, now_or, queue_lock
from .tickets import ticket_create

NOT_FOUND = _("No appointment was found for this input. Please ask at the information desk.")


def checkin_by_reference(
    *, location: Location, reference: str, now: datetime | None = None
) -> Ticket:
    reference = reference.strip().upper().replace(" ", "")
    appointment = Appointment.objects.filter(reference=reference).first()
    if appointment is None:
        raise QueueRefused(NOT_FOUND)
    return checkin(location=location, appointment=appointment, now=now)


def checkin_by_person(
    *, location: Location, family_name: str, date_of_birth: date, now: datetime | None = None
) -> Ticket:
    """The person's appointment today at this location (the earliest not yet over)."""
    now = now_or(now)
    today = day_of(now)
    found = (
        Appointment.objects.filter(
            location=location,
            start__date=today,
            status=AppointmentStatus.CONFIRMED,
            persons__family_name__iexact=family_name.strip(),
            persons__date_of_birth=date_of_birth,
        )
        .distinct()
        .order_by("start")
    )
    appointment = found.filter(end__gt=now).first() or found.last()
    if appointment is None:
        raise QueueRefused(NOT_FOUND)
    return checkin(location=location, appointment=appointment, now=now)


def _needs(appointment: Appointment) -> dict[Service, int]:
    tally: Tally[Service] = Tally()
    for request in Request.objects.filter(person__appointment=appointment).select_related(
        "service"
    ):
        tally[request.service] += request.count
    return dict(tally)


def checkin(*, location: Location, appointment: Appointment, now: datetime | None = None) -> Ticket:
    now = now_or(now)
    with transaction.atomic():
        queue = queue_lock(location.pk)
        existing = Ticket.objects.filter(appointment=appointment).first()
        if existing is not None:
            return existing
        appointment = Appointment.objects.get(pk=appointment.pk)
        if appointment.location_id != location.pk:
            raise QueueRefused(
                _("This appointment is at another location: %(location)s.")
                % {"location": appointment.location.name}
            )
        if appointment.status != AppointmentStatus.CONFIRMED:
            raise QueueRefused(
                _(
                    "This appointment cannot be checked in (status: %(status)s). "
                    "Please ask at the information desk."
                )
                % {"status": appointment.get_status_display()}
            )
        start = appointment.start.astimezone(BERLIN)
        if start.date() != day_of(now):
            raise QueueRefused(
                _("Your appointment is on %(day)s, not today.")
                % {"day": date_format(start.date(), "SHORT_DATE_FORMAT")}
            )
        opens = start - timedelta(minutes=queue.checkin_before_minutes)
        if now < opens:
            raise QueueRefused(
                _("Check-in opens at %(time)s, %(minutes)d minutes before your appointment.")
                % {"time": time_format(opens.time()), "minutes": queue.checkin_before_minutes}
            )
        kind, due_at = TicketKind.APPOINTMENT, appointment.start
        late = now - appointment.start
        if late > timedelta(minutes=queue.late_grace_minutes):
            if queue.late_policy == LatePolicy.REFUSE:
                raise QueueRefused(
                    _(
                        "You are %(minutes)d minutes late; your appointment has lapsed. "
                        "Please book a new one or ask at the information desk."
                    )
                    % {"minutes": late.total_seconds() // 60}
                )
            kind, due_at = TicketKind.WALK_IN, None
        return ticket_create(
            queue=queue,
            kind=kind,
            needs=_needs(appointment),
            now=now,
            appointment=appointment,
            due_at=due_at,
        )
