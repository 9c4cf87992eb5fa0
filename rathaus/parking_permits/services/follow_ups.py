"""Renewal and change of plate by the holder, without a visit (docs/parking-permits.md,
"Renewal and change of plate").

A follow-up is an Application of kind RENEWAL or PLATE_CHANGE that points to the permit it
follows (`previous_permit`) and copies the holder's data from that permit's application. It
gets its own reference, payment reference and status link, and goes through the SAME
automatic decision as a new application: the population register is asked again for the
address and the vehicle register for the plate, so it is approved at once or goes to a case
worker with the reasons. The permit it follows does not count as "already holds a permit".
Paid and approved, `services.permits.permit_issue` issues it: a renewal from the day after the
old permit ends, a new plate from today until the old end (the old permit is revoked then).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from rathaus.core.mail import Attachment, mail_send_on_commit
from rathaus.core.tokens import nonce_new

from .. import audit_events as audit
from .. import selectors
from ..constants import PERMIT_YEARS, ApplicationKind, FeeKind, PermitKind, Status
from ..decision import reason_texts
from ..epc import creditor, epc_qr
from ..follow_up_selectors import follow_up_issued, follow_up_open, renewal_open_on, renewal_opens
from ..links import status_url
from ..matching import remittance_for
from ..models import Application, Permit
from .applications import application_decide_automatically, reference_new

GIROCODE_CID = "girocode@rathaus"


class FollowUpRejected(ValueError):
    """Why a renewal or change of plate cannot be applied for (`code` for the page)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _locked(permit: Permit) -> Permit:
    return (
        Permit.objects.select_for_update(of=("self",))
        .select_related("application", "zone")
        .get(pk=permit.pk)
    )


def _check(permit: Permit, kind: str, plate: str | None, today: Any) -> None:
    if permit.kind != PermitKind.RESIDENT or permit.application.erased_at is not None:
        raise FollowUpRejected("not_resident", "Only a resident permit can be renewed or changed.")
    if permit.revoked_at is not None or permit.ends_on is not None or permit.valid_until < today:
        raise FollowUpRejected("ended", "The permit has ended: please apply anew.")
    if follow_up_issued(permit) is not None:
        raise FollowUpRejected("followed", "The permit has already been renewed or changed.")
    if kind == ApplicationKind.RENEWAL and not renewal_open_on(permit, today):
        raise FollowUpRejected(
            "too_early", f"Renewal opens on {renewal_opens(permit).isoformat()}."
        )
    if kind == ApplicationKind.PLATE_CHANGE:
        if not plate:
            raise FollowUpRejected("plate", "Please give the new licence plate.")
        if plate == permit.plate:
            raise FollowUpRejected("same_plate", "The permit is already for this plate.")


def _fee_kind(permit: Permit, kind: str, fee_kind: str | None) -> str:
    if kind == ApplicationKind.PLATE_CHANGE:
        return FeeKind.CHANGE
    if fee_kind in PERMIT_YEARS:
        return str(fee_kind)
    previous = permit.application.fee_kind
    return previous if previous in PERMIT_YEARS else FeeKind.PERMIT_1Y


def follow_up_create(
    *,
    permit: Permit,
    kind: str,
    now: datetime,
    plate: str | None = None,
    fee_kind: str | None = None,
    automatic: bool = False,
) -> Application:
    """Apply for the renewal (`fee_kind`: one or two years, by default as before) or the
    change of plate (`plate`, canonical) of `permit`, decide automatically and e-mail the
    holder the new status link (with the payment details when approved). Idempotent: while
    a follow-up of the permit is open, that one is returned and nothing is created."""
    if kind not in (ApplicationKind.RENEWAL, ApplicationKind.PLATE_CHANGE):
        raise ValueError(kind)
    today = timezone.localdate(now)
    with transaction.atomic():
        permit = _locked(permit)
        already = follow_up_open(permit)
        if already is not None:
            return already
        _check(permit, kind, plate, today)
        chosen = _fee_kind(permit, kind, fee_kind)
        fee = selectors.fee_rule_on(chosen, today)
        if fee is None:
            raise FollowUpRejected("no_fee", "No fee is in force for this.")
        source = permit.application
        reference = reference_new(today)
        application = Application.objects.create(
            reference=reference,
            nonce=nonce_new(),
            kind=kind,
            previous_permit=permit,
            language=source.language,
            given_name=source.given_name,
            family_name=source.family_name,
            birth_date=source.birth_date,
            email=source.email,
            phone=source.phone,
            street=source.street,
            house_number=source.house_number,
            zone=permit.zone,
            plate=plate if kind == ApplicationKind.PLATE_CHANGE and plate else permit.plate,
            use_basis=source.use_basis,
            keeper_name=source.keeper_name,
            car_sharing_provider=source.car_sharing_provider,
            no_garage_confirmed=source.no_garage_confirmed,
            fee_kind=chosen,
            fee_rule=fee,
            amount=fee.amount,
            remittance=remittance_for(reference),
        )
        audit.follow_up_submitted(application, kind=kind, number=permit.number)
        application_decide_automatically(application, now=now)
        _mail_received(application, permit, automatic=automatic)
    return application


def _girocode(application: Application) -> Attachment:
    buffer = io.BytesIO()
    epc_qr(amount=application.amount, reference=application.remittance).save(
        buffer, kind="png", scale=4, border=4
    )
    return Attachment("GiroCode.png", buffer.getvalue(), "image/png", content_id=GIROCODE_CID)


def _mail_received(application: Application, permit: Permit, *, automatic: bool) -> None:
    approved = application.status == Status.APPROVED
    mail_send_on_commit(
        to=application.email,
        template_prefix="parking_permits/email/follow_up_received",
        context={
            "application": application,
            "permit": permit,
            "automatic": automatic,
            "status_url": status_url(application),
            "creditor": creditor(),
            "reasons": [str(text) for text in reason_texts(application.reasons)],
            "girocode_cid": GIROCODE_CID if approved else "",
        },
        language=application.language,
        attachments=[_girocode(application)] if approved else [],
    )


def permit_auto_renew_set(*, permit: Permit, on: bool, now: datetime) -> Permit:
    """Switch automatic renewal on or off: the six-week job then applies for the renewal
    itself and e-mails the payment request instead of the reminder."""
    with transaction.atomic():
        permit = _locked(permit)
        if permit.kind != PermitKind.RESIDENT or permit.revoked_at is not None:
            raise FollowUpRejected("ended", "The permit has ended.")
        if permit.auto_renew != on:
            permit.auto_renew = on
            permit.save(update_fields=["auto_renew"])
            audit.permit_auto_renew(permit, on=on)
    return permit
