"""Every back-office URL for every role: who may read, who may change, who gets the login.

Denial is 403 when the role may not use the page at all and 404 when the object lies outside
the user's reach (another venue, another registrar), so nothing leaks about its existence.
Every change in the back office writes an audit entry, so "no audit entry" proves that a
refused POST changed nothing.
"""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from rathaus.audit.models import AuditEntry
from rathaus.core.timezone import BERLIN, local_today
from rathaus.scheduling.models import Closure, ExtraOpening, WeeklyRule
from rathaus.weddings.models import Registrar, Venue

from .conftest import reserve

pytestmark = pytest.mark.django_db

OFFICE, REGISTRAR, BECK, JUENGER, HOUSING = "office", "registrar", "beck", "juenger", "housing"
ROLES = (OFFICE, REGISTRAR, BECK, JUENGER, HOUSING)


@pytest.fixture
def world(office, registrar_user, beck_operator, juenger_operator, housing_staff):
    beck = Venue.objects.get(slug="schloss-beck")
    anna = Registrar.objects.get(name="Anna Schneider")
    markus = Registrar.objects.get(name="Markus Becker")
    rule = WeeklyRule.objects.filter(resource=beck.resource).first()
    opening = ExtraOpening.objects.create(
        resource=beck.resource,
        date=local_today() + relativedelta(years=1),  # 29 February has no twin next year
        start_time="10:00",
        end_time="12:00",
        slot_mode="fixed",
        slot_minutes=45,
        fixed_starts=["10:00"],
    )
    city = Closure.objects.filter(resource__isnull=True).first()
    return {
        "users": {
            OFFICE: office,
            REGISTRAR: registrar_user,
            BECK: beck_operator,
            JUENGER: juenger_operator,
            HOUSING: housing_staff,
        },
        "reservation": reserve("schloss-beck").reference,
        "anna": anna.pk,
        "markus": markus.pk,
        "rule": rule.pk,
        "opening": opening.pk,
        "city_closure": city.pk,
        "beck_block": Closure.objects.create(
            resource=beck.resource,
            start=opening_start(opening),
            end=opening_start(opening).replace(hour=23),
            reason="Privatfeier",
        ).pk,
    }


def opening_start(opening):
    from datetime import time

    from rathaus.core.timezone import local_datetime

    return local_datetime(opening.date.replace(day=1), time(18))


# (url name, args from the world, roles that may GET it)
PAGES = [
    ("backoffice:plan-day", [], {OFFICE}),
    ("backoffice:plan-week", [], {OFFICE}),
    ("backoffice:reservation-list", [], {OFFICE}),
    ("backoffice:reservation", ["reservation"], {OFFICE}),
    ("backoffice:reservation-move", ["reservation"], {OFFICE}),
    ("backoffice:reservation-registrar", ["reservation"], {OFFICE}),
    ("backoffice:venue-list", [], {OFFICE, BECK, JUENGER}),
    ("backoffice:venue", ["=schloss-beck"], {OFFICE, BECK}),
    ("backoffice:venue-feed", ["=schloss-beck"], {OFFICE, BECK}),
    ("backoffice:venue-import", ["=schloss-beck"], {OFFICE, BECK}),
    ("backoffice:venue-decline", ["=schloss-beck", "reservation"], {OFFICE, BECK}),
    ("backoffice:venue", ["=hof-juenger"], {OFFICE, JUENGER}),
    ("backoffice:venue-edit", ["=schloss-beck"], {OFFICE}),
    ("backoffice:venue-rules", ["=schloss-beck"], {OFFICE}),
    ("backoffice:registrar-list", [], {OFFICE}),
    ("backoffice:registrar", ["anna"], {OFFICE, REGISTRAR}),
    ("backoffice:registrar-feed", ["anna"], {OFFICE, REGISTRAR}),
    ("backoffice:registrar", ["markus"], {OFFICE}),
    ("backoffice:registrar-feed", ["markus"], {OFFICE}),
    ("backoffice:registrar-rules", ["anna"], {OFFICE}),
    ("backoffice:rule-edit", ["rule"], {OFFICE}),
    ("backoffice:closure-list", [], {OFFICE}),
    ("backoffice:policy", [], {OFFICE}),
    ("backoffice:statistics", [], {OFFICE}),
    ("backoffice:statistics-csv", [], {OFFICE}),
    ("backoffice:statistics-svg", [], {OFFICE}),
]

# (url name, args, POST data, roles that may do it)
ACTIONS = [
    (
        "backoffice:reservation-confirm",
        ["reservation"],
        {"notice_filed_on": "2020-01-01"},
        {OFFICE},
    ),
    ("backoffice:reservation-cancel", ["reservation"], {"reason": "Test"}, {OFFICE}),
    (
        "backoffice:reservation-move",
        ["reservation"],
        {"venue": "schloss-beck", "start": "1"},
        {OFFICE},
    ),
    ("backoffice:reservation-registrar", ["reservation"], {"registrar": "1"}, {OFFICE}),
    ("backoffice:venue-block", ["=schloss-beck"], {"first_day": "2099-01-01"}, {OFFICE, BECK}),
    ("backoffice:venue-block", ["=hof-juenger"], {"first_day": "2099-01-01"}, {OFFICE, JUENGER}),
    ("backoffice:venue-block-delete", ["=schloss-beck", "beck_block"], {}, {OFFICE, BECK}),
    (
        "backoffice:venue-agreement",
        ["=schloss-beck", "reservation"],
        {"decision": "agree"},
        {OFFICE, BECK},
    ),
    (
        "backoffice:venue-decline",
        ["=schloss-beck", "reservation"],
        {"reason": "Umbau"},
        {OFFICE, BECK},
    ),
    ("backoffice:reservation-decline-undo", ["reservation"], {}, {OFFICE}),
    ("backoffice:venue-feed", ["=schloss-beck"], {"action": "create"}, {OFFICE, BECK}),
    ("backoffice:venue-feed", ["=hof-juenger"], {"action": "create"}, {OFFICE, JUENGER}),
    ("backoffice:venue-edit", ["=schloss-beck"], {"name": "X"}, {OFFICE}),
    ("backoffice:venue-rules", ["=schloss-beck"], {"kind": "rule"}, {OFFICE}),
    ("backoffice:registrar-rules", ["anna"], {"kind": "rule"}, {OFFICE}),
    ("backoffice:rule-edit", ["rule"], {}, {OFFICE}),
    ("backoffice:rule-delete", ["rule"], {}, {OFFICE}),
    ("backoffice:opening-delete", ["opening"], {}, {OFFICE}),
    ("backoffice:closure-list", [], {"first_day": "2099-01-01"}, {OFFICE}),
    ("backoffice:closure-delete", ["city_closure"], {}, {OFFICE}),
    ("backoffice:policy", [], {"min_lead_days": "1"}, {OFFICE}),
    ("backoffice:registrar-absence", ["anna"], {"first_day": "2099-01-01"}, {OFFICE, REGISTRAR}),
    ("backoffice:registrar-absence", ["markus"], {"first_day": "2099-01-01"}, {OFFICE}),
    ("backoffice:registrar-feed", ["anna"], {"action": "create"}, {OFFICE, REGISTRAR}),
    ("backoffice:registrar-feed", ["markus"], {"action": "create"}, {OFFICE}),
]


def _url(world, name, args):
    return reverse(name, args=[a[1:] if a.startswith("=") else world[a] for a in args])


@pytest.mark.parametrize(("name", "args", "allowed"), PAGES, ids=lambda v: str(v))
def test_pages_by_role(client, world, name, args, allowed):
    url = _url(world, name, args)
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/?next=")
    for role in ROLES:
        client.force_login(world["users"][role])
        response = client.get(url)
        if role in allowed:
            assert response.status_code == 200, (role, url, response.status_code)
        else:
            assert response.status_code in (403, 404), (role, url, response.status_code)
        client.logout()


@pytest.mark.parametrize(("name", "args", "data", "allowed"), ACTIONS, ids=lambda v: str(v))
def test_changes_by_role(client, world, name, args, data, allowed):
    url = _url(world, name, args)
    entries_before = AuditEntry.objects.count()  # the couples' own steps are audited too
    anonymous = client.post(url, data)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/?next=")
    for role in ROLES:
        if role in allowed:
            continue
        client.force_login(world["users"][role])
        response = client.post(url, data)
        assert response.status_code in (403, 404), (role, url, response.status_code)
        client.logout()
    assert AuditEntry.objects.count() == entries_before, "a refused request changed something"
    client.force_login(world["users"][OFFICE])
    assert client.post(url, data).status_code < 500


def test_home_sends_each_role_to_its_work(client, world):
    expected = {
        OFFICE: "/verwaltung/trauungen/plan/tag/",
        BECK: "/verwaltung/trauungen/trauorte/schloss-beck/",
        REGISTRAR: "/verwaltung/trauungen/mein-plan/",
    }
    for role, target in expected.items():
        client.force_login(world["users"][role])
        assert client.get("/verwaltung/trauungen/")["Location"] == target
    client.force_login(world["users"][HOUSING])
    assert client.get("/verwaltung/trauungen/").status_code == 403
    client.force_login(world["users"][REGISTRAR])
    assert (
        client.get("/verwaltung/trauungen/mein-plan/")["Location"]
        == f"/verwaltung/trauungen/standesbeamte/{world['anna']}/"
    )


def test_venue_operator_sees_names_time_and_guests_only(client, world):
    reservation = reserve("schloss-beck", skip=1, email="geheim@example.org")
    reservation.phone = "+49 201 123456"
    reservation.note = "Allergie gegen Lilien"
    reservation.save()
    client.force_login(world["users"][BECK])
    day = reservation.start.date().isoformat()
    page = client.get(reverse("backoffice:venue", args=["schloss-beck"]), {"ab": day})
    page = page.content.decode()
    assert "Çağla Öztürk" in page
    assert reservation.start.astimezone(BERLIN).strftime("%H:%M") in page
    assert "10 Gäste" in page
    for secret in ["geheim@example.org", "123456", "Lilien", str(reservation.fee_eur), "Schneider"]:
        assert secret not in page, secret
    other = reserve("hof-juenger")
    assert other.reference not in page


def test_a_feed_token_of_another_kind_or_a_guess_gets_nothing(client, world):
    assert client.get("/verwaltung/trauungen/feed/geraten.ics").status_code == 404
    assert client.get("/verwaltung/trauungen/feed/" + "x" * 200 + ".ics").status_code == 404


def test_inactive_or_non_staff_accounts_are_refused(client, world):
    user = world["users"][OFFICE]
    user.is_staff = False
    user.save()
    client.force_login(user)
    assert client.get("/verwaltung/trauungen/plan/tag/").status_code == 403


def test_second_factor_is_required_when_switched_on(client, world, settings):
    settings.RATHAUS_STAFF_OTP_REQUIRED = True
    client.force_login(world["users"][OFFICE])
    response = client.get("/verwaltung/trauungen/plan/tag/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/zwei-faktor/?next=")
