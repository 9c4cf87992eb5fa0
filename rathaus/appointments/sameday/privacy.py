"""Same-day requests in requests of data subjects (the contract: `rathaus/core/privacy.py`).

Export: every request of the address with its draw's day and location and the outcome.
Erasure: the requests are deleted (one still waiting for today's draw is withdrawn); an
appointment won in the draw is an appointment like any other and is erased by the
appointments' own provider."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from rathaus.core.identity import email_key
from rathaus.core.privacy import Erasure, Section, model_record

from .models import SameDayRequest
from .services.retention import requests_erase_for_email

FIELDS = ["reference", "created_at", "email", "persons", "minutes", "reason", "status"]


def personal_data_for_email(email: str) -> list[Section]:
    requests = SameDayRequest.objects.filter(email_key=email_key(email)).select_related(
        "draw__location"
    )
    records = [
        model_record(
            request,
            FIELDS,
            **{
                str(_("day")): request.draw.day.isoformat(),
                str(_("location")): request.draw.location.name,
            },
        )
        for request in requests.order_by("created_at")
    ]
    if not records:
        return []
    note = _("Same-day requests are deleted 30 days after their day.")
    return [Section("appointments_sameday.requests", _("Same-day requests"), records, note)]


def personal_data_erase_for_email(email: str, *, actor: Any, now: datetime) -> Erasure:
    return Erasure(erased=requests_erase_for_email(email_key(email)))
