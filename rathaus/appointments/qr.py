"""The QR code of an appointment's e-mail: only the reference, which the kiosk at the
entrance reads (a camera or a scanner that types it); nothing personal."""

from __future__ import annotations

import io

import segno

from rathaus.core.mail import Attachment

SCALE = 6  # pixels a module: 174 px for a reference, sharp without scaling


def reference_qr(reference: str) -> segno.QRCode:
    # A full QR code, never a Micro QR (segno's choice for short data), which few scanners read.
    return segno.make(reference, error="m", micro=False)


def reference_qr_png(reference: str) -> bytes:
    buffer = io.BytesIO()
    reference_qr(reference).save(buffer, kind="png", scale=SCALE, border=4)
    return buffer.getvalue()


def reference_qr_size(reference: str) -> int:
    return int(reference_qr(reference).symbol_size(scale=SCALE, border=4)[0])


def reference_qr_attachment(reference: str) -> Attachment:
    return Attachment(
        f"{reference}.png",
        reference_qr_png(reference),
        "image/png",
        content_id=f"qr.{reference}@rathaus",
    )
