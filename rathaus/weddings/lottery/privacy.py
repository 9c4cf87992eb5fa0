"""Lottery applications in requests of data subjects (the contract: `rathaus/core/privacy.py`).

Export: every application made with the address, with its preferences, its result and its
audit history. Erasure: an application that can still take part is withdrawn first (it then
takes no part in the draw), then its names and contact data are erased as the retention job
does (`services.application_withdraw_and_erase`). Reference, preferences and result stay: they are
in the published result document and keep the draw verifiable; without the names they no
longer relate to a person. A reservation won in the draw is the Traukalender's
(`rathaus/weddings/privacy.py`).
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from rathaus.audit.privacy import audit_history
from rathaus.core.privacy import Erasure, Section, model_record

from .models import Application
from .services.retention import application_withdraw_and_erase

FIELDS = [
    "reference",
    "status",
    "partner1_given_name",
    "partner1_family_name",
    "partner2_given_name",
    "partner2_family_name",
    "email",
    "phone",
    "guests",
    "language",
    "email_confirmed_at",
]


def _applications(email: str):
    return (
        Application.objects.filter(email__iexact=email, erased_at__isnull=True)
        .select_related("lottery")
        .prefetch_related("preferences__venue")
        .order_by("lottery__day", "pk")
    )


def _record(application: Application) -> dict:
    result = getattr(application, "result", None)
    return model_record(
        application,
        FIELDS,
        **{
            str(_("wedding date")): application.lottery.day,
            str(_("preferred times")): [
                f"{p.rank}. {p.venue.name} {p.start:%H:%M}" for p in application.preferences.all()
            ],
            str(_("allocated slot")): result.slot if result else None,
            str(_("created")): application.created_at,
            str(_("history")): audit_history(application),
        },
    )


def personal_data_for_email(email: str) -> list[Section]:
    records = [_record(application) for application in _applications(email)]
    if not records:
        return []
    note = _(
        "The links in our e-mails are secured by a random value that is stored but not shown "
        "here. After an erasure the pseudonymous reference, the preferred times and the result "
        "stay, because they are part of the published result of the draw."
    )
    return [Section("wedding_lottery.applications", _("Lottery applications"), records, note)]


def personal_data_erase_for_email(email: str, *, actor, now: datetime) -> Erasure:
    pks = list(_applications(email).values_list("pk", flat=True))
    outcomes = [application_withdraw_and_erase(pk=pk, actor=actor, now=now) for pk in pks]
    return Erasure(
        erased=sum(erased for erased, _withdrawn in outcomes),
        cancelled=sum(withdrawn for _erased, withdrawn in outcomes),
    )
