"""The permit to print (DIN A6 landscape fits behind a windscreen) and the refusal notice.

The permit shows plate, zone, validity and the permit number in large type, and the signed
code as a QR code. The QR holds the address of the public check page with the code, so any
phone camera opens the check; the code itself verifies offline with the published key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

import segno
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, A6, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

AUTHORITY = "Stadt Bottrop – Straßenverkehrsamt / Bürgerbüro"
AUTHORITY_ADDRESS = "Ernst-Wilczok-Platz 1, 46236 Bottrop"


@dataclass(frozen=True)
class PermitSheet:
    number: str
    plate: str
    zone: str
    valid_from: date
    valid_until: date
    check_url: str
    display_required: bool
    title: str = ""  # empty: "Resident parking permit"
    subtitle: str = ""  # empty: the legal basis of a resident permit
    temporary: bool = False  # a short-lived permit for a replacement vehicle


def _qr_draw(pdf: canvas.Canvas, data: str, *, x: float, y: float, size: float) -> None:
    """The QR code as vector modules (crisp when printed; no image encoding)."""
    # A fixed mask spares the encoder trying all eight (most of its time); any mask is valid.
    matrix = segno.make(data, error="m", mask=4, boost_error=False).matrix
    border = 2
    module = size / (len(matrix) + 2 * border)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    for row_number, row in enumerate(matrix):
        top = y + size - (row_number + border + 1) * module
        column = 0
        while column < len(row):  # one rectangle per run of dark modules
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            left = x + (start + border) * module
            # a hair taller than a module, so no hairline shows between rows when printed
            pdf.rect(
                left, top - module * 0.05, (column - start) * module, module * 1.1, stroke=0, fill=1
            )


def _day(value: date) -> str:
    return formats.date_format(value, "d.m.Y")


def permit_pdf(sheet: PermitSheet) -> bytes:
    out = BytesIO()
    width, height = landscape(A6)
    pdf = canvas.Canvas(out, pagesize=(width, height))
    title = sheet.title or _("Resident parking permit")
    pdf.setTitle(f"{title} {sheet.number}")
    pdf.setAuthor(AUTHORITY)
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(8 * mm, height - 10 * mm, title)
    pdf.setFont("Helvetica", 7)
    subtitle = sheet.subtitle or "§ 45 Abs. 1b Nr. 2a StVO"
    pdf.drawString(8 * mm, height - 14 * mm, f"{AUTHORITY} · {subtitle}")
    if sheet.temporary:
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(8 * mm, height - 19 * mm, _("Temporary / replacement vehicle"))
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawString(8 * mm, height - 30 * mm, sheet.plate)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(8 * mm, height - 38 * mm, _("Zone: %(zone)s") % {"zone": sheet.zone})
    pdf.setFont("Helvetica-Bold", 14)
    validity = _("Valid %(start)s – %(end)s") % {
        "start": _day(sheet.valid_from),
        "end": _day(sheet.valid_until),
    }
    pdf.drawString(8 * mm, height - 47 * mm, validity)
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawString(8 * mm, height - 62 * mm, sheet.number)
    pdf.setFont("Helvetica", 6.5)
    note = (
        _("Place visibly behind the windscreen.")
        if sheet.display_required
        else _("Plate-bound digital permit: display not required (§ 46 Abs. 3 StVO).")
    )
    pdf.drawString(8 * mm, 12 * mm, note)
    pdf.drawString(
        8 * mm,
        8 * mm,
        _("Check: scan the code or open %(url)s") % {"url": sheet.check_url.split("?")[0]},
    )
    size = 42 * mm
    _qr_draw(pdf, sheet.check_url, x=width - size - 5 * mm, y=height - size - 18 * mm, size=size)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


LEGAL_REMEDY = (
    "Rechtsbehelfsbelehrung: Gegen diesen Bescheid kann innerhalb eines Monats nach "
    "Bekanntgabe Klage erhoben werden. Die Klage ist schriftlich oder zur Niederschrift des "
    "Urkundsbeamten der Geschäftsstelle beim Verwaltungsgericht Gelsenkirchen, "
    "Bahnhofsvorplatz 3, 45879 Gelsenkirchen, zu erheben. Sie kann auch als elektronisches "
    "Dokument nach Maßgabe des § 55a VwGO eingereicht werden."
)


@dataclass(frozen=True)
class RefusalNotice:
    reference: str
    name: str
    address: str
    plate: str
    zone: str
    decided_on: date
    reasons: list[Any]
    explanation: str


def refusal_pdf(notice: RefusalNotice) -> bytes:
    """The notice (Bescheid) in German, the language of the administrative act."""
    out = BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, title=f"Ablehnungsbescheid {notice.reference}", author=AUTHORITY
    )
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading1"]

    def p(text: str, style: Any = body) -> Paragraph:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(escaped, style)

    story = [
        p(f"{AUTHORITY}, {AUTHORITY_ADDRESS}"),
        Spacer(1, 8 * mm),
        p(notice.name),
        p(notice.address),
        Spacer(1, 8 * mm),
        p(f"Bottrop, {_day(notice.decided_on)} – Aktenzeichen {notice.reference}"),
        p("Ablehnung Ihres Antrags auf einen Bewohnerparkausweis", heading),
        p(
            f"Ihr Antrag auf einen Bewohnerparkausweis für das Kennzeichen {notice.plate} in "
            f"der Zone {notice.zone} wird abgelehnt."
        ),
        p("Gründe", styles["Heading2"]),
        *[p(f"• {reason}") for reason in notice.reasons],
    ]
    if notice.explanation:
        story.append(p(notice.explanation))
    story += [
        p(
            "Rechtsgrundlage: § 45 Abs. 1b Satz 1 Nr. 2a und § 46 StVO in Verbindung mit der "
            "Verwaltungsvorschrift zur StVO (Bewohnerparkvorrechte)."
        ),
        Spacer(1, 6 * mm),
        p(LEGAL_REMEDY),
    ]
    doc.build(story)
    return out.getvalue()
