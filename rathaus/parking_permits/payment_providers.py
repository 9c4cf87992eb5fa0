"""The interface for a state e-payment platform (ePayBL or another provider without giropay).

None is shipped: a transfer with the GiroCode and the CAMT.053 import need no third party
(docs/decisions/0018-automatic-decision-and-transfer.md). A city that wants card payment
writes a class with these two methods, names it in the setting PARKING_PAYMENT_PROVIDER
(dotted path), and adds two thin views: one that redirects to `payment_start`, one that
receives the platform's confirmation, calls `payment_confirm` and, for a confirmed payment,
`services.payments.payment_record(source="provider", …)` — which issues the permit exactly as
a matched transfer does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol


@dataclass(frozen=True)
class ProviderPayment:
    """What a confirmed payment tells us."""

    remittance: str  # the application's payment reference, as sent in `payment_start`
    amount: Decimal
    paid_on: date
    provider_reference: str  # stored as the payment's bank reference (booked once)


class PaymentProvider(Protocol):
    def payment_start(self, *, remittance: str, amount: Decimal, return_url: str) -> str:
        """The address of the platform's payment page for this application."""
        ...

    def payment_confirm(self, request: Any) -> ProviderPayment | None:
        """The verified payment of the platform's callback, or None (forged, cancelled)."""
        ...
