"""Wedding reservations in requests of data subjects (the contract: `rathaus/core/privacy.py`).

Export: every reservation made with the address, with its reminders, the venue's answer and
its audit history. Erasure: a reservation that is still active and lies in the future is
cancelled first through `services.reservation_cancel` (the slot is freed and the couple gets
the cancellation e-mail), then every reservation is erased by the retention job's own
`backoffice.services.reservation_personal_data_erase`, so an erasure on request and one by the
retention rule erase exactly the same fields. Each step runs in its own short transaction and is
audited without the address.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rathaus.audit.privacy import audit_history
from rathaus.core.privacy import Erasure, Section, model_record, value_json
from rathaus.weddings import audit_events as audit

from . import services
from .audit_events import REMINDER_KINDS
from .backoffice import services as office_services
from .constants import ACTIVE_RESERVATION_STATUSES
from .models import Reservation

ACTIVE = ACTIVE_RESERVATION_STATUSES
FIELDS = [
    "reference",
    "status",
    "start",
    "end",
    "partner1_given_name",
    "partner1_family_name",
    "partner2_given_name",
    "partner2_family_name",
    "email",
    "phone",
    "guests",
    "language",
    "note",
    "notice_deadline",
    "notice_filed_on",
    "cancelled_reason",
    "fee_eur",
]


def _reservations(email: str):
    return (
        Reservation.objects.filter(email__iexact=email)
        .select_related("venue", "registrar")
        .prefetch_related("reminders")
        .order_by("start", "pk")
    )


def _venue_agreement(reservation: Reservation):
    agreement = getattr(reservation, "venue_agreement", None)
    if agreement is None:
        return None
    return {
        str(_("agreed")): agreement.agreed,
        str(_("reason for declining")): agreement.reason,
        str(_("when")): value_json(agreement.updated_at),
    }


def _record(reservation: Reservation) -> dict:
    reminders = [
        {str(_("reminder")): str(REMINDER_KINDS.get(r.kind, r.kind)), str(_("sent")): r.sent_at}
        for r in reservation.reminders.all()
    ]
    return model_record(
        reservation,
        FIELDS,
        **{
            str(_("Venue")): reservation.venue.name,
            str(_("Registrar")): reservation.registrar.name if reservation.registrar else None,
            str(_("e-mail address confirmed")): reservation.confirmed_email_at,
            str(_("created")): reservation.created_at,
            str(_("last changed")): reservation.updated_at,
            str(_("venue's agreement")): _venue_agreement(reservation),
            str(_("reminders sent")): reminders,
            str(_("history")): audit_history(reservation),
        },
    )


def personal_data_for_email(email: str) -> list[Section]:
    records = [_record(reservation) for reservation in _reservations(email)]
    if not records:
        return []
    note = _(
        "The links in our e-mails are secured by a random value that is stored but not shown "
        "here. A wedding that took place is recorded in the civil-status register, which is "
        "kept outside this website."
    )
    return [Section("weddings.reservations", _("Wedding reservations"), records, note)]


def _cancel_if_active(pk: int, *, actor, now: datetime) -> bool:
    with transaction.atomic():
        reservation = Reservation.objects.select_for_update().get(pk=pk)
        if reservation.status not in ACTIVE or reservation.start <= now:
            return False
        before = audit.snapshot(reservation, ["status"])
        reservation = services.reservation_cancel(reservation=reservation, now=now)
        audit.reservation_cancelled_on_request(
            actor=actor,
            reservation=reservation,
            changes=audit.changes(before, audit.snapshot(reservation, ["status"])),
        )
    return True


def _erase(pk: int, *, actor) -> bool:
    with transaction.atomic():
        reservation = (
            Reservation.objects.select_for_update(of=("self",))
            .filter(pk=pk, erasure__isnull=True)
            .first()
        )
        if reservation is None:  # erased meanwhile by the retention job
            return False
        office_services.reservation_personal_data_erase(reservation, actor=actor, on_request=True)
    return True


def personal_data_erase_for_email(email: str, *, actor, now: datetime) -> Erasure:
    pks = list(_reservations(email).filter(erasure__isnull=True).values_list("pk", flat=True))
    cancelled = sum(_cancel_if_active(pk, actor=actor, now=now) for pk in pks)
    erased = sum(_erase(pk, actor=actor) for pk in pks)
    return Erasure(erased=erased, cancelled=cancelled)
