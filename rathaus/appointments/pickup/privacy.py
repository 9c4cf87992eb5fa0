"""Documents ready for pick-up in requests of data subjects (`rathaus/core/privacy.py`).

Export: every pick-up with the address and its audit history. Erasure: the retention job's
own `services.pickup_personal_data_erase`; a document not yet handed over keeps its
record (the city must hand the document to its owner), which the erasure names as retained.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rathaus.audit.privacy import audit_history
from rathaus.core.privacy import Erasure, Section, model_record

from .models import Pickup

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from .services import pickup_personal_data_erase

FIELDS = [
    "reference",
    "document_kind",
    "document_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "email",
    "status",
    "ready_at",
    "postal_address",
    "postal_fee_eur",
    "postal_requested_at",
    "handed_over_at",
]


def _pickups(email: str) -> Any:
    return Pickup.objects.filter(email__iexact=email, erased_at__isnull=True).select_related(
        "location", "appointment"
    )


def personal_data_for_email(email: str) -> list[Section]:
    records = [
        model_record(
            pickup,
            FIELDS,
            **{
                str(_("Location")): pickup.location.name,
                str(_("pick-up appointment")): pickup.appointment.reference
                if pickup.appointment
                else None,
                str(_("history")): audit_history(pickup),
            },
        )
        for pickup in _pickups(email).order_by("ready_at", "pk")
    ]
    if not records:
        return []
    note = _(
        "A document not yet handed over is kept until it is picked up or posted; its data is "
        "erased 30 days later."
    )
    return [Section("appointments_pickup.pickups", _("Documents ready for pick-up"), records, note)]


def personal_data_erase_for_email(email: str, *, actor: Any, now: datetime) -> Erasure:
    erased = 0
    kept = 0
    for pk in list(_pickups(email).values_list("pk", flat=True)):
        with transaction.atomic():
            pickup = (
                Pickup.objects.select_for_update().filter(pk=pk, erased_at__isnull=True).first()
            )
            if pickup is None:
                continue
            if pickup.is_open:
                kept += 1
                continue
            pickup_personal_data_erase(pickup, now=now, actor=actor, on_request=True)
            erased += 1
    retained: list[StrOrPromise] = (
        [
            _(
                "%(count)s documents not yet handed over: kept until they reach their owner "
                "(Passport and Identity Card Acts)."
            )
            % {"count": kept}
        ]
        if kept
        else []
    )
    return Erasure(erased=erased, retained=retained)
