"""Retention: an appointment's personal data is erased RETENTION_DAYS after the appointment
(or after its cancellation or lapse, whichever comes first) unless it is still needed.

Erased: the persons' names and dates of birth, e-mail, phone, what was carried over from
another service, the internal note, the reason for a cancellation, the limit keys of the
booking, and the free text of the audit entries (`audit.services.personal_data_scrub`); the
link tokens stop working. Kept for the statistics: location, services, times, status, channel.

"Still needed" is asked of every registered hold (`retention_hold_register`): a sub-app with
data that depends on an appointment (a pick-up not yet collected) names the appointments it
still needs. The erasure of an Art. 17 request (`rathaus/appointments/privacy.py`) calls the
same `appointment_personal_data_erase`, so both always erase the same fields.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from rathaus.audit.services import audit_record, personal_data_scrub
from rathaus.core.tokens import nonce_new
from rathaus.scheduling.services import booking_identity_replace

from ..constants import ACTIVE_STATUSES, RETENTION_DAYS, AppointmentStatus
from ..models import Appointment, Person

logger = logging.getLogger("rathaus.appointments.jobs")

BATCH = 200

# Each hold returns the ids (of the given candidates) whose data must stay for now.
RetentionHold = Callable[[QuerySet[Appointment]], "set[int]"]
_holds: list[RetentionHold] = []


def retention_hold_register(hold: RetentionHold) -> None:
    if hold not in _holds:
        _holds.append(hold)


def retention_held(candidates: QuerySet[Appointment]) -> set[int]:
    held: set[int] = set()
    for hold in _holds:
        held |= hold(candidates)
    return held


def _due(now: datetime) -> QuerySet[Appointment]:
    cutoff = now - timedelta(days=RETENTION_DAYS)
    # A cancelled or lapsed booking ended when it was cancelled or lapsed (`cancelled_at`, set
    # by the services from their `now`, never the wall clock of a later edit).
    ended_early = [AppointmentStatus.CANCELLED, AppointmentStatus.LAPSED]
    ended = (
        Q(end__lt=cutoff)
        | Q(status__in=ended_early, cancelled_at__lt=cutoff)
        | Q(status__in=ended_early, cancelled_at__isnull=True, booked_at__lt=cutoff)
    )
    return (
        Appointment.objects.filter(erased_at__isnull=True)
        .exclude(status__in=ACTIVE_STATUSES, end__gte=cutoff)
        .filter(ended)
    )


def appointment_personal_data_erase(
    appointment: Appointment, *, now: datetime, actor: Any = None, on_request: bool = False
) -> None:
    """Erase one appointment's personal data (the caller holds its row lock)."""
    Person.objects.filter(appointment=appointment).update(
        given_name="", family_name="", date_of_birth=None
    )
    appointment.email = ""
    appointment.phone = ""
    appointment.carried_over = {}
    appointment.note = ""
    appointment.cancelled_reason = ""
    appointment.token_nonce = nonce_new()  # old links stop working
    appointment.erased_at = now
    appointment.save()
    if appointment.booking_id:
        booking_identity_replace(booking_id=appointment.booking_id, keys=[])
    personal_data_scrub(obj=appointment)
    audit_record(
        code="appointments.erased",
        obj=appointment,
        actor=actor,
        reference=appointment.reference,
        on_request=on_request,
    )


def appointments_erase(*, now: datetime | None = None) -> int:
    """Erase every appointment due by the retention rule and not held; idempotent."""
    now = now or timezone.now()
    due = _due(now)
    held = retention_held(due)
    pks = [pk for pk in due.values_list("pk", flat=True) if pk not in held]
    erased = 0
    for start in range(0, len(pks), BATCH):
        with transaction.atomic():
            batch = (
                Appointment.objects.filter(
                    pk__in=pks[start : start + BATCH], erased_at__isnull=True
                )
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")
            )
            for appointment in batch:
                appointment_personal_data_erase(appointment, now=now)
                erased += 1
    logger.info("appointments erased: %s", erased)
    return erased
