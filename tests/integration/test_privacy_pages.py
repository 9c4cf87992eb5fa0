"""Staff pages for requests of data subjects: who may use them, export, JSON, erase with a
confirmation step; the address never appears in a URL or an audit entry."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from rathaus.accounts import roles
from rathaus.audit.models import AuditEntry
from rathaus.weddings.models import Reservation

from .conftest import COUPLE, OTHER

pytestmark = pytest.mark.django_db
URL = "/verwaltung/datenschutz/"
JSON_URL = "/verwaltung/datenschutz/auskunft.json"
ERASE_URL = "/verwaltung/datenschutz/loeschen/"


@pytest.fixture
def browser(office):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(office)
    return browser


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.REGISTRY_OFFICE, 200),
        (roles.CITIZEN_OFFICE_ADMIN, 200),
        (roles.REGISTRAR, 403),
        (roles.VENUE_OPERATOR, 403),
        (roles.HOUSING_BENEFIT_STAFF, 403),
        (None, 403),
    ],
)
def test_only_the_registry_office_and_the_citizen_office_administration(
    staff_factory, role, status
):
    user = staff_factory(f"user-{role}", role)
    browser = Client()
    browser.force_login(user)
    assert browser.get(URL).status_code == status
    assert browser.post(URL, {"email": COUPLE}).status_code == status
    assert browser.post(ERASE_URL, {"email": COUPLE}).status_code == status


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    for response in (client.get(URL), client.post(ERASE_URL, {"email": COUPLE})):
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_second_factor_is_required_where_configured(browser, settings):
    settings.RATHAUS_STAFF_OTP_REQUIRED = True
    response = browser.post(URL, {"email": COUPLE})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/zwei-faktor/")


def test_the_export_page_shows_everything_and_is_audited_without_the_address(
    browser, make_reservation, office
):
    mine = make_reservation(email=COUPLE)
    theirs = make_reservation(email=OTHER, skip=1)
    response = browser.post(URL, {"email": COUPLE})
    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert mine.reference in page and "Çağla" in page and "Wir bringen einen Hund mit." in page
    assert theirs.reference not in page
    assert f'action="{JSON_URL}"' in page and f'action="{ERASE_URL}"' in page
    assert "?email" not in page  # the address travels in POST bodies only
    entry = AuditEntry.objects.get(code="privacy.request.exported")
    assert entry.actor == office and entry.data == {"records": entry.data["records"]}
    assert COUPLE not in json.dumps(entry.data) + entry.object_label


def test_an_invalid_address_is_explained_at_the_field(browser):
    response = browser.post(URL, {"email": "kein-at-zeichen"})
    page = response.content.decode()
    assert response.status_code == 422
    assert 'aria-describedby="id_email_help id_email_errors"' in page
    assert 'aria-invalid="true"' in page
    assert not AuditEntry.objects.exists()


def test_nothing_stored_is_said_plainly(browser, db):
    page = browser.post(URL, {"email": "niemand@example.org"}).content.decode()
    assert "Nothing is stored about this address." in page
    assert f'action="{ERASE_URL}"' not in page


def test_the_json_download(browser, make_reservation):
    reservation = make_reservation(email=COUPLE)
    response = browser.post(JSON_URL, {"email": COUPLE})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="datenauskunft-') and COUPLE not in (
        disposition
    )
    data = json.loads(response.content)
    assert data["email"] == COUPLE
    references = [
        record["reference"]
        for section in data["sections"]
        if section["key"] == "weddings.reservations"
        for record in section["records"]
    ]
    assert references == [reservation.reference]


def test_erasure_needs_the_confirmation_step(browser, make_reservation, office):
    reservation = make_reservation(email=COUPLE)
    first = browser.post(ERASE_URL, {"email": COUPLE})
    page = first.content.decode()
    assert first.status_code == 200
    assert "Wedding reservations" in page and 'name="confirm" value="yes"' in page
    assert "error-summary" not in page

    unchecked = browser.post(ERASE_URL, {"email": COUPLE, "confirm": "yes"})
    assert unchecked.status_code == 422
    assert 'aria-describedby="id_identity_checked_errors"' in unchecked.content.decode()
    reservation.refresh_from_db()
    assert reservation.email == COUPLE  # nothing erased yet

    done = browser.post(
        ERASE_URL, {"email": COUPLE, "confirm": "yes", "identity_checked": "on"}, follow=True
    )
    assert done.redirect_chain == [(URL, 303)]
    assert "Erased: " in done.content.decode()
    reservation.refresh_from_db()
    assert reservation.email == "" and reservation.status == "cancelled"
    entry = AuditEntry.objects.get(code="privacy.request.erased")
    assert entry.actor == office and entry.data["cancelled"] == 1
    assert not Reservation.objects.filter(email=COUPLE).exists()


def test_erasure_is_refused_without_the_csrf_token(make_reservation, office):
    reservation = make_reservation(email=COUPLE)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(office)
    response = browser.post(
        ERASE_URL, {"email": COUPLE, "confirm": "yes", "identity_checked": "on"}
    )
    assert response.status_code == 403
    reservation.refresh_from_db()
    assert reservation.email == COUPLE


def test_erasure_only_by_post(browser):
    assert browser.get(ERASE_URL).status_code == 405
    assert browser.get(JSON_URL).status_code == 405
