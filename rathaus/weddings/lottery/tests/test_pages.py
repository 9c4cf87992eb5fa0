"""The whole lottery over HTTP, as a couple uses it: apply, confirm the e-mail link, the draw
command, the result – plus the form's error handling and the bot protection."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from rathaus.protection.testing import altcha_solved
from rathaus.weddings.constants import ReservationStatus
from rathaus.weddings.lottery.constants import ApplicationStatus
from rathaus.weddings.lottery.forms import slot_value
from rathaus.weddings.lottery.models import Application
from rathaus.weddings.models import Reservation

from .conftest import close, committed, lottery_open, schnapszahl_ceremony_day, slots_of

pytestmark = pytest.mark.usefixtures("town")

CONFIRM_LINK = re.compile(r"/trauung/verlosung/bewerbung/(TV-[\w-]+)/bestaetigen/([\w=-]+)/")
STATUS_LINK = re.compile(r"/trauung/verlosung/bewerbung/(TV-[\w-]+)/([\w=-]+)/")


@pytest.fixture
def client(client):
    """A test client whose requests run their on-commit hooks (e-mails), as after a commit."""
    plain = client.request

    def request(**kwargs):
        with committed():
            return plain(**kwargs)

    client.request = request
    return client


def _data(slots, **overrides):
    data = {
        "preference_1": slot_value(slots[0]),
        "preference_2": slot_value(slots[1]) if len(slots) > 1 else "",
        "partner1_given_name": "Çağla",
        "partner1_family_name": "Öztürk",
        "partner2_given_name": "Luca",
        "partner2_family_name": "D'Amato",
        "email": "paar@example.org",
        "phone": "02041 70-0",
        "guests": "12",
        "language": "de",
        "consent": "on",
        "altcha": altcha_solved(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _german(text):
    with translation.override("de"):
        return translation.gettext(text)


def _apply_and_confirm(client, url, data) -> tuple[str, str]:
    mail.outbox.clear()
    response = client.post(url, data)
    assert response.status_code == 303, response.content.decode()[:3000]
    reference = response["Location"].split("/")[-3]
    assert response["Location"] == f"/trauung/verlosung/bewerbung/{reference}/eingegangen/"
    assert reference in client.get(response["Location"]).content.decode()
    (message,) = mail.outbox
    found_reference, token = CONFIRM_LINK.search(message.body).groups()
    assert found_reference == reference
    confirm_url = f"/trauung/verlosung/bewerbung/{reference}/bestaetigen/{token}/"
    page = client.get(confirm_url)
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    assert Application.objects.get(reference=reference).status == "pending"  # GET changes nothing
    confirmed = client.post(confirm_url)
    assert confirmed.status_code == 303
    return reference, confirmed["Location"]


def test_apply_confirm_draw_and_see_the_result(client):
    lottery = lottery_open()
    day = lottery.day.isoformat()
    url = f"/trauung/verlosung/{day}/"
    slots = slots_of(lottery)

    listing = client.get("/trauung/verlosung/").content.decode()
    assert url in listing
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and lottery.seed_commitment in html and lottery.seed not in html
    assert 'name="preference_1"' in html and 'name="preference_5"' in html

    winner_ref, winner_status = _apply_and_confirm(client, url, _data(slots[:1]))
    loser_ref, loser_status = _apply_and_confirm(
        client,
        url,
        _data(
            slots[:1],
            partner1_given_name="Mia",
            partner1_family_name="Nowak",
            partner2_given_name="Lea",
            partner2_family_name="Kowalski",
            email="mia@example.org",
        ),
    )
    assert _german("Takes part in the draw") in client.get(winner_status).content.decode()
    # Whoever the seed puts first gets the one time both asked for.
    close(lottery)
    mail.outbox.clear()
    with committed():
        call_command("lottery_draw")
    winner = Application.objects.get(status=ApplicationStatus.WON)
    loser = Application.objects.get(status=ApplicationStatus.LOST)
    assert {winner.reference, loser.reference} == {winner_ref, loser_ref}

    reservation = Reservation.objects.get()
    assert reservation.status == ReservationStatus.RESERVED
    assert reservation.email == winner.email and reservation.start == slots[0].start
    won_mail = next(m for m in mail.outbox if m.to == [winner.email])
    assert reservation.reference in won_mail.subject
    assert f"/trauung/reservierung/{reservation.reference}/" in won_mail.body
    lost_mail = next(m for m in mail.outbox if m.to == [loser.email])
    assert "/trauung/warteliste/" in lost_mail.body
    assert "/trauung/reservieren/" in lost_mail.body

    status_urls = {winner_ref: winner_status, loser_ref: loser_status}
    winner_page = client.get(status_urls[winner.reference]).content.decode()
    assert reservation.reference in winner_page
    loser_page = client.get(status_urls[loser.reference]).content.decode()
    assert "/trauung/warteliste/" in loser_page

    result = client.get(url).content.decode()
    lottery.refresh_from_db()
    assert lottery.seed in result and winner.reference in result and loser.reference in result
    assert "Öztürk" not in result and "paar@example.org" not in result


def test_form_errors_keep_the_entries_and_link_to_their_fields(client):
    lottery = lottery_open()
    url = f"/trauung/verlosung/{lottery.day.isoformat()}/"
    slots = slots_of(lottery)
    response = client.post(
        url,
        _data(
            slots[:1],
            partner1_given_name="",
            preference_2=slot_value(slots[0]),
            email="paar@example",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'class="error-summary"' in html
    assert 'href="#id_partner1_given_name"' in html and 'href="#id_preference_2"' in html
    assert 'aria-describedby="id_email_error' in html or 'id="id_email_error' in html
    assert 'value="Luca"' in html and 'value="paar@example"' in html
    assert not Application.objects.exists() and not mail.outbox


@pytest.mark.usefixtures("rate_limits_off")
def test_an_invalid_proof_of_work_is_refused_and_the_entries_kept(client):
    lottery = lottery_open()
    url = f"/trauung/verlosung/{lottery.day.isoformat()}/"
    slots = slots_of(lottery)
    bad = client.post(url, _data(slots[:1], altcha="bm90LWEtcHJvb2Y="))
    assert bad.status_code == 422 and not Application.objects.exists()
    assert 'value="Öztürk"' in bad.content.decode()


def test_a_closed_lottery_takes_no_application(client):
    lottery = lottery_open()
    slots = slots_of(lottery)
    close(lottery)
    response = client.post(f"/trauung/verlosung/{lottery.day.isoformat()}/", _data(slots[:1]))
    assert response.status_code == 409 and not Application.objects.exists()


def test_withdraw_on_the_status_page(client):
    lottery = lottery_open()
    url = f"/trauung/verlosung/{lottery.day.isoformat()}/"
    _reference, status_url = _apply_and_confirm(client, url, _data(slots_of(lottery)[:2]))
    assert client.post(status_url).status_code == 303
    assert Application.objects.get().status == ApplicationStatus.WITHDRAWN
    assert 'type="submit" class="danger"' not in client.get(status_url).content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/trauung/verlosung/2027-02-30/",
        "/trauung/verlosung/nicht-ein-datum/",
        "/trauung/verlosung/2027-03-03/ergebnis.json",
        "/trauung/verlosung/bewerbung/TV-2027-AAAA/eingegangen/x/",
        "/trauung/verlosung/bewerbung/TV-2027-AAAA/falsch/",
        "/trauung/verlosung/bewerbung/TV-2027-AAAA/bestaetigen/falsch/",
        "/trauung/verlosung/bewerbung/%00/falsch/",
    ],
)
def test_unknown_dates_references_and_tokens_are_404(client, path):
    assert client.get(path).status_code == 404


def test_an_ordinary_date_has_no_lottery_page(client):
    lottery = lottery_open()
    lottery.delete()
    assert client.get(f"/trauung/verlosung/{lottery.day.isoformat()}/").status_code == 404


def test_a_schnapszahl_page_far_ahead_announces_without_creating_the_lottery(client):

    from rathaus.core.timezone import local_today
    from rathaus.weddings.lottery.models import Lottery

    far = schnapszahl_ceremony_day(local_today().year + 3)
    html = client.get(f"/trauung/verlosung/{far.isoformat()}/").content.decode()
    assert not Lottery.objects.filter(day=far).exists()
    assert _german("Applications open soon") in html
    assert 'name="preference_1"' not in html


def test_erased_applications_links_stop_working(client):
    from datetime import timedelta

    from rathaus.weddings.lottery.services import applications_erase_due, lottery_draw

    lottery = lottery_open()
    url = f"/trauung/verlosung/{lottery.day.isoformat()}/"
    _reference, status_url = _apply_and_confirm(client, url, _data(slots_of(lottery)[:1]))
    with committed():
        lottery_draw(lottery=lottery, now=close(lottery))
    lottery.refresh_from_db()
    assert client.get(status_url).status_code == 200
    applications_erase_due(now=lottery.drawn_at + timedelta(days=31))
    assert client.get(status_url).status_code == 404
