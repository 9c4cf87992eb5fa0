"""What the Bürgerbüro's clerks do with appointments: book for a caller on the phone or a
walk-in at the counter, mark an appointment done or a no-show, cancel it with a notice.

Moving an appointment is `services.move`. Every write is audited with the clerk as actor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.core.timezone import BERLIN

from .. import audit_events as audit
from ..constants import AppointmentStatus, Channel
from ..models import Appointment, Location
from ..selectors import PersonNeed, PlanInvalid, plan_make
from .booking import BookingRefused, PersonDetails, appointment_book
from .cancel import appointment_cancel

STAFF_CHANNELS = (Channel.PHONE, Channel.WALK_IN)
FINISHABLE = (AppointmentStatus.CONFIRMED, AppointmentStatus.PENDING)


def appointment_book_by_staff(
    *,
    location: Location,
    needs: Sequence[PersonNeed],
    start: datetime,
    persons: Sequence[PersonDetails],
    channel: str,
    actor: Any,
    phone: str = "",
    email: str = "",
    language: str = "de",
    now: datetime | None = None,
) -> Appointment:
    """A confirmed appointment for a caller on the phone (no e-mail needed; a confirmation
    goes out only if an address is given) or a walk-in, who may take the capacity kept for
    the same day. Services not bookable online may be booked here."""
    if channel not in STAFF_CHANNELS:
        raise BookingRefused(_("Staff book for callers on the phone or walk-ins only."))
    try:
        plan = plan_make(location, needs, online=False)
    except PlanInvalid as error:
        raise BookingRefused(error.message) from error
    return appointment_book(
        plan=plan,
        start=start,
        persons=persons,
        email=email,
        phone=phone,
        language=language,
        channel=channel,
        confirmed=True,
        now=now,
        actor=actor,
        with_kept=channel == Channel.WALK_IN,
    )


def appointment_finish(
    *, appointment: Appointment, outcome: str, actor: Any, now: datetime | None = None
) -> Appointment:
    """Mark an appointment done (from its day on) or a no-show (only after its start)."""
    now = now or timezone.now()
    if outcome not in (AppointmentStatus.DONE, AppointmentStatus.NO_SHOW):
        raise ValueError(outcome)
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.status not in FINISHABLE:
            raise BookingRefused(
                _("This appointment is %(status)s and cannot be marked any more.")
                % {"status": appointment.get_status_display()}
            )
        if outcome == AppointmentStatus.NO_SHOW and now < appointment.start:
            raise BookingRefused(_("A no-show can only be marked after the appointment's start."))
        if outcome == AppointmentStatus.DONE and (
            appointment.start.astimezone(BERLIN).date() > now.astimezone(BERLIN).date()
        ):
            raise BookingRefused(_("An appointment on a later day cannot be done yet."))
        appointment.status = outcome
        appointment.finished_at = now
        appointment.save(update_fields=["status", "finished_at", "updated_at"])
        audit.appointment_event(
            "appointments.finished",
            appointment,
            actor,
            outcome=str(AppointmentStatus(outcome).label),
        )
    return appointment


def appointment_cancel_by_staff(
    *, appointment: Appointment, reason: str, actor: Any, now: datetime | None = None
) -> Appointment:
    """Cancel with a notice: the reason is e-mailed to the citizen (when there is an address)
    and the freed time goes to the standby list first."""
    reason = reason.strip()
    if not reason:
        raise BookingRefused(_("Please give the reason the citizen will read."))
    if not appointment.is_active:
        raise BookingRefused(_("This appointment is no longer active."))
    return appointment_cancel(
        appointment=appointment, now=now, actor=actor, reason=reason, notify=True
    )
