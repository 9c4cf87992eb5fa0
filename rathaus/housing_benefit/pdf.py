"""The explained result as a PDF (reportlab), built from the same sections as the page."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .explanation import Section

# The standard PDF fonts cover Latin-1 and the euro sign, not these two.
_REPLACEMENTS = {"−": "-", "\u202f": " ", "\xa0": " "}


def _text(value: str) -> str:
    for old, new in _REPLACEMENTS.items():
        value = value.replace(old, new)
    return escape(value)


def explanation_pdf(*, title: str, intro: str, sections: list[Section], footer: str) -> bytes:
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    story = [Paragraph(_text(title), styles["Title"]), Paragraph(_text(intro), styles["BodyText"])]
    for section in sections:
        story += [Spacer(1, 4 * mm), Paragraph(_text(section.title), styles["Heading2"])]
        data = [
            [
                Paragraph(_text(row.label), small),
                Paragraph(_text(row.value), small),
                Paragraph(_text(row.note), small),
            ]
            for row in section.rows
        ]
        table = Table(data, colWidths=[70 * mm, 55 * mm, 49 * mm], repeatRows=0)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
                ]
            )
        )
        story.append(table)
    story += [Spacer(1, 6 * mm), Paragraph(_text(footer), small)]
    document.build(story)
    return buffer.getvalue()


def pdf_footer() -> str:
    return _(
        "Indicative calculation without legal effect. Only the Wohngeldstelle decides on an "
        "application."
    )
