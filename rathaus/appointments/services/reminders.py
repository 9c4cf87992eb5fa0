"""Fewer no-shows: the reminder a day before, the reconfirmation of bookings made far ahead,
and the lapse of those not reconfirmed.

- `reminders_send`: every confirmed appointment starting within REMINDER_HOURS gets one
  e-mail with one-tap "I'm coming" and "cancel" links and the readiness checklist. An
  appointment booked within that window already had its confirmation and gets none.
- `reconfirm_requests_send`: an appointment booked more than RECONFIRM_AFTER_DAYS ahead has
  `reconfirm_by` (RECONFIRM_DAYS_BEFORE the day); RECONFIRM_REQUEST_DAYS before that moment the
  citizen is asked to reconfirm with one tap.
- `reconfirm_lapse`: `reconfirm_by` passed without a reconfirmation: the appointment is
  cancelled through `cancel.appointment_cancel` (the time goes to the standby list first), the
  citizen gets the lapse e-mail. Only when the request went out at least RECONFIRM_NOTICE before
  (a job that was down must not lapse anybody unasked) and only with an e-mail address (a
  phone booking cannot be asked).

Every function is idempotent and safe to run twice at once: each appointment is handled in
its own short transaction after claiming its row (`select_for_update(skip_locked=True)` on
PostgreSQL; SQLite serialises writers), and the marker (`reminder_sent_at`,
`reconfirm_sent_at`, the status) is written in the same transaction as the e-mail.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from rathaus.audit.services import audit_record

from ..constants import REMINDER_HOURS, AppointmentStatus
from ..links import appointment_token
from ..models import Appointment
from .cancel import appointment_cancel
from .mail import appointment_mail

logger = logging.getLogger("rathaus.appointments.jobs")

# Ask this many days before `reconfirm_by`; lapse only when the request is this old.
RECONFIRM_REQUEST_DAYS = 3
RECONFIRM_NOTICE = timedelta(hours=48)
NOT_RECONFIRMED = gettext_noop("Not reconfirmed in time")  # stored in German, see _reason()


def coming_links(appointment: Appointment) -> dict[str, str]:
    """The one-tap pages of the reminder and reconfirmation e-mails. Each opens a page with
    one button (POST): a link scanner that follows every link changes nothing."""
    args = [appointment.reference, appointment_token(appointment)]
    return {
        name: settings.SITE_URL + reverse(f"appointments:{page}", args=args)
        for name, page in (
            ("coming_url", "coming"),
            ("reconfirm_url", "reconfirm"),
            ("cancel_url", "cancel"),
        )
    }


def _claim(queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
    """Lock the row unless another run has it (PostgreSQL); SQLite serialises writers."""
    return queryset.select_for_update(skip_locked=True, of=("self",))


def _open(now: datetime) -> QuerySet[Appointment]:
    return Appointment.objects.filter(
        status=AppointmentStatus.CONFIRMED, erased_at__isnull=True, start__gt=now
    ).exclude(email="")


# --- the reminder a day before ----------------------------------------------------------------


def _reminders_due(now: datetime) -> QuerySet[Appointment]:
    window = timedelta(hours=REMINDER_HOURS)
    return _open(now).filter(
        reminder_sent_at__isnull=True,
        start__lte=now + window,
        # booked within the window: the confirmation was the reminder
        booked_at__lt=F("start") - window,
    )


def reminders_send(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    for pk in list(_reminders_due(now).values_list("pk", flat=True)):
        with transaction.atomic():
            appointment = _claim(_reminders_due(now).filter(pk=pk)).first()
            if appointment is None:  # another run has it, or it changed meanwhile
                continue
            appointment.reminder_sent_at = now
            appointment.save(update_fields=["reminder_sent_at", "updated_at"])
            appointment_mail(appointment, "reminder", **coming_links(appointment))
            sent += 1
    logger.info("appointment reminders sent: %s", sent)
    return sent


# --- reconfirmation of bookings made far ahead --------------------------------------------------


def _unreconfirmed(now: datetime) -> QuerySet[Appointment]:
    return _open(now).filter(reconfirm_by__isnull=False, reconfirmed_at__isnull=True)


def _requests_due(now: datetime) -> QuerySet[Appointment]:
    return _unreconfirmed(now).filter(
        reconfirm_sent_at__isnull=True,
        reconfirm_by__lte=now + timedelta(days=RECONFIRM_REQUEST_DAYS),
    )


def reconfirm_requests_send(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    for pk in list(_requests_due(now).values_list("pk", flat=True)):
        with transaction.atomic():
            appointment = _claim(_requests_due(now).filter(pk=pk)).first()
            if appointment is None:
                continue
            # A request that went out late moves the deadline: nobody lapses unasked.
            if appointment.reconfirm_by is not None and appointment.reconfirm_by < (
                now + RECONFIRM_NOTICE
            ):
                appointment.reconfirm_by = min(now + RECONFIRM_NOTICE, appointment.start)
            appointment.reconfirm_sent_at = now
            appointment.save(update_fields=["reconfirm_by", "reconfirm_sent_at", "updated_at"])
            appointment_mail(appointment, "reconfirm", **coming_links(appointment))
            sent += 1
    logger.info("reconfirmation requests sent: %s", sent)
    return sent


def _lapse_due(now: datetime) -> QuerySet[Appointment]:
    return _unreconfirmed(now).filter(
        reconfirm_by__lte=now,
        reconfirm_sent_at__isnull=False,
        reconfirm_sent_at__lte=now - RECONFIRM_NOTICE,
    )


def _reason() -> str:
    with translation.override("de"):
        return gettext(NOT_RECONFIRMED)


def reconfirm_lapse(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    lapsed = 0
    for pk in list(_lapse_due(now).values_list("pk", flat=True)):
        with transaction.atomic():
            appointment = _claim(_lapse_due(now).filter(pk=pk)).first()
            if appointment is None:
                continue
            appointment = appointment_cancel(
                appointment=appointment, now=now, reason=_reason(), notify=False
            )
            audit_record(
                code="appointments.lapsed",
                obj=appointment,
                reference=appointment.reference,
                why="not reconfirmed",
            )
            appointment_mail(appointment, "lapsed")
            lapsed += 1
    logger.info("appointments lapsed without reconfirmation: %s", lapsed)
    return lapsed


# --- the citizen's one-tap answers ---------------------------------------------------------------


class NotPossible(Exception):
    """The answer does not fit the appointment any more (cancelled, past)."""


def appointment_coming(*, appointment: Appointment, now: datetime | None = None) -> Appointment:
    """'I'm coming' (idempotent); it reconfirms a booking that needs it as well."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.status != AppointmentStatus.CONFIRMED or appointment.end <= now:
            raise NotPossible
        changed = []
        if appointment.coming_at is None:
            appointment.coming_at = now
            changed.append("coming_at")
        if appointment.reconfirm_by is not None and appointment.reconfirmed_at is None:
            appointment.reconfirmed_at = now
            changed.append("reconfirmed_at")
        if changed:
            appointment.save(update_fields=[*changed, "updated_at"])
            audit_record(
                code="appointments.coming", obj=appointment, reference=appointment.reference
            )
    return appointment


def appointment_reconfirm(*, appointment: Appointment, now: datetime | None = None) -> Appointment:
    """The booking made far ahead still stands (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.status != AppointmentStatus.CONFIRMED or appointment.end <= now:
            raise NotPossible
        if appointment.reconfirmed_at is None:
            appointment.reconfirmed_at = now
            appointment.save(update_fields=["reconfirmed_at", "updated_at"])
            audit_record(
                code="appointments.reconfirmed", obj=appointment, reference=appointment.reference
            )
    return appointment
