"""Amounts in euros as people type them, in German or English notation. No Django.

Accepted: "450", "450,00", "450.00", "1.234,56", "1,234.56", "1 234,56", "1'234.56",
"450,-", with or without "€"/"EUR" and spaces around, and a leading sign (the form's minimum
then rejects negative amounts with its own message).

Rejected as ambiguous: one separator followed by exactly three digits after one to three
leading digits ("1.234", "100,000"): 1234 in one notation, 1.234 in the other. Everything else
that is not one of the forms above is rejected as malformed; nothing is guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal

_CURRENCY = re.compile(r"^(?:€|eur|euro)\s*|\s*(?:€|eur|euro)$", re.IGNORECASE)
_GROUP = re.compile(r"[.,'\s]")
_WHOLE_EUROS = re.compile(r"[.,][-–—]$")  # "450,-" is German for 450.00
_ALLOWED = re.compile(r"[0-9.,'\s]+")
_SIGNS = {"-": "-", "−": "-", "+": ""}


class AmountError(ValueError):
    """The text is not an amount; `ambiguous` tells which message fits."""

    def __init__(self, text: str, *, ambiguous: bool = False):
        super().__init__(text)
        self.text = text
        self.ambiguous = ambiguous


def amount_parse(text: str) -> Decimal:
    """The amount `text` stands for, or AmountError."""
    value = text.strip()
    value = _CURRENCY.sub("", value).strip()
    sign = ""
    if value[:1] in _SIGNS:
        sign = _SIGNS[value[0]]
        value = _CURRENCY.sub("", value[1:].strip()).strip()
    value = _WHOLE_EUROS.sub("", value)
    if not value or not _ALLOWED.fullmatch(value) or not any(c.isdigit() for c in value):
        raise AmountError(text)
    integer, fraction = _split(value, text)
    digits = _ungroup(integer, text)
    if not digits and not fraction:
        raise AmountError(text)
    return Decimal(f"{sign}{digits or '0'}.{fraction}" if fraction else f"{sign}{digits}")


def _split(value: str, text: str) -> tuple[str, str]:
    """Integer part (possibly grouped) and fraction digits."""
    dots, commas = value.count("."), value.count(",")
    if dots and commas:
        decimal = "." if value.rfind(".") > value.rfind(",") else ","
        if value.count(decimal) > 1:
            raise AmountError(text)
    elif dots + commas == 1:
        decimal = "." if dots else ","
        head, tail = value.split(decimal)
        if len(tail) == 3 and tail.isdigit() and _could_be_group(head):
            raise AmountError(text, ambiguous=True)
    else:
        return value, ""  # no separator, or one kind repeated: a grouped integer
    integer, fraction = value.rsplit(decimal, 1)
    if not fraction.isdigit():
        raise AmountError(text)
    return integer, fraction


def _could_be_group(head: str) -> bool:
    return head.isdigit() and 1 <= len(head) <= 3 and head != "0"


def _ungroup(integer: str, text: str) -> str:
    """'1.234.567' -> '1234567'; one kind of separator, three digits in every later group."""
    kinds = {" " if c.isspace() else c for c in integer if not c.isdigit()}
    if not kinds:
        return integer
    groups = _GROUP.split(integer)
    first, rest = groups[0], groups[1:]
    if len(kinds) > 1 or not (first.isdigit() and len(first) <= 3):
        raise AmountError(text)
    if not all(group.isdigit() and len(group) == 3 for group in rest):
        raise AmountError(text)
    return "".join(groups)
