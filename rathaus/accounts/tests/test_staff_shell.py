"""The staff shell at /verwaltung/: one start page listing the domains a person's roles allow,
one navigation with logout on every staff page, and the domain registry behind both."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from rathaus.accounts import roles
from rathaus.accounts.staff_domains import (
    staff_domain_register,
    staff_domains_for,
    staff_domains_registered,
)

from .conftest import PASSWORD
from .factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def _signed_in(username: str, *role_names: str, staff: bool = True) -> Client:
    StaffUserFactory(username=username, is_staff=staff, roles=role_names)
    browser = Client(HTTP_ACCEPT_LANGUAGE="de")
    assert browser.post("/login/", {"username": username, "password": PASSWORD})["Location"] == (
        "/verwaltung/" if staff else "/"
    )
    return browser


def _domain_links(html: str) -> list[str]:
    return re.findall(r'<h2><a href="([^"]+)">', html)


@pytest.mark.parametrize(
    ("role_names", "links"),
    [
        ((roles.REGISTRY_OFFICE,), ["/verwaltung/trauungen/", "/verwaltung/datenschutz/"]),
        ((roles.REGISTRAR,), ["/verwaltung/trauungen/"]),
        ((roles.VENUE_OPERATOR,), ["/verwaltung/trauungen/"]),
        ((roles.HOUSING_BENEFIT_STAFF,), ["/verwaltung/wohngeld/"]),
        ((roles.PARKING_OFFICE,), ["/verwaltung/parken/"]),
        (
            (roles.CITIZEN_OFFICE_ADMIN,),
            [
                "/verwaltung/wohngeld/",
                "/verwaltung/buergerbuero/",
                "/verwaltung/parken/",
                "/verwaltung/datenschutz/",
            ],
        ),
        (
            (roles.REGISTRY_OFFICE, roles.HOUSING_BENEFIT_STAFF),
            ["/verwaltung/trauungen/", "/verwaltung/wohngeld/", "/verwaltung/datenschutz/"],
        ),
        ((), []),
    ],
)
def test_the_start_page_lists_the_domains_the_roles_allow(role_names, links):
    page = _signed_in("person", *role_names).get("/verwaltung/")
    assert page.status_code == 200
    html = page.content.decode()
    assert _domain_links(html) == links
    assert 'aria-label="Verwaltung"' in html  # the staff navigation, a landmark
    assert 'action="/logout/"' in html and 'href="/login/konto/"' in html
    assert "noindex" in page["X-Robots-Tag"]
    if not links:
        assert "Ihrem Konto ist noch kein Bereich zugeordnet" in html


def test_the_start_page_names_and_describes_each_domain():
    html = _signed_in("person", roles.REGISTRY_OFFICE).get("/verwaltung/").content.decode()
    assert "Traukalender" in html and "Tages- und Wochenpläne" in html
    assert "Datenschutz" in html and "Auskunft und Löschung" in html


def test_the_start_page_is_for_staff_accounts_only(client):
    assert client.get("/verwaltung/")["Location"].startswith("/login/?next=/verwaltung/")
    citizen = _signed_in("buerger", staff=False)
    assert citizen.get("/verwaltung/").status_code == 403


def test_every_domain_page_carries_the_one_staff_navigation():
    browser = _signed_in(
        "chefin", roles.REGISTRY_OFFICE, roles.HOUSING_BENEFIT_STAFF, roles.CITIZEN_OFFICE_ADMIN
    )
    for path in (
        "/verwaltung/",
        "/verwaltung/trauungen/plan/tag/",
        "/verwaltung/wohngeld/planung/",
        "/verwaltung/datenschutz/",
        "/login/konto/",
    ):
        html = browser.get(path).content.decode()
        nav = html.split('<nav class="site-nav staff-nav no-print"', 1)[1].split("</nav>", 1)[0]
        for link in ("/verwaltung/", "/verwaltung/trauungen/", "/verwaltung/wohngeld/"):
            assert f'href="{link}"' in nav, (path, link)
        assert "/verwaltung/datenschutz/" in nav and "Abmelden (chefin)" in nav, path


def test_domain_entry_pages_lead_to_the_daily_work():
    office = _signed_in("office", roles.REGISTRY_OFFICE)
    assert office.get("/verwaltung/trauungen/")["Location"] == "/verwaltung/trauungen/plan/tag/"
    housing = _signed_in("housing", roles.HOUSING_BENEFIT_STAFF)
    assert housing.get("/verwaltung/wohngeld/")["Location"] == "/verwaltung/wohngeld/planung/"
    assert office.get("/verwaltung/wohngeld/").status_code == 403


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "/verwaltung/plan/woche/?woche=2030-06-03",
            "/verwaltung/trauungen/plan/woche/?woche=2030-06-03",
        ),
        ("/verwaltung/reservierungen/", "/verwaltung/trauungen/reservierungen/"),
        ("/verwaltung/trauorte/schloss-beck/", "/verwaltung/trauungen/trauorte/schloss-beck/"),
        ("/verwaltung/mein-plan/", "/verwaltung/trauungen/mein-plan/"),
        ("/verwaltung/statistik.csv", "/verwaltung/trauungen/statistik.csv"),
        ("/verwaltung/feed/abc.ics", "/verwaltung/trauungen/feed/abc.ics"),
        ("/wohngeld/planung/", "/verwaltung/wohngeld/planung/"),
        ("/wohngeld/berechnung/?rent=600", "/verwaltung/wohngeld/berechnung/?rent=600"),
        ("/wohngeld/berechnung.pdf?rent=600", "/verwaltung/wohngeld/berechnung.pdf?rent=600"),
    ],
)
def test_old_staff_addresses_redirect_permanently(client, old, new):
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)


def test_unknown_and_public_addresses_do_not_redirect(client):
    assert client.get("/verwaltung/unbekannt/").status_code == 404
    assert client.get("/verwaltung/trauungen/gibt-es-nicht/").status_code == 404
    assert client.get("/wohngeld/").status_code == 200  # the public pre-check stays


def test_domains_register_once_and_are_offered_by_their_gate():
    slugs = [domain.slug for domain in staff_domains_registered()]
    assert slugs == ["trauungen", "wohngeld", "buergerbuero", "parken", "datenschutz"]
    known = next(d for d in staff_domains_registered() if d.slug == "wohngeld")
    staff_domain_register(  # the same registration again (a re-import) is harmless
        slug=known.slug,
        label=known.label,
        description=known.description,
        url_name=known.url_name,
        allows=known.allows,
        order=known.order,
    )
    with pytest.raises(ImproperlyConfigured):
        staff_domain_register(
            slug="wohngeld",
            label="x",
            description="x",
            url_name="staff:home",
            allows=lambda user: True,
        )
    assert staff_domains_for(None) == []
