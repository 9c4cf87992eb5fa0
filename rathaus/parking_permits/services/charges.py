"""Charges: fees billed after the fact to the holder of a permit (a reprint, a temporary permit,
visitor days). The permit is issued at once and the charge follows with its own payment
reference (docs/decisions/0027-changes-charges-refunds.md): a reference like an application's
with two check characters, so the bank statement is matched the same way, tolerant of typos.
Paid by transfer (CAMT.053, `services.payments.statement_import`) or at the counter."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from rathaus.core.mail import Attachment, mail_send_on_commit
from rathaus.core.references import reference_draw, reference_unique

from .. import audit_events as audit
from ..constants import REFERENCE_PREFIX, PaymentSource
from ..epc import creditor, epc_png, epc_png_size
from ..links import status_url
from ..matching import remittance_for
from ..models import Application, Charge, FeeRule, Payment, Permit
from .payment_rows import Money, payment_row_create

CHARGE_DUE_DAYS = 14


class ChargeRejected(ValueError):
    pass


def _reference(today: date) -> str:
    """A reference no application and no other charge has (both are matched together)."""
    return reference_unique(
        lambda: reference_draw(REFERENCE_PREFIX, length=4, year=today.year),
        lambda ref: (
            Application.objects.filter(reference=ref).exists()
            or Charge.objects.filter(remittance__startswith=f"{ref}-").exists()
        ),
    )


def charge_bill(
    *,
    application: Application,
    permit: Permit | None,
    kind: str,
    amount: Decimal,
    fee_rule: FeeRule | None,
    now: datetime,
    notify: bool = True,
) -> Charge:
    """Bill a fee to the holder (inside the caller's transaction): a charge due in 14 days with
    its own payment reference, and an e-mail with amount, reference and GiroCode (`notify`
    False: the caller's own e-mail carries them, as the visitor permit's does)."""
    if amount <= 0:
        raise ChargeRejected("A charge needs an amount above zero.")
    today = timezone.localdate(now)
    with transaction.atomic():
        charge = Charge.objects.create(
            application=application,
            permit=permit,
            kind=kind,
            fee_rule=fee_rule,
            amount=amount,
            remittance=remittance_for(_reference(today)),
            due_on=today + timedelta(days=CHARGE_DUE_DAYS),
        )
        audit.charge_billed(charge, amount=amount, kind=kind)
        if notify:
            _mail(charge)
    return charge


def _mail(charge: Charge) -> None:
    application = charge.application
    qr = Attachment(
        f"GiroCode-{charge.remittance}.png",
        epc_png(amount=charge.amount, reference=charge.remittance),
        "image/png",
        content_id=f"epc.{charge.remittance}@rathaus",
    )
    mail_send_on_commit(
        to=application.email,
        template_prefix="parking_permits/email/charge_billed",
        context={
            "application": application,
            "charge": charge,
            "creditor": creditor(),
            "status_url": status_url(application),
            "qr_cid": qr.content_id,
            "qr_size": epc_png_size(amount=charge.amount, reference=charge.remittance),
        },
        language=application.language,
        attachments=[qr],
    )


def charge_payment_record(
    *,
    charge: Charge,
    amount: Decimal,
    source: str,
    booked_on: date,
    actor: Any,
    now: datetime,
    remittance: str = "",
    debtor: str = "",
    bank_reference: str = "",
) -> Payment:
    """Record the money of a charge (the bank statement or the counter); once only, the exact
    amount."""
    with transaction.atomic():
        charge = Charge.objects.select_for_update().get(pk=charge.pk)
        if charge.paid_at is not None:
            raise ChargeRejected("This charge is already paid.")
        if amount != charge.amount:
            raise ChargeRejected("The amount differs from the charge.")
        money = Money(amount, source, booked_on, remittance, debtor, bank_reference)
        payment = payment_row_create(money, actor=actor, charge=charge)
        charge.paid_at = now
        charge.save(update_fields=["paid_at"])
        audit.charge_paid(charge, actor=actor, amount=amount, source=PaymentSource(source).label)
    return payment
