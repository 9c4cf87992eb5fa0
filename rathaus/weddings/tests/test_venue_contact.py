"""Venue contact and status (issue 12): sourced data only, registry office as fallback, no German
sentences from the data on English pages.

On Bottrop's real data on purpose (docs/decisions/0015-test-data.md): what is proven is that
the real venues' contact and status data carry their sources and render as they should.
"""

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.test import override_settings

from rathaus.weddings.bootstrap import bottrop_data_load
from rathaus.weddings.models import Venue

DEFAULTS = Path(__file__).resolve().parents[1] / "data" / "bottrop_defaults.json"
PHONE = re.compile(r"\d[\d /-]{5,}\d")


def _page(client, slug, language="de"):
    return client.get(f"/trauung/orte/{slug}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_every_venue_status_and_contact_says_where_it_comes_from():
    venues = json.loads(DEFAULTS.read_text(encoding="utf-8"))["venues"]
    for slug, venue in venues.items():
        assert isinstance(venue["active"], bool), slug
        assert venue["status_source"], slug
        assert venue["contact"]["source"], slug
        # No phone number exists in the research notes: none may appear in the data.
        assert venue["contact"]["phone"] == "", slug
        assert venue["contact"]["email"] == "", slug


def test_the_brauhaus_stays_bookable_because_the_city_never_closed_it(db):
    bottrop_data_load(today=date(2026, 12, 6))
    brauhaus = Venue.objects.get(slug="brauhaus-am-ring")
    assert brauhaus.active
    assert "city has not marked it closed" in brauhaus.status_source
    specht = Venue.objects.get(slug="forsthaus-specht")
    assert not specht.active and "closed since 2023" in specht.status_source


def test_a_venue_loaded_before_the_status_sources_takes_them_once(db):
    bottrop_data_load(today=date(2026, 12, 6))
    Venue.objects.filter(slug="brauhaus-am-ring").update(
        active=False, status_source="", website="", description_en=""
    )
    Venue.objects.filter(slug="hof-juenger").update(website="", status_source="")
    bottrop_data_load(today=date(2026, 12, 6))
    assert Venue.objects.get(slug="brauhaus-am-ring").active
    assert Venue.objects.get(slug="hof-juenger").website == "https://www.hof-juenger.de/"
    # Once a source is recorded, staff's decision stands.
    Venue.objects.filter(slug="brauhaus-am-ring").update(active=False)
    bottrop_data_load(today=date(2026, 12, 6))
    assert not Venue.objects.get(slug="brauhaus-am-ring").active


def test_venue_page_shows_the_venues_website_and_the_registry_office(client, bottrop):
    html = _page(client, "hof-juenger")
    assert 'href="https://www.hof-juenger.de/"' in html
    assert 'data-contact="registry-office"' in html  # no phone or e-mail known for Hof Jünger
    assert 'href="tel:+492041700"' in html and "mailto:standesamt@bottrop.example" in html


@override_settings(
    RATHAUS_CONTACT_PHONE="02041 70-1234", RATHAUS_REGISTRY_OFFICE_EMAIL="trau@bottrop.example"
)
def test_a_venue_without_any_contact_names_the_registry_office(client, bottrop):
    html = _page(client, "schloss-beck")
    assert "Standesamt" in html
    assert 'href="tel:+492041701234"' in html
    assert "mailto:trau@bottrop.example" in html
    assert "Wir haben noch keine bestätigte Telefonnummer" in html


def test_a_venue_with_its_own_phone_shows_it(client, bottrop):
    Venue.objects.filter(slug="malakoffturm").update(
        phone="02041 123456", email="malakoff@example.org", contact_source="Test"
    )
    html = _page(client, "malakoffturm")
    assert 'href="tel:+492041123456"' in html and "mailto:malakoff@example.org" in html
    assert 'data-contact="registry-office"' not in html


@pytest.mark.parametrize(
    "slug",
    ["schloss-beck", "hof-juenger", "rathaus-trauzimmer", "brauhaus-am-ring", "schmuecker-hof"],
)
def test_the_english_page_shows_no_german_sentence_from_the_data(client, bottrop, slug):
    venue = Venue.objects.get(slug=slug)
    html = _page(client, slug, language="en")
    assert 'lang="en"' in html
    for german in (venue.description, venue.accessibility_note, venue.venue_costs_note):
        if german:
            assert german not in html
    assert venue.description_en in html
    assert "Familie" not in html and "Stadt Bottrop" not in html
    german_page = _page(client, slug)
    assert venue.description in german_page
