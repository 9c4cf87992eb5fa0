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
        payment = Payment.objects.create(
            application=application,
            source=source,
            amount=amount,
            booked_on=booked_on,
            remittance=remittance[:300],
            debtor=debtor[:140],
            bank_reference=bank_reference,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
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
    entry: Entry = match.entry
    application = selectors.application_by_remittance(match.reference or "")
    if application is None:
        return _book_charge(match, actor=actor, now=now)
    try:
        with transaction.atomic():
            payment_record(
                application=application,
                amount=entry.amount,
                source=PaymentSource.BANK,
                booked_on=entry.booked_on,
                actor=actor,
                now=now,
                remittance=entry.remittance,
                debtor=entry.debtor,
                bank_reference=entry.bank_reference,
            )
    except (PaymentRejected, IntegrityError):  # paid meanwhile, or this entry was booked before
        return False
    return True


def _book_charge(match: Match, *, actor: Any, now: datetime) -> bool:
    """A transfer for a charge (reprint, temporary permit, visitor days)."""
    entry: Entry = match.entry
    charge = selectors.charge_by_remittance(match.reference or "")
    if charge is None:
        return False
    try:
        with transaction.atomic():
            charge_payment_record(
                charge=charge,
                amount=entry.amount,
                source=PaymentSource.BANK,
                booked_on=entry.booked_on,
                actor=actor,
                now=now,
                remittance=entry.remittance,
                debtor=entry.debtor,
                bank_reference=entry.bank_reference,
            )
    except (ChargeRejected, IntegrityError):
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
