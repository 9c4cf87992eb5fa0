"""The PDF is tagged and accessible: checked with pikepdf (and poppler's tools where installed).

What is checked follows PDF/UA-1 (ISO 14289-1) as far as a test can: a structure tree with
headings, paragraphs and tables (TH with a scope, TD), every drawn text and line either tagged
or an artifact, every MCID reachable through the ParentTree, embedded fonts with a Unicode map,
the language, title and DisplayDocTitle, and XMP metadata with the PDF/UA identifier.
"""

import re
import shutil
import subprocess
from collections import Counter
from datetime import date
from io import BytesIO
from unittest import mock

import pikepdf
import pytest
from django.urls import reverse
from django.utils import translation

from rathaus.housing_benefit.explanation import Row, Section
from rathaus.housing_benefit.pdf import explanation_pdf

from .test_views import BMWSB_1, answers

pytestmark = [pytest.mark.urls("rathaus.housing_benefit.tests.urls")]

TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
PAINTING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do"}


@pytest.fixture
def precheck_pdf(client):
    with mock.patch("rathaus.housing_benefit.views.local_today", return_value=date(2026, 3, 14)):
        response = client.post(reverse("housing_benefit:precheck-pdf"), answers(rent="420,00"))
    assert response.status_code == 200
    return response.content


def _open(content: bytes) -> pikepdf.Pdf:
    return pikepdf.open(BytesIO(content))


def _elements(node, found=None):
    """(tag, element) for every structure element, depth first in reading order."""
    found = [] if found is None else found
    kids = node.get("/K")
    if kids is None:
        return found
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/MCR" and "/S" in kid:
            found.append((str(kid.S)[1:], kid))
            _elements(kid, found)
    return found


def _marked_content(pdf: pikepdf.Pdf):
    """Per page: the MCIDs of tagged content, and the operators drawn outside any marking."""
    for page in pdf.pages:
        depth, mcids, unmarked = 0, [], []
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name in ("BDC", "BMC"):
                depth += 1
                if name == "BDC" and "/MCID" in operands[1]:
                    mcids.append(int(operands[1].MCID))
            elif name == "EMC":
                depth -= 1
            elif depth == 0 and (name in TEXT_SHOWING or name in PAINTING):
                unmarked.append(name)
        assert depth == 0
        yield page, mcids, unmarked


def test_catalog_says_tagged_language_and_title(precheck_pdf):
    with _open(precheck_pdf) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "de"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title) == "Wohngeld-Vorab-Check"
        assert str(pdf.docinfo.Author) == "Stadt Bottrop, Wohngeldstelle"
        assert "Wohngeld-Berechnung" in str(pdf.docinfo.Subject)
        assert pdf.pdf_version >= "1.7"
        meta = pdf.open_metadata()
        assert meta["dc:title"] == "Wohngeld-Vorab-Check"
        assert meta["pdfuaid:part"] == "1"
        assert "Stadt Bottrop, Wohngeldstelle" in meta["dc:creator"]


def test_structure_tree_has_headings_paragraphs_and_tables(precheck_pdf):
    with _open(precheck_pdf) as pdf:
        root = pdf.Root.StructTreeRoot
        assert root.Type == "/StructTreeRoot"
        elements = _elements(root)
        tags = Counter(tag for tag, _ in elements)
        assert elements[0][0] == "Document"
        assert [tag for tag, _ in elements[1:3]] == ["H1", "P"]
        assert tags["H1"] == 1
        assert tags["H2"] == tags["Table"] == tags["Sect"] >= 6
        assert tags["P"] == 2
        assert tags["TR"] > tags["Table"] and tags["TD"] and tags["TH"]
        for tag, element in elements:
            if tag == "Table":
                assert {str(kid.S) for kid in element.K} == {"/TR"}
            if tag == "TR":
                assert {str(kid.S) for kid in element.K} <= {"/TH", "/TD"}
            if tag == "TH":
                assert element.A.O == "/Table"
                assert element.A.Scope in ("/Row", "/Column")
            if tag in ("H1", "H2", "P", "TH", "TD"):
                assert all(kid.Type == "/MCR" for kid in element.K)


def test_every_drawing_is_tagged_or_an_artifact_and_reachable(precheck_pdf):
    with _open(precheck_pdf) as pdf:
        root = pdf.Root.StructTreeRoot
        numbers = list(root.ParentTree.Nums)
        parent_tree = dict(zip(numbers[::2], numbers[1::2], strict=True))
        assert int(root.ParentTreeNextKey) == len(pdf.pages)
        for page, mcids, unmarked in _marked_content(pdf):
            assert not unmarked
            assert mcids == list(range(len(mcids)))
            assert page.Tabs == "/S"
            parents = parent_tree[int(page.StructParents)]
            assert len(parents) == len(mcids)
            for mcid, element in enumerate(parents):
                assert any(mcid == kid.MCID and kid.Pg.objgen == page.objgen for kid in element.K)


def test_every_font_is_embedded_with_a_unicode_map(precheck_pdf):
    with _open(precheck_pdf) as pdf:
        fonts = {font.objgen: font for page in pdf.pages for font in page.Resources.Font.values()}
        assert fonts
        for font in fonts.values():
            descriptor = font.FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            assert "/ToUnicode" in font


def test_german_text_and_the_entries_are_in_the_pdf(precheck_pdf, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    text = _poppler("pdftotext", "-layout", content=precheck_pdf, tmp_path=tmp_path)
    assert "Ihre Angaben" in text and re.search(r"Angabe +Wert +Anmerkung", text)
    assert "420,00 €" in text and "1.300,00 €" in text
    assert "− 129,15 €" in text  # the minus sign, not a stand-in


def _poppler(tool: str, *args, content: bytes, tmp_path) -> str:
    path = tmp_path / "result.pdf"
    path.write_bytes(content)
    argv = [tool, *args, str(path)]
    if tool == "pdftotext":  # to stdout
        argv.append("-")
    return subprocess.run(argv, capture_output=True, check=True).stdout.decode()  # noqa: S603


def test_poppler_sees_a_tagged_pdf_with_embedded_fonts(precheck_pdf, tmp_path):
    if not (shutil.which("pdffonts") and shutil.which("pdfinfo")):
        pytest.skip("poppler-utils not installed")
    info = _poppler("pdfinfo", content=precheck_pdf, tmp_path=tmp_path)
    assert "Tagged:          yes" in info
    assert "Title:           Wohngeld-Vorab-Check" in info
    fonts = _poppler("pdffonts", content=precheck_pdf, tmp_path=tmp_path).splitlines()[2:]
    assert fonts
    for line in fonts:
        embedded, _subset, unicode = line.split()[-5:-2]
        assert (embedded, unicode) == ("yes", "yes"), line


def test_english_pdf_says_english(client):
    with mock.patch("rathaus.housing_benefit.views.local_today", return_value=date(2026, 3, 14)):
        response = client.post(
            reverse("housing_benefit:precheck-pdf"), answers(), HTTP_ACCEPT_LANGUAGE="en"
        )
    with _open(response.content) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert str(pdf.docinfo.Title) == "Wohngeld pre-check"


@pytest.mark.django_db
def test_staff_calculation_pdf_is_tagged(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("admin", password="x" * 12)
    client.force_login(user)
    response = client.get(reverse("housing_benefit_staff:calculation-pdf"), BMWSB_1)
    with _open(response.content) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.docinfo.Title) == "Wohngeldberechnung"
        assert "H1" in {tag for tag, _ in _elements(pdf.Root.StructTreeRoot)}


def test_long_tables_and_paragraphs_across_pages_stay_one_element_each():
    rows = [Row(f"Schritt {n}", f"{n},00 €", "Anmerkung") for n in range(150)]
    with translation.override("de"):
        content = explanation_pdf(
            title="Lang",
            intro="Sehr langer Einleitungstext. " * 400,
            sections=[Section("Viele Zeilen", rows)],
            footer="Ende",
        )
    with _open(content) as pdf:
        assert len(pdf.pages) >= 4
        elements = _elements(pdf.Root.StructTreeRoot)
        intro = elements[2][1]
        assert elements[2][0] == "P" and len({kid.Pg.objgen for kid in intro.K}) >= 2
        headers = [e for tag, e in elements if tag == "TH" and e.A.Scope == "/Column"]
        # The header row is drawn again on every page, but tagged once; the copies are artifacts.
        assert len(headers) == 3
        assert all(len(header.K) == 1 for header in headers)
        assert sum(1 for tag, _ in elements if tag == "TR") == 151
        for _page, _mcids, unmarked in _marked_content(pdf):
            assert not unmarked
