"""Audit entries in requests of data subjects (the contract: `rathaus/core/privacy.py`).

Entries never hold a citizen's address, so the history of a citizen's object is exported by
the provider of that object through `audit_history(obj)`, and its free text is blanked when
that object is erased (`services.personal_data_scrub`). This module's own section covers
members of staff: the entries they wrote as actors. Those stay, for the accountability of the
administration (Art. 17 (3) (b) and (e) DSGVO).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.privacy import Erasure, Section, value_json

from .models import AuditEntry
from .selectors import audit_line


def _entry_record(entry: AuditEntry, *, with_object: bool) -> dict:
    line = audit_line(entry)
    record = {str(_("when")): value_json(entry.created_at)}
    if with_object:
        record[str(_("object"))] = entry.object_label
    record[str(_("who"))] = line.actor
    record[str(_("event"))] = line.sentence
    if line.changes:
        record[str(_("changes"))] = [
            {
                str(_("field")): change.label,
                str(_("before")): change.before,
                str(_("after")): change.after,
            }
            for change in line.changes
        ]
    return record


def audit_history(obj: models.Model) -> list[dict]:
    """The audit trail of one object, oldest first, as sentences for the person reading it."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    ).order_by("created_at", "id")
    return [_entry_record(entry, with_object=False) for entry in entries]


def _staff_entries(email: str):
    return AuditEntry.objects.filter(actor__email__iexact=email).order_by("created_at", "id")


def personal_data_for_email(email: str) -> list[Section]:
    records = [_entry_record(entry, with_object=True) for entry in _staff_entries(email)]
    if not records:
        return []
    return [
        Section(
            "audit.actions",
            _("Actions recorded in the audit trail (as a member of staff)"),
            records,
            _("Kept for the accountability of the administration (Art. 17 (3) (b) GDPR)."),
        )
    ]


def personal_data_erase_for_email(email: str, *, actor, now: datetime) -> Erasure:
    if not _staff_entries(email).exists():
        return Erasure()
    return Erasure(
        retained=[
            _(
                "Audit entries of actions taken as a member of staff (accountability of the "
                "administration, Art. 17 (3) (b) GDPR)."
            )
        ]
    )
