"""Resident-parking applications in requests of data subjects (the contract:
`rathaus/core/privacy.py`). Export: every application made with the address, with its
documents (named, not attached), payments, permit and audit history. Erasure: the same
function as the retention job (`services.applications.application_personal_data_erase`); the
reference, zone, fee and payment dates stay for the municipal accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from rathaus.audit.privacy import audit_history
from rathaus.core.privacy import Erasure, Section, model_record

from .constants import PermitKind
from .models import Application
from .services.applications import application_personal_data_erase

FIELDS = [
    "reference",
    "status",
    "given_name",
    "family_name",
    "birth_date",
    "email",
    "phone",
    "house_number",
    "plate",
    "use_basis",
    "keeper_name",
    "car_sharing_provider",
    "no_garage_confirmed",
    "fee_kind",
    "amount",
    "reasons",
    "decided_at",
    "automatic",
    "refusal_reason",
    "paid_at",
    "created_at",
]


def _applications(email: str) -> Any:
    return (
        Application.objects.filter(email__iexact=email, erased_at__isnull=True)
        .select_related("street", "zone")
        .prefetch_related("documents", "payments")
        .order_by("created_at")
    )


def _record(application: Application) -> dict[str, Any]:
    permit = application.permits.filter(kind=PermitKind.RESIDENT).first()
    return model_record(
        application,
        FIELDS,
        **{
            str(_("street")): application.street.name,
            str(_("zone")): application.zone.name,
            str(_("documents")): [d.get_kind_display() for d in application.documents.all()],
            str(_("payments")): [
                {str(_("amount")): str(p.amount), str(_("booked on")): p.booked_on.isoformat()}
                for p in application.payments.all()
            ],
            str(_("permit")): (
                {
                    str(_("number")): permit.number,
                    str(_("valid from")): permit.valid_from.isoformat(),
                    str(_("valid until")): permit.valid_until.isoformat(),
                }
                if permit
                else None
            ),
            str(_("visitor day permits")): [
                {
                    str(_("number")): visitor.number,
                    str(_("licence plate")): visitor.plate,
                    str(_("valid from")): visitor.valid_from.isoformat(),
                    str(_("valid until")): visitor.valid_until.isoformat(),
                    str(_("amount")): str(visitor.amount),
                }
                for visitor in application.permits.filter(kind=PermitKind.VISITOR).order_by(
                    "valid_from"
                )
            ],
            str(_("history")): audit_history(application),
        },
    )


def personal_data_for_email(email: str) -> list[Section]:
    records = [_record(application) for application in _applications(email)]
    if not records:
        return []
    note = _(
        "The status link is secured by a random value that is stored but not shown here. "
        "Uploaded documents are listed by kind; staff can hand out copies."
    )
    return [Section("parking_permits.applications", _("Resident parking permits"), records, note)]


def personal_data_erase_for_email(email: str, *, actor: Any, now: datetime) -> Erasure:
    pks = list(_applications(email).values_list("pk", flat=True))
    for application in Application.objects.filter(pk__in=pks):
        application_personal_data_erase(application=application, actor=actor, now=now)
    retained = (
        [_("Reference, zone, fee and payment dates of each application stay for the accounts.")]
        if pks
        else []
    )
    return Erasure(erased=len(pks), retained=retained)
