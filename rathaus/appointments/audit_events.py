"""The appointments app's audit events: the catalogue (a wrong duration silently breaks a
calendar, so every edit is recorded with before and after), counters, and appointments."""

from __future__ import annotations

from collections.abc import Callable
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
        fields = ", ".join(str(change["label"]) for change in changed)
        _CATALOGUE[code](obj, actor, {"name": str(obj), "fields": fields, "changes": changed})


def appointment_event(code: str, appointment: Model, actor: Any = None, **data: Any) -> None:
    _APPOINTMENT[code](appointment, actor, {"reference": str(appointment), **data})


# One recorder per code, each with its code written out (the registry test reads them).
Recorder = Callable[[Model, Any, dict[str, Any]], None]


def _service_changed(obj: Model, actor: Any, data: dict[str, Any]) -> None:
    audit_record(code="appointments.service_changed", obj=obj, actor=actor, **data)


def _location_changed(obj: Model, actor: Any, data: dict[str, Any]) -> None:
    audit_record(code="appointments.location_changed", obj=obj, actor=actor, **data)


def _counter_changed(obj: Model, actor: Any, data: dict[str, Any]) -> None:
    audit_record(code="appointments.counter_changed", obj=obj, actor=actor, **data)


def _booked(obj: Model, actor: Any, data: dict[str, Any]) -> None:
    audit_record(code="appointments.booked", obj=obj, actor=actor, **data)


def _confirmed(obj: Model, actor: Any, data: dict[str, Any]) -> None:
    audit_record(code="appointments.confirmed", obj=obj, actor=actor, **data)


def _cancelled(obj: Model, actor: Any, data: dict[str, Any]) -> None:
    audit_record(code="appointments.cancelled", obj=obj, actor=actor, **data)


def _moved(obj: Model, actor: Any, data: dict[str, Any]) -> None:
    audit_record(code="appointments.moved", obj=obj, actor=actor, **data)


def _lapsed(obj: Model, actor: Any, data: dict[str, Any]) -> None:
    audit_record(code="appointments.lapsed", obj=obj, actor=actor, **data)


def _finished(obj: Model, actor: Any, data: dict[str, Any]) -> None:
    audit_record(code="appointments.finished", obj=obj, actor=actor, **data)


def _erased(obj: Model, actor: Any, data: dict[str, Any]) -> None:
    audit_record(code="appointments.erased", obj=obj, actor=actor, **data)


_CATALOGUE: dict[str, Recorder] = {
    "appointments.service_changed": _service_changed,
    "appointments.location_changed": _location_changed,
    "appointments.counter_changed": _counter_changed,
}
_APPOINTMENT: dict[str, Recorder] = {
    "appointments.booked": _booked,
    "appointments.confirmed": _confirmed,
    "appointments.cancelled": _cancelled,
    "appointments.moved": _moved,
    "appointments.lapsed": _lapsed,
    "appointments.finished": _finished,
    "appointments.erased": _erased,
}
