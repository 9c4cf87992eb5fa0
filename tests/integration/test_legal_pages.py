"""Imprint with phone and e-mail; the privacy notice covers lottery and waiting list with the
deadlines the retention jobs really apply (issue 12)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from rathaus.core.templatetags.core_tags import live_url
from rathaus.weddings.lottery.services.retention import retention_days_after_draw
from rathaus.weddings.waitlist.constants import OPTIN_VALID_DAYS, RETENTION_DAYS

pytestmark = pytest.mark.django_db


def _html(path: str, language: str = "de") -> str:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["de", "en"])
def test_imprint_names_phone_and_email(language):
    html = _html("/impressum/", language)
    assert 'href="tel:+492041700"' in html and ">02041 70-0<" in html
    assert 'href="mailto:info@bottrop.example"' in html


@override_settings(RATHAUS_CONTACT_PHONE="02041 70-3000", RATHAUS_CONTACT_EMAIL="x@bottrop.example")
def test_imprint_contact_is_configurable():
    html = _html("/impressum/")
    assert 'href="tel:+4920417030 00"'.replace(" ", "") in html
    assert "x@bottrop.example" in html


def test_privacy_notice_covers_lottery_and_waiting_list_with_the_real_deadlines():
    html = _html("/datenschutz/")
    assert 'id="lottery"' in html and 'id="waiting-list"' in html
    assert "Verlosung beliebter Termine" in html and "Warteliste" in html
    assert "Art. 6 Abs. 1 lit. e DSGVO" in html
    assert f"{retention_days_after_draw()} Tage nach der Ziehung gelöscht" in html
    assert f"nicht innerhalb von {OPTIN_VALID_DAYS} Tagen bestätigt" in html
    assert f"{RETENTION_DAYS} Tage nach dem letzten von Ihnen genannten Tag" in html
    english = _html("/datenschutz/", "en")
    assert f"erased {retention_days_after_draw()} days after the draw" in english
    assert "Verlosung" not in english


@pytest.mark.parametrize(
    ("url", "live"),
    [
        ("/termine/", False),
        ("/trauung/", True),
        ("https://www.bottrop.de/", True),
        ("javascript:alert(1)", False),
        ("//evil.example/", False),
        ("", False),
    ],
)
def test_live_url_keeps_only_links_that_lead_somewhere(url, live):
    assert bool(live_url(url)) is live
