"""SEPA credit transfer as an EPC QR code ("GiroCode", EPC069-12): the banking app fills in
payee, IBAN, amount and the remittance reference. No payment provider involved."""

from __future__ import annotations

import io
from decimal import Decimal

import segno
from django.conf import settings
from segno import helpers as segno_helpers

# Placeholders until the city's treasury account is configured (docs/configuration.md).
DEFAULT_CREDITOR = "Stadt Bottrop"
DEFAULT_IBAN = "DE02120300000000202051"
DEFAULT_BIC = ""


def creditor() -> dict[str, str]:
    return {
        "name": getattr(settings, "PARKING_CREDITOR_NAME", DEFAULT_CREDITOR),
        "iban": getattr(settings, "PARKING_CREDITOR_IBAN", DEFAULT_IBAN),
        "bic": getattr(settings, "PARKING_CREDITOR_BIC", DEFAULT_BIC),
    }


def epc_qr(*, amount: Decimal, reference: str) -> segno.QRCode:
    account = creditor()
    return segno_helpers.make_epc_qr(
        name=account["name"],
        iban=account["iban"],
        bic=account["bic"] or None,
        amount=amount,
        text=reference,
        encoding="utf-8",
    )


def epc_svg(*, amount: Decimal, reference: str, title: str) -> str:
    """An inline SVG (no script, no external reference) with a <title> for screen readers."""
    qr = epc_qr(amount=amount, reference=reference)
    return str(
        qr.svg_inline(scale=4, title=title, svgclass="epc-qr", lineclass=None, omitsize=False)
    )


def epc_png(*, amount: Decimal, reference: str, scale: int = 4) -> bytes:
    """The GiroCode as a PNG, for an e-mail (an inline part, `cid:`)."""
    out = io.BytesIO()
    epc_qr(amount=amount, reference=reference).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def epc_png_size(*, amount: Decimal, reference: str, scale: int = 4) -> int:
    qr = epc_qr(amount=amount, reference=reference)
    return int(qr.symbol_size(scale=scale, border=4)[0])
