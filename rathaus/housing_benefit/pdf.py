"""The explained result as an accessible, tagged PDF, built from the same sections as the page.

reportlab lays the pages out; it has no tagging. While it draws, every heading, paragraph and
table cell is wrapped in marked content with an MCID and recorded in a small structure tree;
pikepdf then writes that tree (StructTreeRoot, ParentTree), the language, the metadata (XMP with
the PDF/UA identifier) and the viewer preferences into the file. Lines and backgrounds are
artifacts. The fonts are embedded TrueType (DejaVu, or reportlab's own Vera). See
docs/decisions/0009-tagged-pdf.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf
import reportlab
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .explanation import Section

FONT, FONT_BOLD = "RathausSans", "RathausSans-Bold"
_FONT_FILES = [
    # Debian's fonts-dejavu-core (installed by CI); DejaVu covers "−" and the narrow space.
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    # reportlab ships Bitstream Vera, DejaVu's ancestor, with fewer characters.
    (str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"), "VeraBd.ttf"),
]
# Stand-ins for characters a font lacks (Vera has neither the minus sign nor the narrow space).
_FALLBACKS = {"−": "-", "\u202f": " ", "\xa0": " ", "–": "-"}
AUTHOR = "Stadt Bottrop, Wohngeldstelle"


def _fonts_register() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for regular, bold in _FONT_FILES:
        if Path(regular).exists():
            pdfmetrics.registerFont(TTFont(FONT, regular))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, str(Path(regular).with_name(bold))))
            pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
            return
    raise RuntimeError("No TrueType font to embed in the PDF.")


def _text(value: str) -> str:
    glyphs = pdfmetrics.getFont(FONT).face.charToGlyph
    value = "".join(
        char if ord(char) in glyphs else _FALLBACKS.get(char, "?") for char in str(value)
    )
    return escape(value)


@dataclass(eq=False)
class Element:
    """One node of the structure tree: a standard structure type, kids or marked content."""

    tag: str
    kids: list[Element] = field(default_factory=list)
    marks: list[tuple[int, int]] = field(default_factory=list)  # (page number, MCID)
    scope: str = ""  # TH only: Row or Column

    def add(self, tag: str, scope: str = "") -> Element:
        kid = Element(tag, scope=scope)
        self.kids.append(kid)
        return kid


class _Marker:
    """Hands out MCIDs per page while the canvas draws and records them on the elements."""

    def __init__(self):
        self.next_mcid: dict[int, int] = {}
        self.drawn: set[int] = set()

    def begin(self, canvas, element: Element, drawing) -> None:
        # A table's repeated header row draws the same cell again: that copy is an artifact.
        if id(drawing) in self.drawn:
            canvas.addLiteral("/Artifact BMC")
            return
        self.drawn.add(id(drawing))
        page = canvas.getPageNumber()
        mcid = self.next_mcid.get(page, 0)
        self.next_mcid[page] = mcid + 1
        element.marks.append((page, mcid))
        canvas.addLiteral(f"/{element.tag} <</MCID {mcid}>> BDC")

    @staticmethod
    def end(canvas) -> None:
        canvas.addLiteral("EMC")


class Marked(Flowable):
    """A flowable drawn as the marked content of one structure element."""

    def __init__(self, inner: Flowable, element: Element, marker: _Marker):
        super().__init__()
        self.inner, self.element, self.marker = inner, element, marker

    def wrap(self, available_width, available_height):
        self.width, self.height = self.inner.wrap(available_width, available_height)
        return self.width, self.height

    def split(self, available_width, available_height):
        parts = self.inner.split(available_width, available_height)
        return [Marked(part, self.element, self.marker) for part in parts]

    def getKeepWithNext(self):
        return self.inner.getKeepWithNext()

    def getSpaceBefore(self):
        return self.inner.getSpaceBefore()

    def getSpaceAfter(self):
        return self.inner.getSpaceAfter()

    def draw(self):
        self.marker.begin(self.canv, self.element, self)
        self.inner.drawOn(self.canv, 0, 0)
        self.marker.end(self.canv)


class _TableMarks:
    """reportlab's table render callback: cells are marked content, lines are artifacts."""

    def __init__(self, cells: dict[int, Element], marker: _Marker):
        self.cells, self.marker = cells, marker

    def __call__(self, table, event, *args):
        canvas = table.canv
        if event in ("startBG", "startLines"):
            canvas.addLiteral("/Artifact BMC")
        elif event in ("endBG", "endLines"):
            canvas.addLiteral("EMC")
        elif event == "startCell":
            cell = args[2]
            if isinstance(cell, (list, tuple)):  # reportlab hands flowable cells in a tuple
                cell = cell[0]
            self.marker.begin(canvas, self.cells[id(cell)], cell)
        elif event == "endCell":
            self.marker.end(canvas)


def _styles():
    sheet = getSampleStyleSheet()
    return {
        "title": sheet["Title"].clone("title", fontName=FONT_BOLD, alignment=0),
        "heading": sheet["Heading2"].clone("heading", fontName=FONT_BOLD),
        "body": sheet["BodyText"].clone("body", fontName=FONT),
        "cell": sheet["BodyText"].clone("cell", fontName=FONT, fontSize=8, leading=10),
        "head": sheet["BodyText"].clone("head", fontName=FONT_BOLD, fontSize=8, leading=10),
    }


def _table(section: Section, parent: Element, marker: _Marker, styles) -> Table:
    element = parent.add("Table")
    cells: dict[int, Element] = {}

    def cell(text: str, tag: str, style, scope: str = "") -> Paragraph:
        paragraph = Paragraph(_text(text), styles[style])
        cells[id(paragraph)] = row_element.add(tag, scope)
        return paragraph

    row_element = element.add("TR")
    data = [
        [
            cell(section.first_column or _("Step"), "TH", "head", "Column"),
            cell(_("Value"), "TH", "head", "Column"),
            cell(_("Note"), "TH", "head", "Column"),
        ]
    ]
    for row in section.rows:
        row_element = element.add("TR")
        data.append(
            [
                cell(row.label, "TH", "cell", "Row"),
                cell(row.value, "TD", "cell"),
                cell(row.note, "TD", "cell"),
            ]
        )
    table = Table(
        data,
        colWidths=[70 * mm, 55 * mm, 49 * mm],
        repeatRows=1,
        renderCB=_TableMarks(cells, marker),
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # the default, Helvetica, is not embedded
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
            ]
        )
    )
    return table


def explanation_pdf(*, title: str, intro: str, sections: list[Section], footer: str) -> bytes:
    _fonts_register()
    styles = _styles()
    marker = _Marker()
    document = Element("Document")

    def paragraph(text: str, tag: str, style: str, parent: Element = document) -> Marked:
        return Marked(Paragraph(_text(text), styles[style]), parent.add(tag), marker)

    story = [paragraph(title, "H1", "title"), paragraph(intro, "P", "body")]
    for section in sections:
        part = document.add("Sect")
        # Not keepWithNext: reportlab then keeps the whole table together, slowly. A heading
        # starts a new page unless a few rows fit below it.
        story += [CondPageBreak(35 * mm), Spacer(1, 4 * mm)]
        story.append(paragraph(section.title, "H2", "heading", part))
        story.append(_table(section, part, marker, styles))
    story += [Spacer(1, 6 * mm), paragraph(footer, "P", "body")]

    buffer = BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=AUTHOR,
        subject=pdf_subject(),
        initialFontName=FONT,  # otherwise each page starts with Helvetica, never embedded
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    ).build(story)
    return _tagged(buffer.getvalue(), document, title=title)


def _language() -> str:
    return (get_language() or "de").split("-")[0]


def _tagged(content: bytes, document: Element, *, title: str) -> bytes:
    """The PDF with its structure tree, language, metadata and PDF/UA identifier."""
    pdf = pikepdf.open(BytesIO(content))
    pages = list(pdf.pages)
    parents: dict[int, dict[int, pikepdf.Object]] = {}

    def write(element: Element, parent) -> pikepdf.Object:
        node = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + element.tag))
        )
        node.P = parent
        if element.scope:
            node.A = pikepdf.Dictionary(
                O=pikepdf.Name.Table, Scope=pikepdf.Name("/" + element.scope)
            )
        kids = pikepdf.Array()
        for kid in element.kids:
            kids.append(write(kid, node))
        for page, mcid in element.marks:
            page_object = pages[page - 1].obj
            kids.append(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page_object, MCID=mcid))
            parents.setdefault(page - 1, {})[mcid] = node
        if element.marks:
            node.Pg = pages[element.marks[0][0] - 1].obj
        node.K = kids
        return node

    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    root.K = write(document, root)
    numbers = pikepdf.Array()
    for index, page in enumerate(pages):
        page.obj.StructParents = index
        page.obj.Tabs = pikepdf.Name.S
        marked = parents.get(index, {})
        numbers.append(index)
        numbers.append(pikepdf.Array([marked[mcid] for mcid in sorted(marked)]))
    root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=numbers))
    root.ParentTreeNextKey = len(pages)

    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    pdf.Root.Lang = pikepdf.String(_language())
    pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["dc:creator"] = [AUTHOR]
        meta["dc:description"] = pdf_subject()
        meta["dc:language"] = [_language()]
        meta["pdf:Producer"] = "ReportLab, pikepdf"
        meta["xmp:CreateDate"] = timezone.now().isoformat(timespec="seconds")
        meta["pdfuaid:part"] = "1"
    out = BytesIO()
    pdf.save(out, min_version="1.7")
    return out.getvalue()


def pdf_subject() -> str:
    return _("Indicative Wohngeld calculation with every step")


def pdf_footer() -> str:
    return _(
        "Indicative calculation without legal effect. Only the Wohngeldstelle decides on an "
        "application."
    )
