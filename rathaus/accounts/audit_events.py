"""Audit events of requests of data subjects (`rathaus/core/privacy.py`), with their sentences.

Recorded on the member of staff who handled the request; never with the e-mail address.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from rathaus.audit.models import AuditEntry
from rathaus.audit.registry import event_register
from rathaus.audit.services import audit_record

event_register(
    "privacy.request.exported",
    _("%(actor)s exported the personal data stored for one e-mail address (%(records)s records)."),
)
event_register(
    "privacy.request.erased",
    _(
        "%(actor)s erased the personal data stored for one e-mail address: %(erased)s "
        "erased, %(cancelled)s cancelled beforehand."
    ),
)


def privacy_request_exported(*, actor: Any, records: int) -> AuditEntry:
    return audit_record(code="privacy.request.exported", obj=actor, actor=actor, records=records)


def privacy_request_erased(*, actor: Any, erased: int, cancelled: int) -> AuditEntry:
    return audit_record(
        code="privacy.request.erased", obj=actor, actor=actor, erased=erased, cancelled=cancelled
    )
