"""The one way a payment row is written, for an application's fee and for a charge alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..models import Application, Charge, Payment


@dataclass(frozen=True)
class Money:
    """What came in: the amount, from where, when, and what the bank said about it."""

    amount: Decimal
    source: str
    booked_on: date
    remittance: str = ""
    debtor: str = ""
    bank_reference: str = ""


def payment_row_create(
    money: Money,
    *,
    actor: Any,
    application: Application | None = None,
    charge: Charge | None = None,
) -> Payment:
    return Payment.objects.create(
        application=application,
        charge=charge,
        source=money.source,
        amount=money.amount,
        booked_on=money.booked_on,
        remittance=money.remittance[:300],
        debtor=money.debtor[:140],
        bank_reference=money.bank_reference,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
