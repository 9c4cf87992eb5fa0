"""Citizen-office appointments and standby entries in requests of data subjects (the contract:
`rathaus/core/privacy.py`).

Export: every appointment booked with the address, with its persons, their services and the
audit history; every standby entry with the address. Erasure: an appointment still active and
in the future is cancelled first through `services.cancel.appointment_cancel` (the time goes
to the standby list, the citizen gets the cancellation e-mail), then every appointment is
erased by the retention job's own `retention.appointment_personal_data_erase`; standby
entries are deleted. One short transaction per appointment, audited without the address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rathaus.audit.privacy import audit_history
from rathaus.core.privacy import Erasure, Section, model_record

from .models import Appointment, StandbyEntry
from .services.cancel import appointment_cancel
from .services.retention import appointment_personal_data_erase

FIELDS = [
    "reference",
    "status",
    "channel",
    "start",
    "end",
    "email",
    "phone",
    "language",
    "booked_at",
    "confirmed_at",
    "reconfirm_by",
    "reconfirmed_at",
    "coming_at",
    "cancelled_at",
    "cancelled_reason",
    "carried_over",
    "urgent_reason",
    "note",
]
STANDBY_FIELDS = ["reference", "email", "language", "earliest", "latest", "active"]


def _appointments(email: str) -> Any:
    return (
        Appointment.objects.filter(email__iexact=email, erased_at__isnull=True)
        .select_related("location")
        .prefetch_related("persons__requests__service")
        .order_by("start", "pk")
    )


def _record(appointment: Appointment) -> dict[str, Any]:
    persons = [
        {
            str(_("given name")): person.given_name,
            str(_("family name")): person.family_name,
            str(_("date of birth")): person.date_of_birth,
            str(_("services")): [str(request) for request in person.requests.all()],
        }
        for person in appointment.persons.all()
    ]
    return model_record(
        appointment,
        FIELDS,
        **{
            str(_("Location")): appointment.location.name,
            str(_("persons")): persons,
            str(_("reminder sent")): appointment.reminder_sent_at,
            str(_("reconfirmation requested")): appointment.reconfirm_sent_at,
            str(_("history")): audit_history(appointment),
        },
    )


def personal_data_for_email(email: str) -> list[Section]:
    sections = []
    records = [_record(appointment) for appointment in _appointments(email)]
    if records:
        note = _(
            "The links in our e-mails are secured by a random value that is stored but not "
            "shown here. Personal data of an appointment is erased 30 days after it."
        )
        sections.append(
            Section("appointments.appointments", _("Citizen-office appointments"), records, note)
        )
    standby = [
        model_record(entry, STANDBY_FIELDS, **{str(_("persons")): entry.persons})
        for entry in StandbyEntry.objects.filter(email__iexact=email).order_by("created_at")
    ]
    if standby:
        sections.append(Section("appointments.standby", _("Standby list"), standby))
    return sections


def _cancel_if_active(pk: int, *, actor: Any, now: datetime) -> bool:
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=pk)
        if not appointment.is_active or appointment.start <= now:
            return False
        appointment_cancel(
            appointment=appointment, now=now, actor=actor, reason="Löschung auf Antrag"
        )
    return True


def _erase(pk: int, *, actor: Any, now: datetime) -> bool:
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update().filter(pk=pk, erased_at__isnull=True).first()
        )
        if appointment is None:  # erased meanwhile by the retention job
            return False
        appointment_personal_data_erase(appointment, now=now, actor=actor, on_request=True)
    return True


def personal_data_erase_for_email(email: str, *, actor: Any, now: datetime) -> Erasure:
    pks = list(_appointments(email).values_list("pk", flat=True))
    cancelled = sum(_cancel_if_active(pk, actor=actor, now=now) for pk in pks)
    erased = sum(_erase(pk, actor=actor, now=now) for pk in pks)
    standby, _detail = StandbyEntry.objects.filter(email__iexact=email).delete()
    return Erasure(erased=erased + standby, cancelled=cancelled)
