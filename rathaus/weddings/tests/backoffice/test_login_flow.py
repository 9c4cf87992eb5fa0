"""The way into the back office, and the demo accounts of each role.

The demo accounts belong to Bottrop's real venues and registrars, so that one test loads
Bottrop's data on purpose (docs/decisions/0015-test-data.md); the others use the small town of
the factories.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from rathaus.weddings.models import Registrar, VenueMembership

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_gets_the_login_page_and_comes_back_after_login(client, office):
    response = client.get("/verwaltung/trauungen/reservierungen/?status=reserved")
    assert response.status_code == 302
    login = client.get(response["Location"])
    assert "Anmeldung für Mitarbeitende" in login.content.decode()
    back = client.post(
        response["Location"],
        {
            "username": "standesamt",
            "password": PASSWORD,
            "next": "/verwaltung/trauungen/reservierungen/?status=reserved",
        },
    )
    assert back["Location"] == "/verwaltung/trauungen/reservierungen/?status=reserved"
    page = client.get(back["Location"])
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("no-store") or "no-cache" in page["Cache-Control"]
    assert "Abmelden" in page.content.decode()


def test_login_without_next_goes_to_the_home_of_the_role(client, beck_operator):
    response = client.post("/login/", {"username": "schlossbeck", "password": PASSWORD})
    assert response["Location"] == "/verwaltung/"
    assert 'href="/verwaltung/trauungen/"' in client.get("/verwaltung/").content.decode()
    home = client.get("/verwaltung/trauungen/")["Location"]
    assert home == "/verwaltung/trauungen/trauorte/schloss-beck/"


def test_demo_accounts_are_linked_to_their_venue_and_registrar(bottrop, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("create_demo_accounts", stdout=out)
    call_command("create_demo_accounts", stdout=StringIO())  # a second run changes nothing
    membership = VenueMembership.objects.get()
    assert (membership.user.username, membership.venue.slug) == ("schlossbeck", "schloss-beck")
    assert Registrar.objects.get(name="Anna Schneider").user.username == "standesbeamtin"
    assert "schlossbeck" in out.getvalue() and "Schloss Beck" in out.getvalue()
