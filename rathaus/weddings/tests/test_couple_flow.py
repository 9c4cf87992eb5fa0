"""The couple's walk through the reservation form (issue 12): every field error at once, the
per-address allowance used only by held slots, and the back button after reserving."""

import re

import pytest
from django.test import Client
from django.utils import translation

from rathaus.weddings import services
from rathaus.weddings.models import Reservation

from .test_views import (
    _form_data,
    _free_slot,
    _german,
    _hold_for_someone_else,
    _reserve,
    _reserve_url,
)

pytestmark = pytest.mark.usefixtures("town")


@pytest.fixture
def no_noscript_budget(settings):
    """The form is posted without the ALTCHA proof; only the allowance under test counts."""
    settings.RATHAUS_RATE_LIMIT_NOSCRIPT_IP = "off"
    settings.RATHAUS_RATE_LIMIT_NOSCRIPT_TOTAL = "off"
    settings.RATHAUS_RATE_LIMIT_SUBMIT_IP = "off"


def test_every_field_error_comes_at_once_the_venue_size_included(client):
    slot = _free_slot()  # Schloss Beck: room for 60
    response = client.post(
        _reserve_url(slot), _form_data(guests="61", partner1_family_name="", email="x")
    )
    assert response.status_code == 422
    html = response.content.decode()
    summary = re.search(r'class="error-summary".*?</div>', html, re.S).group(0)
    assert 'href="#id_guests"' in summary
    assert 'href="#id_partner1_family_name"' in summary
    assert 'href="#id_email"' in summary
    assert not Reservation.objects.exists()


@pytest.mark.usefixtures("no_noscript_budget")
def test_failed_attempts_do_not_use_up_the_addresss_allowance(
    client, settings, django_capture_on_commit_callbacks
):
    settings.RATHAUS_RATE_LIMIT_SUBMIT_EMAIL = "1/1d"
    taken, free, another = _free_slot(offset=0), _free_slot(offset=1), _free_slot(offset=2)
    _hold_for_someone_else(taken)

    for _attempt in range(3):  # the slot was just taken: nothing held, nothing used up
        assert client.post(_reserve_url(taken), _form_data()).status_code == 409

    _reserve(client, free, django_capture_on_commit_callbacks)

    refused = client.post(_reserve_url(another), _form_data(email="Paar+zwei@Example.org"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    html = refused.content.decode()
    with translation.override("de"):
        said = translation.ngettext(
            "Each e-mail address can reserve at most %(count)d date per day.",
            "Each e-mail address can reserve at most %(count)d dates per day.",
            1,
        ) % {"count": 1}
    assert said in html and "wieder reservieren" in html
    assert 'href="#id_email"' in html  # the error sits on the address it is about
    assert Reservation.objects.count() == 2


@pytest.mark.usefixtures("no_noscript_budget")
def test_the_form_says_the_allowance_before_anyone_runs_into_it(client, settings):
    settings.RATHAUS_RATE_LIMIT_SUBMIT_EMAIL = "3/1d"
    html = client.get(_reserve_url(_free_slot())).content.decode()
    with translation.override("de"):
        said = translation.ngettext(
            "Each e-mail address can reserve at most %(count)d date per day.",
            "Each e-mail address can reserve at most %(count)d dates per day.",
            3,
        ) % {"count": 3}
    assert said in html


def test_back_after_reserving_leads_to_the_own_pending_reservation(
    client, django_capture_on_commit_callbacks
):
    slot = _free_slot()
    reserved = _reserve(client, slot, django_capture_on_commit_callbacks)
    pending_url = reserved["Location"]

    back = client.get(_reserve_url(slot))
    assert back.status_code == 303 and back["Location"] == pending_url
    again = client.post(_reserve_url(slot), _form_data())  # the form sent a second time
    assert again.status_code == 303 and again["Location"] == pending_url
    assert Reservation.objects.count() == 1

    stranger = Client().get(_reserve_url(slot))  # another browser: the slot is taken
    assert stranger.status_code == 200
    assert _german("This date is no longer available") in stranger.content.decode()


def test_a_cancelled_own_hold_is_not_mistaken_for_a_live_one(
    client, django_capture_on_commit_callbacks
):
    slot = _free_slot()
    _reserve(client, slot, django_capture_on_commit_callbacks)
    services.reservation_cancel(reservation=Reservation.objects.get())

    page = client.get(_reserve_url(slot))
    assert page.status_code == 200


def test_the_cancel_page_tells_the_truth_about_when_the_date_is_free_again(
    client, settings, django_capture_on_commit_callbacks
):
    settings.RATHAUS_CANCELLED_SLOT_DELAY_MINUTES = (5, 20)
    _reserve(client, _free_slot(), django_capture_on_commit_callbacks)
    reservation = Reservation.objects.get()
    cancel_url = (
        f"/trauung/reservierung/{reservation.reference}/{reservation.manage_token}/stornieren/"
    )

    html = client.get(cancel_url).content.decode()
    assert "sofort" not in html
    assert "5 bis 20 Minuten" in html and "Warteliste" in html

    settings.RATHAUS_CANCELLED_SLOT_DELAY_MINUTES = (0, 0)
    assert "sofort wieder" in client.get(cancel_url).content.decode()


LOTTERY_LINK = re.compile(r'<a class="lottery" href="[^"]*?(\d{4}-\d{2}-\d{2})/?"')


def test_lotteries_are_advertised_only_for_days_with_ceremonies(client, time_machine):
    from datetime import date, datetime

    from rathaus.core.timezone import BERLIN

    from .factories import city_closures_create

    # December 2027 seen on 20.12.2026: 12.12. is a Sunday, 27.12. lies in the Christmas
    # closure; both are high-demand dates whose lottery period is open or announced
    time_machine.move_to(datetime(2026, 12, 20, 10, 0, tzinfo=BERLIN))
    city_closures_create(date(2026, 12, 20))  # the city's closures of these years
    december = client.get("/trauung/", {"month": "2027-12"}).content.decode()
    assert LOTTERY_LINK.findall(december) == []
    # nor marked as a high-demand date to apply for
    assert not re.search(r'>(12|27)<span class="cal-mark"', december)

    # January 2028 seen on 05.01.2027: 01.01. is a public holiday, 28.01. a Friday
    time_machine.move_to(datetime(2027, 1, 5, 10, 0, tzinfo=BERLIN))
    january = client.get("/trauung/", {"month": "2028-01"}).content.decode()
    assert LOTTERY_LINK.findall(january) == ["2028-01-28"]
    assert not re.search(r'>1<span class="cal-mark"', january)
    assert re.search(r'>28<span class="cal-mark"', january)
