"""The public Traukalender pages over HTTP: search, venue, reservation, confirmation, status.

Dates are picked relative to today inside the policy window (14 days lead, 12 months ahead).
"""

import re
from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.utils import timezone, translation

from rathaus.core.timezone import BERLIN, local_today
from rathaus.weddings import selectors, services
from rathaus.weddings.constants import ReservationStatus
from rathaus.weddings.dates import is_high_demand
from rathaus.weddings.models import Reservation, Venue

pytestmark = pytest.mark.usefixtures("town")

RESERVE_LINK = re.compile(r"/trauung/reservieren/([\w-]+)/(\d+)/")
CONFIRM_LINK = re.compile(r"/trauung/reservierung/(TK-[\w-]+)/bestaetigen/([\w=-]+)/")


def _free_slot(slug="schloss-beck", weekday=5, offset=0):
    venue = Venue.objects.get(slug=slug)
    first = local_today() + timedelta(days=30)
    slots = selectors.ceremony_slots_free(
        first=first,
        last=first + timedelta(days=90),
        filters=selectors.SlotFilter(venues=[venue], weekdays={weekday}),
    )
    return slots[offset]


def _reserve_url(slot):
    return f"/trauung/reservieren/{slot.venue.slug}/{slot.start_epoch}/"


def _form_data(**overrides):
    data = {
        "partner1_given_name": "Çağla",
        "partner1_family_name": "Öztürk-Nguyễn",
        "partner2_given_name": "Luca",
        "partner2_family_name": "D'Amato",
        "email": "paar@example.org",
        "phone": "02041 70-0",
        "guests": "12",
        "language": "de",
        "note": "Bitte mit Dolmetscherin für Türkisch.",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _german(text):
    with translation.override("de"):
        return translation.gettext(text)


def _hold_for_someone_else(slot):
    services.reservation_create(
        request=services.ReservationRequest(
            venue=slot.venue,
            start=slot.start,
            partners=(services.Partner("A", "B"), services.Partner("C", "D")),
            email="other@example.org",
            guests=10,
            language="de",
        )
    )


def _reserve(client, slot, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_reserve_url(slot), _form_data(**overrides))
    assert response.status_code == 303, response.content.decode()[:2000]
    return response


# --- search -------------------------------------------------------------------------------


def test_search_renders_a_monday_first_calendar_with_reserve_links(client):
    response = client.get("/trauung/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<caption>" in html
    headers = re.findall(r'<th scope="col">.*?visually-hidden">(\w+)<', html)
    assert headers[0] == "Montag" and headers[6] == "Sonntag"
    assert RESERVE_LINK.search(html)
    assert 'data-hx-get="/trauung/"' in html and 'data-hx-push-url="true"' in html
    assert " hx-" not in html  # the valid data-hx-* form only
    assert "style=" not in html and "<script>" not in html


def test_search_filters_by_weekday_district_and_guests(client):
    slot = _free_slot()
    response = client.get(
        "/trauung/",
        {
            "month": f"{slot.day:%Y-%m}",
            "weekdays": ["5"],
            "district": "kirchhellen",
            "guests": "55",
        },
    )
    html = response.content.decode()
    links = RESERVE_LINK.findall(html)
    assert links
    kirchhellen = set(
        Venue.objects.filter(district="kirchhellen", max_guests__gte=55).values_list(
            "slug", flat=True
        )
    )
    for slug, epoch in links:
        assert slug in kirchhellen
        assert timezone.datetime.fromtimestamp(int(epoch), BERLIN).weekday() == 5
    assert 'value="5" checked' in html or 'value="5" id="id_weekdays_5" checked' in html


def test_search_time_of_day_step_free_outdoor_and_fee(client):
    slot = _free_slot()
    response = client.get(
        "/trauung/",
        {
            "month": f"{slot.day:%Y-%m}",
            "time_of_day": "morning",
            "step_free": "on",
            "outdoor": "on",
            "max_fee": "160",
        },
    )
    links = RESERVE_LINK.findall(response.content.decode())
    assert links
    for slug, epoch in links:
        venue = Venue.objects.get(slug=slug)
        assert venue.step_free and venue.outdoor_possible
        assert timezone.datetime.fromtimestamp(int(epoch), BERLIN).hour < 12


def test_search_day_lists_that_day_and_links_keep_the_filters(client):
    slot = _free_slot()
    response = client.get(
        "/trauung/", {"weekdays": "5", "month": f"{slot.day:%Y-%m}", "day": slot.day.isoformat()}
    )
    html = response.content.decode()
    days = {
        timezone.datetime.fromtimestamp(int(epoch), BERLIN).date()
        for _, epoch in RESERVE_LINK.findall(html)
    }
    assert days == {slot.day}
    assert 'aria-current="date"' in html
    assert f"weekdays=5&amp;month={slot.day:%Y-%m}&amp;day=" in html


def test_search_marks_high_demand_dates_with_a_badge_and_text(client):
    earliest, latest = selectors.bookable_range(selectors.reservation_policy(), timezone.now())
    day = next(
        earliest + timedelta(days=n)
        for n in range(400)
        if is_high_demand(earliest + timedelta(days=n))
    )
    assert day <= latest
    html = client.get("/trauung/", {"month": f"{day:%Y-%m}"}).content.decode()
    assert 'class="cal-mark"' in html
    assert _german("high-demand date") in html
    assert (
        _german(
            "High-demand date (Schnapszahl): its times are allocated by a fair lottery; "
            "apply during the application period."
        )
        in html
    )


def test_search_with_bad_input_shows_german_errors_and_still_results(client):
    response = client.get("/trauung/", {"guests": "viele", "max_fee": "-5"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert "Bitte eine ganze Zahl eingeben." in html
    assert 'href="#id_guests"' in html
    assert 'value="viele"' in html
    assert RESERVE_LINK.search(html)


def test_search_month_navigation_and_htmx_focus(client):
    slot = _free_slot()
    # A month between the first and the last bookable one has both arrows; the first has no
    # "previous" (the free slot may lie in it, e.g. on 23 December).
    middle = slot.day + timedelta(days=62)
    html = client.get("/trauung/", {"month": f"{middle:%Y-%m}"}).content.decode()
    assert 'id="month-prev"' in html and 'id="month-next"' in html
    response = client.get(
        "/trauung/",
        {"day": slot.day.isoformat(), "month": f"{slot.day:%Y-%m}"},
        HTTP_HX_REQUEST="true",
    )
    assert "HX-Request" in response["Vary"]
    assert re.search(
        r'<h2 class="slot-day-title" id="h-slots" tabindex="-1" autofocus>',
        response.content.decode(),
    )


def test_next_free_lists_twenty_slots_optionally_by_venue(client):
    html = client.get("/trauung/naechste-termine/").content.decode()
    assert len(RESERVE_LINK.findall(html)) == 20
    html = client.get("/trauung/naechste-termine/", {"venue": "hof-juenger"}).content.decode()
    links = RESERVE_LINK.findall(html)
    assert len(links) == 20 and {slug for slug, _ in links} == {"hof-juenger"}


def test_search_earliest_possible_with_wishes_opens_the_month_of_the_first_match(client):
    """With "Earliest possible" and a wish that nothing in the first open month fulfils, the
    page opens the month of the first matching day, not an empty month."""
    from rathaus.scheduling.models import Closure

    venue = Venue.objects.get(slug="schloss-beck")
    earliest, latest = selectors.bookable_range(selectors.reservation_policy(), timezone.now())
    first_month = earliest.replace(day=1)
    next_month = (first_month + timedelta(days=32)).replace(day=1)
    Closure.objects.create(  # Schloss Beck is closed for the whole first open month
        resource=venue.resource,
        start=timezone.datetime(first_month.year, first_month.month, 1, tzinfo=BERLIN),
        end=timezone.datetime(next_month.year, next_month.month, 1, tzinfo=BERLIN),
    )
    filters = selectors.SlotFilter(venues=[venue])
    first_match = selectors.ceremony_slots_free(first=earliest, last=latest, filters=filters)[0]
    assert first_match.day >= next_month

    html = client.get("/trauung/", {"month": "", "venue": "schloss-beck"}).content.decode()
    links = RESERVE_LINK.findall(html)
    assert links, "the opened month shows the free times of the first matching days"
    days = {timezone.datetime.fromtimestamp(int(epoch), BERLIN).date() for _, epoch in links}
    assert first_match.day in days
    assert all(d.month == first_match.day.month for d in days)
    assert f'<option value="{first_match.day:%Y-%m}" selected' not in html  # still "earliest"


# --- venue --------------------------------------------------------------------------------


def test_venue_page_separates_the_two_kinds_of_costs(client):
    # The month shown derives from the data: the current month may have no free time left.
    month = f"{_free_slot('schloss-beck').day:%Y-%m}"
    html = client.get("/trauung/orte/schloss-beck/", {"month": month}).content.decode()
    assert "Schloss Beck" in html and "160,00" in html
    assert _german("Registry office fee") in html and _german("Costs of the venue") in html
    assert "Raummiete nach Vereinbarung mit Schloss Beck" in html
    assert (
        _german(
            "The venue must agree to each wedding. After reserving, please contact the "
            "venue yourselves."
        )
        in html
    )
    assert "<caption>" in html and RESERVE_LINK.search(html)

    html = client.get("/trauung/orte/brauhaus-am-ring/").content.decode()  # no costs note
    assert _german("by agreement with the venue") in html

    html = client.get("/trauung/orte/rathaus-trauzimmer/").content.decode()
    assert "40,00" in html and "106,00" in html


def test_venue_page_404_for_unknown_and_inactive_venues(client):
    assert client.get("/trauung/orte/gibt-es-nicht/").status_code == 404
    assert client.get("/trauung/orte/forsthaus-specht/").status_code == 404


def test_venue_page_month_and_day(client):
    slot = _free_slot()
    html = client.get(
        "/trauung/orte/schloss-beck/", {"month": f"{slot.day:%Y-%m}", "day": slot.day.isoformat()}
    ).content.decode()
    days = {
        timezone.datetime.fromtimestamp(int(e), BERLIN).date()
        for _, e in RESERVE_LINK.findall(html)
    }
    assert days == {slot.day}


# --- reservation form ---------------------------------------------------------------------


def test_reserve_form_shows_the_slot_and_an_accessible_form(client):
    slot = _free_slot()
    response = client.get(_reserve_url(slot), {"guests": "40"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Schloss Beck" in html and "160,00" in html and f"{slot.start:%H:%M}" in html
    for name in (
        "partner1_given_name",
        "partner2_family_name",
        "email",
        "phone",
        "guests",
        "note",
        "consent",
    ):
        assert f'<label for="id_{name}"' in html
    assert 'value="de" id="id_language_0" checked' in html or re.search(
        r'name="language" value="de"[^>]*checked', html
    )
    assert 'value="40"' in html
    assert 'href="/datenschutz/"' in html
    assert "<legend>" in html


def test_reserve_form_language_defaults_to_the_ui_language(client):
    slot = _free_slot()
    html = client.get(_reserve_url(slot), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'name="language" value="en"[^>]*checked', html)
    assert 'lang="en"' in html


def test_reserve_form_errors_keep_every_value_and_speak_german(client):
    slot = _free_slot()
    response = client.post(
        _reserve_url(slot),
        _form_data(
            partner1_family_name="",
            email="kein-at-zeichen",
            guests="2000",
            consent=None,
            partner2_given_name="\u0000",
        ),
    )
    assert response.status_code == 422
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert 'href="#id_partner1_family_name"' in html and 'href="#id_consent"' in html
    assert "Dieser Wert muss kleiner oder gleich 1000 sein." in html
    assert _german("Please enter the family name of the first partner.") in html
    assert _german("Please enter a valid e-mail address.") in html
    assert re.search(r'id="id_partner1_family_name"[^>]*aria-invalid="true"', html) or re.search(
        r'aria-invalid="true"[^>]*id="id_partner1_family_name"', html
    )
    assert 'aria-describedby="id_partner1_family_name_error"' in html
    assert 'id="id_partner1_family_name_error"' in html
    # nothing typed is lost
    assert 'value="Çağla"' in html and 'value="kein-at-zeichen"' in html
    assert 'value="2000"' in html and "Bitte mit Dolmetscherin für Türkisch." in html
    assert not Reservation.objects.exists()


def test_service_validation_maps_guests_to_its_field(client):
    slot = _free_slot()
    response = client.post(_reserve_url(slot), _form_data(guests="61"))
    assert response.status_code == 422
    html = response.content.decode()
    error = re.search(r'id="id_guests_error">(.*?)</p>', html, re.S).group(1)
    assert "60" in error
    assert 'href="#id_guests"' in html
    assert 'value="Çağla"' in html


def test_taken_slot_on_post_keeps_values_and_offers_other_times(client):
    slot = _free_slot()
    _hold_for_someone_else(slot)
    response = client.post(_reserve_url(slot), _form_data())
    assert response.status_code == 409
    html = response.content.decode()
    assert _german("This date is no longer available") in html
    assert 'href="/trauung/?month=' in html
    assert 'value="Çağla"' in html
    assert re.search(
        r'<button type="submit" form="reservation-form" class="slot-time" '
        r'formaction="/trauung/reservieren/schloss-beck/\d+/"',
        html,
    )
    assert Reservation.objects.count() == 1


def test_taken_slot_on_get_shows_the_message_instead_of_the_form(client):
    slot = _free_slot()
    _hold_for_someone_else(slot)
    response = client.get(_reserve_url(slot))
    html = response.content.decode()
    assert _german("This date is no longer available") in html
    assert 'id="reservation-form"' not in html
    assert RESERVE_LINK.search(html)  # other times at the venue


@pytest.mark.parametrize(
    "path",
    [
        "/trauung/reservieren/schloss-beck/99999999999999/",
        "/trauung/reservieren/gibt-es-nicht/1800000000/",
        "/trauung/reservieren/forsthaus-specht/1800000000/",
    ],
)
def test_reserve_404_for_bad_venue_or_start(client, path):
    assert client.get(path).status_code == 404


# --- the whole way ------------------------------------------------------------------------


def test_reserve_confirm_status_ics_cancel(client, django_capture_on_commit_callbacks):
    slot = _free_slot()
    response = _reserve(client, slot, django_capture_on_commit_callbacks)
    reservation = Reservation.objects.get()
    assert response["Location"] == f"/trauung/reservierung/{reservation.reference}/eingegangen/"

    pending = client.get(response["Location"])
    html = pending.content.decode()
    assert reservation.reference in html
    assert "paar@example.org" not in html and "Çağla" not in html
    assert "2" in re.search(r'<div class="card">(.*?)</div>', html, re.S).group(1)

    assert len(mail.outbox) == 1
    reference, token = CONFIRM_LINK.search(mail.outbox[0].body).groups()
    confirm_url = f"/trauung/reservierung/{reference}/bestaetigen/{token}/"

    shown = client.get(confirm_url)  # a link scanner: nothing changes
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    assert '<form method="post"' in shown.content.decode()
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(confirm_url)
    assert confirmed.status_code == 303
    status_url = confirmed["Location"]
    assert status_url == (
        f"/trauung/reservierung/{reservation.reference}/{reservation.manage_token}/"
    )
    assert len(mail.outbox) == 2

    status = client.get(status_url)
    assert status.status_code == 200 and "no-store" in status["Cache-Control"]
    html = status.content.decode()
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RESERVED
    assert f'<p class="reference">{reservation.reference}</p>' in html
    with translation.override("de"):
        deadline = f"{reservation.notice_deadline.day}. "
    assert deadline in html and "§ 13 Abs. 4" in html
    assert f"{slot.start:%H:%M}" in html

    ics = client.get(f"{status_url}kalender.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert ics["Content-Disposition"] == f'attachment; filename="{reservation.reference}.ics"'
    event = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == reservation.start

    cancel_url = f"{status_url}stornieren/"
    ask = client.get(cancel_url)
    assert ask.status_code == 200 and '<form method="post"' in ask.content.decode()
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RESERVED
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(cancel_url)
    assert done.status_code == 303 and done["Location"] == status_url
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CANCELLED
    assert _german("Cancelled") in client.get(status_url).content.decode()
    # The slot reappears only after the random reappear delay (at most 20 minutes).
    assert selectors.ceremony_slot_find(venue=slot.venue, start=slot.start) is None
    later = timezone.now() + timedelta(minutes=21)
    assert selectors.ceremony_slot_find(venue=slot.venue, start=slot.start, now=later) is not None


def test_second_confirmation_click_shows_the_status_link(
    client, django_capture_on_commit_callbacks
):
    slot = _free_slot()
    _reserve(client, slot, django_capture_on_commit_callbacks)
    reservation = Reservation.objects.get()
    url = f"/trauung/reservierung/{reservation.reference}/bestaetigen/{reservation.confirm_token}/"
    client.post(url)
    html = client.get(url).content.decode()
    assert reservation.manage_token in html and '<form method="post"' not in html


def test_wrong_tokens_and_unknown_references_are_404(client, django_capture_on_commit_callbacks):
    slot = _free_slot()
    _reserve(client, slot, django_capture_on_commit_callbacks)
    reservation = Reservation.objects.get()
    ref, manage = reservation.reference, reservation.manage_token
    base = "/trauung/reservierung"
    for url in (
        f"{base}/{ref}/falsch/",
        f"{base}/TK-2000-AAAA/{manage}/",
        f"{base}/{ref}/{reservation.confirm_token}/",  # the confirm token opens no status page
        f"{base}/{ref}/falsch/kalender.ics",
        f"{base}/{ref}/falsch/stornieren/",
        f"{base}/{ref}/bestaetigen/{manage}/",
        f"{base}/{ref}/bestaetigen/falsch/",
        f"{base}/kein-zeichen/eingegangen/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}/{ref}/falsch/stornieren/").status_code == 404
    assert client.post(f"{base}/{ref}/bestaetigen/falsch/").status_code == 404
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.PENDING


def test_expired_confirmation_is_explained(client):
    slot = _free_slot()
    created = services.reservation_create(
        request=services.ReservationRequest(
            venue=slot.venue,
            start=slot.start,
            partners=(services.Partner("A", "B"), services.Partner("C", "D")),
            email="late@example.org",
            guests=10,
            language="de",
        ),
        now=timezone.now() - timedelta(hours=3),
    )
    url = (
        f"/trauung/reservierung/{created.reservation.reference}/bestaetigen/"
        f"{created.confirm_token}/"
    )
    html = client.get(url).content.decode()
    assert _german("This reservation has expired") in html and '<form method="post"' not in html
    response = client.post(url)
    assert response.status_code == 409
    assert _german("This reservation has expired") in response.content.decode()
    created.reservation.refresh_from_db()
    assert created.reservation.status == ReservationStatus.EXPIRED


@pytest.mark.parametrize(
    "query",
    [
        "date_from=2031-01-01",
        "month=garbage&day=2027-13-45&weekdays=9&time_of_day=x&district=y&venue=z&max_fee=abc",
        "date_from=2027-03-01&date_to=2027-02-01",
        "month=1999-01",
        "guests=99999999999999999999",
    ],
)
def test_odd_search_input_never_breaks_the_page(client, query):
    response = client.get(f"/trauung/?{query}")
    assert response.status_code == 200
    assert "<caption>" in response.content.decode()


def test_confirm_link_after_cancelling_says_it_is_no_longer_active(
    client, django_capture_on_commit_callbacks
):
    slot = _free_slot()
    _reserve(client, slot, django_capture_on_commit_callbacks)
    reservation = Reservation.objects.get()
    services.reservation_cancel(reservation=reservation)
    url = f"/trauung/reservierung/{reservation.reference}/bestaetigen/{reservation.confirm_token}/"
    html = client.get(url).content.decode()
    assert _german("This reservation is no longer active") in html
    assert '<form method="post"' not in html
