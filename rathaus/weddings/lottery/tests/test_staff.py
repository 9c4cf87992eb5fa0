"""The registry office marks and unmarks lottery dates; nobody else may; nothing can steer a
draw."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from rathaus.accounts import roles
from rathaus.accounts.tests.factories import StaffUserFactory
from rathaus.audit.models import AuditEntry
from rathaus.core.timezone import local_today
from rathaus.weddings.lottery.constants import LotterySource
from rathaus.weddings.lottery.models import Lottery
from rathaus.weddings.lottery.selectors import lottery_blocks_day

from .conftest import apply, lottery_day, lottery_open, schnapszahl_ceremony_day, slots_of

pytestmark = pytest.mark.usefixtures("town")
LIST = "/verwaltung/trauungen/verlosung/"


def _user(username, role) -> User:
    return StaffUserFactory(username=username, roles=[role])


@pytest.fixture
def office():
    return _user("standesamt", roles.REGISTRY_OFFICE)


@pytest.mark.parametrize("role", [roles.REGISTRAR, roles.VENUE_OPERATOR, None])
def test_only_the_registry_office_may_use_the_staff_pages(client, role):
    lottery = lottery_open()
    day = lottery.day.isoformat()
    urls = [LIST, f"{LIST}{day}/"]
    if role:
        client.force_login(_user("jemand", role))
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if role is None:
            assert response["Location"].startswith("/login/")
    assert client.post(LIST, {"day": "2030-06-01"}).status_code in (302, 403)
    assert client.post(f"{LIST}{day}/entfernen/").status_code in (302, 403)
    assert not Lottery.objects.filter(excluded=True).exists()
    assert Lottery.objects.count() == 1


@pytest.mark.parametrize("edge", ["9999-12-31", "0001-01-01", ""])
def test_staff_cannot_make_a_lottery_of_a_day_beyond_the_calendar(client, office, edge):
    client.force_login(office)
    response = client.post(LIST, {"day": edge})

    assert response.status_code == 422
    assert response.context["form"].errors["day"]
    assert not Lottery.objects.exists()


def test_mark_a_date_then_take_it_out_again(client, office):
    client.force_login(office)
    day = lottery_day()
    response = client.post(LIST, {"day": day.isoformat()})
    assert response.status_code == 303
    lottery = Lottery.objects.get(day=day)
    assert lottery.source == LotterySource.STAFF and not lottery.excluded
    assert lottery.closes_at - lottery.opens_at == timedelta(days=14)
    assert lottery_blocks_day(day, lottery.opens_at)
    page = client.get(LIST).content.decode()
    assert lottery.seed not in page
    assert client.post(f"{LIST}{day.isoformat()}/entfernen/").status_code == 303
    lottery.refresh_from_db()
    assert lottery.excluded and not lottery_blocks_day(day, lottery.opens_at)
    codes = list(AuditEntry.objects.values_list("code", flat=True))
    assert "weddings.lottery.marked" in codes and "weddings.lottery.unmarked" in codes
    assert client.post(LIST, {"day": day.isoformat()}).status_code == 303  # marked again
    assert not Lottery.objects.get(day=day).excluded


def test_a_date_with_applicants_cannot_be_taken_out(client, office):
    lottery = lottery_open()
    apply(lottery, slots_of(lottery)[:1], confirm=False)
    client.force_login(office)
    client.post(f"{LIST}{lottery.day.isoformat()}/entfernen/")
    lottery.refresh_from_db()
    assert not lottery.excluded


def test_too_late_for_a_lottery(client, office):
    client.force_login(office)
    soon = local_today() + timedelta(days=20)
    response = client.post(LIST, {"day": soon.isoformat()})
    assert response.status_code == 422
    assert not Lottery.objects.filter(day=soon).exists()


def test_an_automatic_date_can_be_taken_out_before_anyone_applied(client, office):

    client.force_login(office)
    schnaps = schnapszahl_ceremony_day(local_today().year + 2)
    assert lottery_blocks_day(schnaps, lottery_open().opens_at)
    client.post(f"{LIST}{schnaps.isoformat()}/entfernen/")
    lottery = Lottery.objects.get(day=schnaps)
    assert lottery.source == LotterySource.AUTO and lottery.excluded


def test_the_staff_detail_shows_counts_and_no_seed_before_the_draw(client, office):
    lottery = lottery_open()
    apply(lottery, slots_of(lottery)[:1])
    client.force_login(office)
    html = client.get(f"{LIST}{lottery.day.isoformat()}/").content.decode()
    assert lottery.seed_commitment in html and lottery.seed not in html
    assert lottery.applications.get().reference in html


def test_there_is_no_way_to_start_a_draw_from_the_web(client, office):
    lottery = lottery_open()
    client.force_login(office)
    for url in (f"{LIST}{lottery.day.isoformat()}/", f"/trauung/verlosung/{lottery.day}/"):
        client.post(url, {"draw": "1"})
    lottery.refresh_from_db()
    assert lottery.drawn_at is None and lottery.draw_claimed_at is None


def test_the_admin_shows_lotteries_read_only_and_never_the_seed(client):
    lottery = lottery_open()
    admin = User.objects.create_superuser("admin", "admin@example.org", "Richtig-Geheim-2027")
    client.force_login(admin)
    listing = client.get("/admin/wedding_lottery/lottery/")
    assert listing.status_code == 200
    detail = client.get(f"/admin/wedding_lottery/lottery/{lottery.pk}/change/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert lottery.seed_commitment in html and lottery.seed not in html
    response = client.post(
        f"/admin/wedding_lottery/lottery/{lottery.pk}/change/", {"excluded": "on"}
    )
    assert response.status_code == 403
