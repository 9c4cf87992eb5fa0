"""Cancelling an appointment, and what follows: the freed time goes to the standby list
first, then back to everyone when the quarantine ends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import Appointment
from .booking import appointment_cancel_only
from .standby import standby_offer_freed


def appointment_cancel(
    *,
    appointment: Appointment,
    now: datetime | None = None,
    actor: Any = None,
    reason: str = "",
    notify: bool = True,
) -> Appointment:
    now = now or timezone.now()
    was_active = appointment.is_active
    with transaction.atomic():
        appointment = appointment_cancel_only(
            appointment=appointment, now=now, actor=actor, reason=reason, notify=notify
        )
        if was_active:
            freed = appointment.pk
            transaction.on_commit(
                lambda: standby_offer_freed(appointment_id=freed, now=now), robust=True
            )
    return appointment
