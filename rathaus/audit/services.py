"""Writing audit entries: `audit_record` and the helpers for before/after values.

The event functions live in the app that owns the event (`<app>/audit_events.py`, see
`audit.registry`); they call `audit_record` inside the transaction of the change itself, so an
entry exists exactly when the change does. `audit` never imports a domain app (the dependency
rule: domain apps use `audit`, not the other way round). Values are stored JSON-ready: instants
and dates as ISO strings, choice values as their English label, which `audit.selectors`
translates and formats for the reader.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import translation

from rathaus.core import sql

from .models import AuditEntry

PERSONAL_KEYS = ("reason",)  # free text staff typed; erased with the object's personal data


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json(item) for key, item in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _actor_name(actor) -> str:
    if actor is None:
        return ""
    return actor.get_full_name() or actor.get_username()


def audit_record(*, code: str, obj: models.Model, actor=None, **data) -> AuditEntry:
    """One entry about `obj`; `code` must be registered (`audit.registry.event_register`)."""
    return sql.insert(  # every reservation writes one: no ORM query building
        AuditEntry(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=_actor_name(actor),
            code=code,
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
            object_label=str(obj)[:200],
            data={key: _json(value) for key, value in data.items()},
        )
    )


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, dict]:
    """Field values with their (English) labels, ready to compare before and after a change."""
    result = {}
    with translation.override(None):
        for name in fields:
            field = instance._meta.get_field(name)
            value = getattr(instance, name)
            if field.choices:
                value = dict(field.flatchoices).get(value, value)
            result[name] = {"label": str(field.verbose_name), "value": _json(value)}
    return result


def changes(before: dict[str, dict], after: dict[str, dict]) -> list[dict]:
    return [
        {
            "field": name,
            "label": old["label"],
            "before": old["value"],
            "after": after[name]["value"],
        }
        for name, old in before.items()
        if name in after and old["value"] != after[name]["value"]
    ]


def personal_data_scrub(*, obj: models.Model) -> int:
    """Blank the free-text values of every entry about `obj` (part of erasing its data)."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    )
    count = 0
    for entry in entries:
        if any(entry.data.get(key) for key in PERSONAL_KEYS):
            entry.data = {**entry.data, **{key: "" for key in PERSONAL_KEYS if key in entry.data}}
            entry.save(update_fields=["data"])
            count += 1
    return count
