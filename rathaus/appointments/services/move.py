"""Moving an appointment to another free time, with a notice to the citizen.

The booking keeps its identity (limits, reference, links); only its allocations move, through
the scheduling core's booking door (`BookingDoor.move`), so the new time is checked under the
same locks as any booking. The counter stays the same where it is free at the new time,
otherwise another counter able to do every service takes it. The calendar file's sequence is
raised, so a calendar replaces the old entry instead of adding a second one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.core.timezone import BERLIN
from rathaus.scheduling.exceptions import SlotNotOffered, SlotUnavailable
from rathaus.scheduling.models import Allocation, Booking
from rathaus.scheduling.services import AllocationRequest, booking_door

from .. import audit_events as audit
from ..constants import STEP_MINUTES, AppointmentStatus
from ..models import Appointment, Counter
from ..selectors import PersonNeed, Plan, PlanInvalid, bookable_counters, plan_make
from .booking import BookingRefused
from .mail import appointment_mail

MOVABLE = (AppointmentStatus.CONFIRMED, AppointmentStatus.PENDING)


def appointment_plan(appointment: Appointment) -> Plan:
    """The appointment's persons and services as a plan at its location (for free times)."""
    needs = [
        PersonNeed(
            tuple((request.service.slug, request.count) for request in person.requests.all())
        )
        for person in appointment.persons.all()
    ]
    return plan_make(appointment.location, needs, online=False)


def _candidates(
    appointment: Appointment, booking: Booking, plan: Plan, start: datetime, now: datetime
) -> list[list[AllocationRequest]]:
    delta = start - appointment.start
    current = list(Allocation.objects.filter(booking=booking).order_by("resource_id"))
    candidates = [
        [AllocationRequest(a.resource_id, a.start + delta, a.end + delta) for a in current]
    ]
    if len(current) <= 1:
        end = start + timedelta(minutes=plan.minutes)
        day = start.astimezone(BERLIN).date()
        taken = {a.resource_id for a in current}
        candidates += [
            [AllocationRequest(info.resource_id, start, end)]
            for info in bookable_counters(plan, day, now)
            if info.resource_id not in taken
        ]
    return [requests for requests in candidates if requests]


def appointment_move(
    *, appointment: Appointment, start: datetime, actor: Any, now: datetime | None = None
) -> Appointment:
    """Move to `start` (same length) and e-mail the citizen the new time with a new calendar
    entry. Raises BookingRefused with a message for the clerk."""
    now = now or timezone.now()
    appointment = Appointment.objects.select_related("location", "booking").get(pk=appointment.pk)
    current = appointment.booking
    if appointment.status not in MOVABLE or current is None:
        raise BookingRefused(_("Only an active appointment can be moved."))
    if start.tzinfo is None or start <= now:
        raise BookingRefused(_("The new time must be in the future."))
    if start.minute % STEP_MINUTES or start.second or start.microsecond:
        raise BookingRefused(_("Appointments start on the five-minute grid."))
    if start == appointment.start:
        raise BookingRefused(_("The appointment is already at this time."))
    try:
        plan = appointment_plan(appointment)
    except PlanInvalid as error:
        raise BookingRefused(error.message) from error
    candidates = _candidates(appointment, current, plan, start, now)
    resource_ids = {request.resource_id for requests in candidates for request in requests}
    previous = appointment.start
    with booking_door(resource_ids=sorted(resource_ids), now=now) as door:
        for requests in candidates:
            try:
                booking = door.move(booking=current, requests=requests)
            except (SlotNotOffered, SlotUnavailable):
                continue
            break
        else:
            raise BookingRefused(
                _("No counter able to do these services is free at this time."), conflict=True
            )
        shift = dict(
            zip(
                [r.resource_id for r in candidates[0]],
                [r.resource_id for r in requests],
                strict=False,
            )
        )
        counters = {c.resource_id: c for c in Counter.objects.filter(resource_id__in=resource_ids)}
        for person in appointment.persons.select_related("counter"):
            old = person.counter.resource_id if person.counter else None
            new = shift[old] if old is not None and old in shift else requests[0].resource_id
            person.counter = counters.get(new)
            person.save(update_fields=["counter"])
        appointment.booking = booking
        appointment.start, appointment.end = booking.start, booking.end
        appointment.ics_sequence += 1
        appointment.reminder_sent_at = None
        appointment.coming_at = None
        appointment.save()
        audit.appointment_event(
            "appointments.moved", appointment, actor, start=booking.start, previous=previous
        )
        appointment_mail(appointment, "moved", previous_start=previous)
    return appointment
