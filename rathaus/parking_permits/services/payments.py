"""Payments: a bank statement (CAMT.053) matched to the open applications, a payment at the
counter, and the door for a state e-payment platform (`payment_record` with source
"provider"). A permit is issued as soon as an application is decided and paid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from .. import audit_events as audit
from .. import selectors
from ..camt import Entry, statement_parse
from ..constants import PaymentSource, Status
from ..matching import Match, entries_match
from ..models import Application, ImportRun, Payment
from .charges import ChargeRejected, charge_payment_record
from .payment_rows import Money, payment_row_create
from .permits import permit_issue


class PaymentRejected(ValueError):
    pass


def payment_record(
    *,
    application: Application,
    amount: Decimal,
    source: str,
    booked_on: date,
    actor: Any,
    now: datetime,
    remittance: str = "",
    debtor: str = "",
    bank_reference: str = "",
) -> Payment:
    """Record money for an application; issue the permit when it is approved and now paid."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.paid_at is not None:
            raise PaymentRejected("This application is already paid.")
        if amount != application.amount:
            raise PaymentRejected("The amount differs from the fee.")
        money = Money(amount, source, booked_on, remittance, debtor, bank_reference)
        payment = payment_row_create(money, actor=actor, application=application)
        application.paid_at = now
        application.save(update_fields=["paid_at", "updated_at"])
        audit.payment_recorded(
            application, actor=actor, amount=amount, source=PaymentSource(source).label
        )
        if application.status == Status.APPROVED:
            permit_issue(application=application, now=now)
    return payment


@dataclass(frozen=True)
class StatementResult:
    run: ImportRun
    matches: list[Match]

    @property
    def unmatched(self) -> list[Match]:
        return [m for m in self.matches if not m.matched and m.entry.credit]


def _unmatched_row(match: Match) -> dict[str, str]:
    entry = match.entry
    return {
        "booked_on": entry.booked_on.isoformat(),
        "amount": str(entry.amount),
        "remittance": entry.remittance[:140],
        "reason": match.reason,
    }


def _book(match: Match, *, actor: Any, now: datetime) -> bool:
    """Book a matched transfer to its application, or else to its charge (a reprint, a
    temporary permit, visitor days); False when it was paid meanwhile or booked before."""
    entry: Entry = match.entry
    reference = match.reference or ""
    application = selectors.application_by_remittance(reference)
    charge = None if application is not None else selectors.charge_by_remittance(reference)
    if application is None and charge is None:
        return False
    money = {
        "amount": entry.amount,
        "source": PaymentSource.BANK,
        "booked_on": entry.booked_on,
        "actor": actor,
        "now": now,
        "remittance": entry.remittance,
        "debtor": entry.debtor,
        "bank_reference": entry.bank_reference,
    }
    try:
        with transaction.atomic():
            if application is not None:
                payment_record(application=application, **money)
            else:
                charge_payment_record(charge=charge, **money)
    except (PaymentRejected, ChargeRejected, IntegrityError):
        return False
    return True


def statement_import(*, content: bytes, actor: Any, now: datetime) -> StatementResult:
    """Parse, match against every approved unpaid application and every open charge, book the
    matches."""
    entries = statement_parse(content)
    awaiting = {**selectors.payments_awaiting(), **selectors.charges_awaiting()}
    matches = entries_match(entries, awaiting)
    booked = [m for m in matches if m.matched and _book(m, actor=actor, now=now)]
    unmatched = [m for m in matches if not m.matched and m.entry.credit]
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind="statement",
            rows=len(entries),
            matched=len(booked),
            unmatched=[_unmatched_row(m) for m in unmatched],
            imported_by=actor if getattr(actor, "pk", None) else None,
            imported_at=now,
        )
        audit.statement_imported(run, actor=actor)
    return StatementResult(run, matches)
