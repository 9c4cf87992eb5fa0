"""The refund of a permit ended early, and the IBAN it is paid to (pure; no database).

Refund rule (docs/decisions/0027-changes-charges-refunds.md): the permit's months run from
its first day (a permit from 15 March has months 15 March – 14 April, …). Every month that
has not begun on the day the permit ends is refunded:

    refund = fee × whole months not begun / months of the period, rounded down to the cent

Nothing is refunded when less than one whole month remains. A month that has begun is used,
however few days of it are left, as a day started counts as used elsewhere in fee law.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")


def _month_start(valid_from: date, month: int) -> date:
    """The first day of the permit's month number `month` (0 = the first month)."""
    return valid_from + relativedelta(months=month)


def period_months(valid_from: date, valid_until: date) -> int:
    """How many months the permit was issued for (12 for one year, 24 for two)."""
    months = 0
    while _month_start(valid_from, months) <= valid_until:
        months += 1
    return months


def months_not_begun(valid_from: date, valid_until: date, ends: date) -> int:
    """Whole months of the permit that have not begun on `ends` (the first day without it)."""
    total = period_months(valid_from, valid_until)
    return sum(1 for month in range(total) if _month_start(valid_from, month) >= ends)


@dataclass(frozen=True)
class RefundFigure:
    amount: Decimal
    months: int
    of_months: int


def refund_figure(*, fee: Decimal, valid_from: date, valid_until: date, ends: date) -> RefundFigure:
    total = period_months(valid_from, valid_until)
    months = months_not_begun(valid_from, valid_until, ends)
    if total == 0 or months == 0:
        return RefundFigure(Decimal("0.00"), 0, total)
    amount = (fee * months / total).quantize(CENT, rounding=ROUND_DOWN)
    return RefundFigure(amount, months, total)


# --- IBAN -------------------------------------------------------------------------------------

# Lengths of the SEPA countries' IBANs (ECBS/SWIFT IBAN registry).
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "VA": 22,
}  # fmt: skip
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+")


class IbanInvalid(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def iban_normalize(text: str) -> str:
    """DE89 3704 0044 0532 0130 00 → DE89370400440532013000, or IbanInvalid with the reason
    (length of the country, characters, the check digits by ISO 7064 mod 97-10)."""
    iban = re.sub(r"[\s-]+", "", text or "").upper()
    if not iban:
        raise IbanInvalid(str(_("Please give the IBAN.")))
    if not _IBAN_SHAPE.fullmatch(iban):
        raise IbanInvalid(
            str(_("An IBAN starts with the country code and two digits, e.g. DE89 3704 …"))
        )
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is None:
        raise IbanInvalid(str(_("Refunds can only be paid to an account in the SEPA area.")))
    if len(iban) != expected:
        raise IbanInvalid(
            str(_("An IBAN of this country has %(expected)s characters, this one %(got)s."))
            % {"expected": expected, "got": len(iban)}
        )
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        raise IbanInvalid(
            str(_("This IBAN is not valid: the check digits do not fit. Please check it."))
        )
    return iban


def iban_masked(iban: str) -> str:
    """DE89 **** **** **** **30 00: what a page shows of a stored IBAN."""
    if len(iban) < 8:
        return iban
    return f"{iban[:4]} … {iban[-4:]}"
