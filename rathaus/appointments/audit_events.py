"""The appointments app's audit events: the catalogue (a wrong duration silently breaks a
calendar, so every edit is recorded with before and after), counters, and appointments."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from rathaus.audit.registry import event_register
from rathaus.audit.services import audit_record, changes, snapshot

event_register("appointments.service_created", _("Service %(name)s was added to the catalogue."))
event_register("appointments.service_changed", _("Service %(name)s was changed: %(fields)s."))
event_register(
    "appointments.fee_created", _("Fee of %(service)s from %(valid_from)s: %(amount)s €.")
)
event_register("appointments.fee_deleted", _("Fee of %(service)s from %(valid_from)s was removed."))
event_register("appointments.location_changed", _("Location %(name)s was changed: %(fields)s."))
event_register("appointments.counter_created", _("Counter %(name)s was added."))
event_register("appointments.counter_changed", _("Counter %(name)s was changed: %(fields)s."))
event_register("appointments.booked", _("Appointment %(reference)s was booked (%(channel)s)."))
event_register("appointments.confirmed", _("Appointment %(reference)s was confirmed."))
event_register("appointments.cancelled", _("Appointment %(reference)s was cancelled."))
event_register("appointments.moved", _("Appointment %(reference)s was moved to %(start)s."))
event_register("appointments.lapsed", _("Appointment %(reference)s lapsed (%(why)s)."))
event_register("appointments.finished", _("Appointment %(reference)s: %(outcome)s."))
event_register("appointments.erased", _("Personal data of appointment %(reference)s was erased."))


def catalogue_snapshot(obj: Model, fields: list[str]) -> dict[str, dict[str, Any]]:
    return snapshot(obj, fields)


def catalogue_changed(
    *, code: str, obj: Model, actor: Any, before: dict[str, dict[str, Any]]
) -> None:
    """Record an edit with every changed field's label, old and new value (none: no entry)."""
    after = snapshot(obj, list(before))
    changed = changes(before, after)
    if changed:
        audit_record(
            code=code,
            obj=obj,
            actor=actor,
            name=str(obj),
            fields=", ".join(str(change["label"]) for change in changed),
            changes=changed,
        )


def appointment_event(code: str, appointment: Model, actor: Any = None, **data: Any) -> None:
    audit_record(code=code, obj=appointment, actor=actor, reference=str(appointment), **data)
