"""Audit entries as sentences staff can read, in the reader's language (the sentences are
registered by the app that owns each event: `audit.registry`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from rathaus.core.timezone import to_local

from .models import AuditEntry
from .registry import event_get

_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditLine:
    when: datetime
    actor: str
    code: str
    sentence: str
    changes: list[Change]


def display(value) -> str:
    """A stored value as the reader sees it: dates localised, labels translated."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and _DATETIME.match(value):
        return formats.date_format(to_local(datetime.fromisoformat(value)), "d.m.Y H:i")
    if isinstance(value, str) and _DATE.match(value):
        return formats.date_format(date.fromisoformat(value), "d.m.Y")
    if isinstance(value, str):
        return _(value) if value else value
    if isinstance(value, list):
        return ", ".join(display(item) for item in value)
    return str(value)


def _actor(entry: AuditEntry) -> str:
    return entry.actor_name or _("The system")


def audit_line(entry: AuditEntry) -> AuditLine:
    values = {key: display(value) for key, value in entry.data.items() if key != "changes"}
    event = event_get(entry.code)
    if event is not None and event.values is not None:
        values.update(event.values(entry.data, values))
    values["actor"] = _actor(entry)
    template = event.sentence if event is not None else None
    try:
        sentence = str(template) % values if template else f"{values['actor']}: {entry.code}"
    except (KeyError, TypeError, ValueError):
        sentence = f"{values['actor']}: {entry.code}"
    changes = [
        Change(_(change["label"]), display(change["before"]), display(change["after"]))
        for change in entry.data.get("changes", [])
    ]
    return AuditLine(entry.created_at, values["actor"], entry.code, sentence, changes)


def audit_lines_for(obj: models.Model, *, limit: int = 200) -> list[AuditLine]:
    """The history of one object, newest first."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    )[:limit]
    return [audit_line(entry) for entry in entries]


def audit_lines_with_codes(prefixes: tuple[str, ...], *, limit: int = 50) -> list[AuditLine]:
    """Recent entries whose code starts with one of `prefixes` (e.g. global closures)."""
    query = models.Q()
    for prefix in prefixes:
        query |= models.Q(code__startswith=prefix)
    return [audit_line(entry) for entry in AuditEntry.objects.filter(query)[:limit]]
