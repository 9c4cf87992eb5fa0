"""The public pages and the office, through HTTP."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from PIL import Image

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure
from rathaus.parking_permits.constants import Status
from rathaus.parking_permits.links import status_path
from rathaus.parking_permits.models import Application, Permit
from rathaus.parking_permits.services.applications import application_refuse

from . import factories as f
from .camt_sample import entry, statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client):
    roles_ensure()
    user = User.objects.create_user("parken", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PARKING_OFFICE))
    client.force_login(user)
    return user


FORM = {
    "street": "Osterfelder Str.",
    "number": "15",
    "given_name": "Erika",
    "family_name": "Muster",
    "birth_date": "1985-04-30",
    "email": "erika@example.org",
    "plate": "bot em 42",
    "use_basis": "keeper",
    "fee_kind": "permit_1y",
    "no_garage_confirmed": "on",
}


def test_precheck_page_shows_zone_fees_and_the_way_on(client):
    page = client.get(
        reverse("parking_permits:precheck"), {"street": "osterfelder strasse", "number": "16"}
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert (
        "Osterfelder Straße (Peterstraße – Heidenheck)" in body and "30.70" in body
    ) or "30,70" in body
    assert reverse("parking_permits:apply") in body
    outside = client.get(
        reverse("parking_permits:precheck"), {"street": "Hochstraße", "number": "1"}
    )
    assert "Hochstraße 1" in outside.content.decode()
    unknown = client.get(
        reverse("parking_permits:precheck"), {"street": "Nirgendwo", "number": "1"}
    )
    assert "error-summary" in unknown.content.decode()


@pytest.mark.usefixtures("protection_off")
def test_apply_without_javascript_to_an_automatic_approval_and_the_status_page(client):
    f.resident()
    f.vehicle()
    response = client.post(reverse("parking_permits:apply"), FORM)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.plate == "BOT-EM 42" and application.status == Status.APPROVED
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and application.remittance in body and "<svg" in body
    wrong = response["Location"].rstrip("/")[:-3] + "AAA/"
    assert client.get(wrong).status_code == 404


@pytest.mark.usefixtures("protection_off")
def test_an_ambiguous_plate_is_never_guessed_the_applicant_chooses(client):
    response = client.post(reverse("parking_permits:apply"), {**FORM, "plate": "BOTA1"})
    body = response.content.decode()
    assert response.status_code == 422
    assert "BO-TA 1" in body and "BOT-A 1" in body
    chosen = client.post(
        reverse("parking_permits:apply"), {**FORM, "plate": "BOTA1", "plate_choice": "BOT-A 1"}
    )
    assert chosen.status_code == 302
    assert Application.objects.get().plate == "BOT-A 1"


@pytest.mark.usefixtures("protection_off")
def test_uploads_are_sniffed_and_images_lose_their_metadata(client, settings):
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    raw = io.BytesIO()
    image.save(raw, "JPEG", exif=exif)
    photo = io.BytesIO(raw.getvalue())
    photo.name = "schein.jpg"
    fake = io.BytesIO(b"MZ\x90\x00 not a pdf")
    fake.name = "schein.pdf"
    refused = client.post(reverse("parking_permits:apply"), {**FORM, "registration_document": fake})
    assert refused.status_code == 422
    ok = client.post(reverse("parking_permits:apply"), {**FORM, "registration_document": photo})
    assert ok.status_code == 302
    document = Application.objects.get().documents.get()
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert stored.startswith(b"\xff\xd8") and b"SecretCam" not in stored
    assert str(settings.PARKING_UPLOAD_ROOT) in document.file.path


def test_the_whole_way_with_the_office(client, office, django_capture_on_commit_callbacks):
    f.resident()
    application = f.submit(plate="BOT-ZZ 9")  # unknown vehicle → the queue
    queue = client.get(reverse("parking_staff:queue"))
    assert application.reference in queue.content.decode()
    detail = client.get(reverse("parking_staff:application", args=[application.reference]))
    assert "Fahrzeugregister kennt kein Fahrzeug" in detail.content.decode()
    client.post(
        reverse("parking_staff:decide", args=[application.reference]), {"decision": "approve"}
    )
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    upload = io.BytesIO(statement([entry(application.amount, application.remittance, ref="R1")]))
    upload.name = "auszug.xml"
    with django_capture_on_commit_callbacks(execute=True):
        result = client.post(reverse("parking_staff:statement"), {"statement": upload})
    assert "1 of 1" in result.content.decode() or "1 von 1" in result.content.decode()
    permit = Permit.objects.get()
    path = status_path(application)
    pdf = client.get(path + "ausweis.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    check = client.get(reverse("parking_permits:verify"), {"c": permit.code})
    assert permit.plate in check.content.decode()
    keys = client.get(reverse("parking_permits:keys")).json()["keys"]
    assert keys[0]["kid"] == permit.key_id
    client.post(reverse("parking_staff:revoke", args=[application.reference]))
    revoked = client.get(reverse("parking_permits:verify"), {"c": permit.code}).content.decode()
    assert "widerrufen" in revoked


def test_refusal_gives_a_notice_with_legal_remedy(client, office):
    application = f.submit()
    client.post(
        reverse("parking_staff:decide", args=[application.reference]),
        {"decision": "refuse", "explanation": "Keine Meldung."},
    )
    application.refresh_from_db()
    assert application.status == Status.REFUSED
    notice = client.get(status_path(application) + "bescheid.pdf")
    assert notice.status_code == 200 and notice.content.startswith(b"%PDF")


def test_register_import_and_zone_edit_are_audited(client, office):
    csv = (
        "family_name;given_name;birth_date;street;house_number;residence\n"
        "Muster;Erika;1985-04-30;Osterfelder Str.;15;main\n"
    )
    upload = io.BytesIO(csv.encode())
    upload.name = "melde.csv"
    client.post(reverse("parking_staff:registers"), {"register": "residents", "extract": upload})
    page = client.get(reverse("parking_staff:registers"))
    assert "1 residents" in page.content.decode() or "1 Einwohner" in page.content.decode()
    edit = client.post(
        reverse("parking_staff:zone-edit", args=["brauerstrasse"]),
        {
            "name": "Brauerstraße",
            "spaces": "45",
            "residence": "main",
            "garage_confirmation": "on",
            "display_required": "on",
            "hours": "x",
            "hours_en": "x",
            "active": "on",
        },
    )
    assert edit.status_code == 302


def test_other_staff_cannot_open_the_office(client):
    roles_ensure()
    user = User.objects.create_user("wohngeld", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.HOUSING_BENEFIT_STAFF))
    client.force_login(user)
    assert client.get(reverse("parking_staff:queue")).status_code == 403


def test_status_links_need_their_own_token(client):
    mine = f.submit()
    other = f.submit(given="Max", email="max@example.org")
    application_refuse(application=mine, actor=None, explanation="", now=f.NOW)
    mine_path = status_path(mine)
    token = mine_path.rstrip("/").rsplit("/", 1)[1]
    for suffix in ("", "ausweis.pdf", "bescheid.pdf"):
        assert (
            client.get(f"/parkausweis/antrag/{other.reference}/{token}/{suffix}").status_code == 404
        )
        assert (
            client.get(f"/parkausweis/antrag/{mine.reference}/{'A' * 32}/{suffix}").status_code
            == 404
        )
    assert client.get(mine_path).status_code == 200
    assert client.get(mine_path + "bescheid.pdf").status_code == 200
