"""The venue's answer and the marriage notice (issue 12): a refusal is confirmed with a reason,
reaches the couple and the day plan and can be undone by the registry office; the notice is
recorded before the venue agrees; operators are asked only about confirmed reservations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rathaus.core.timezone import BERLIN, local_today
from rathaus.scheduling.constants import BookingStatus
from rathaus.weddings.backoffice import services
from rathaus.weddings.backoffice.services import BackofficeError
from rathaus.weddings.models import ReservationReminder, VenueAgreement

from .conftest import committed, reserve

pytestmark = pytest.mark.django_db
BECK = "schloss-beck"


def _status_url(reservation):
    return reverse(
        "weddings:reservation-status", args=[reservation.reference, reservation.manage_token]
    )


def test_declining_asks_for_confirmation_and_a_reason(client, beck_operator):
    reservation = reserve(BECK)
    client.force_login(beck_operator)
    calendar = client.get(reverse("backoffice:venue", args=[BECK])).content.decode()
    decline_url = reverse("backoffice:venue-decline", args=[BECK, reservation.reference])
    assert f'href="{decline_url}"' in calendar

    # the old one-tap button only leads to the question
    tap = client.post(
        reverse("backoffice:venue-agreement", args=[BECK, reservation.reference]),
        {"decision": "decline"},
    )
    assert tap.status_code == 303 and tap["Location"] == decline_url
    assert not VenueAgreement.objects.exists()

    page = client.get(decline_url)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    assert client.post(decline_url, {"reason": "  "}).status_code == 422
    assert not VenueAgreement.objects.exists()
    with pytest.raises(BackofficeError):
        services.reservation_venue_decide(
            actor=beck_operator, reservation=reservation, agreed=False
        )


def test_a_refusal_reaches_the_couple_the_status_page_and_the_day_plan(
    client, beck_operator, office
):
    reservation = reserve(BECK)
    mail.outbox.clear()
    client.force_login(beck_operator)
    decline_url = reverse("backoffice:venue-decline", args=[BECK, reservation.reference])
    assert client.post(decline_url, {"reason": "Saal wird renoviert"}).status_code == 303

    agreement = VenueAgreement.objects.get(reservation=reservation)
    assert not agreement.agreed and agreement.reason == "Saal wird renoviert"
    assert [m.to for m in mail.outbox] == [["paar@example.org"]]
    assert "Saal wird renoviert" in mail.outbox[0].body
    assert "&#x27;" not in mail.outbox[0].body

    client.logout()
    status = client.get(_status_url(reservation)).content.decode()
    assert "Saal wird renoviert" in status and "abgelehnt" in status

    client.force_login(office)
    day = reservation.start.astimezone(BERLIN).date()
    plan = client.get(reverse("backoffice:plan-day"), {"tag": day.isoformat()}).content.decode()
    assert "Trauort hat abgelehnt" in plan and "Saal wird renoviert" in plan


def test_the_registry_office_can_undo_a_refusal(client, beck_operator, office):
    reservation = reserve(BECK)
    with committed():
        services.reservation_venue_decide(
            actor=beck_operator, reservation=reservation, agreed=False, reason="Umbau"
        )
    mail.outbox.clear()
    client.force_login(office)
    undo_url = reverse("backoffice:reservation-decline-undo", args=[reservation.reference])
    detail = client.get(reverse("backoffice:reservation", args=[reservation.reference]))
    assert undo_url in detail.content.decode() and "Umbau" in detail.content.decode()

    assert client.post(undo_url).status_code == 303
    assert not VenueAgreement.objects.filter(reservation=reservation).exists()
    assert len(mail.outbox) == 1  # the couple hears that the refusal is withdrawn
    # the venue is asked again
    client.force_login(beck_operator)
    calendar = client.get(reverse("backoffice:venue", args=[BECK])).content.decode()
    assert "Warten auf Ihre Zustimmung" in calendar and reservation.reference in calendar


def test_a_venue_operator_cannot_undo_a_refusal(client, beck_operator):
    reservation = reserve(BECK)
    services.reservation_venue_decide(
        actor=beck_operator, reservation=reservation, agreed=False, reason="Umbau"
    )
    client.force_login(beck_operator)
    undo_url = reverse("backoffice:reservation-decline-undo", args=[reservation.reference])
    assert client.post(undo_url).status_code in (403, 404)
    assert VenueAgreement.objects.filter(reservation=reservation).exists()


def test_operators_are_asked_only_about_reservations_the_couple_confirmed(client, beck_operator):
    unconfirmed = reserve(BECK, confirm_email=False)
    confirmed = reserve(BECK, skip=1, email="zwei@example.org")
    client.force_login(beck_operator)
    calendar = client.get(reverse("backoffice:venue", args=[BECK])).content.decode()
    asking = calendar.split('id="agreements-title"', 1)[1].split("</section>", 1)[0]
    assert confirmed.reference in asking
    assert unconfirmed.reference not in asking
    with pytest.raises(BackofficeError):
        services.reservation_venue_decide(actor=beck_operator, reservation=unconfirmed, agreed=True)


def test_the_notice_is_recorded_before_the_venue_agrees_and_reminders_stop(office, beck_operator):
    reservation = reserve(BECK)
    reservation = services.reservation_confirm(
        actor=office, reservation=reservation, notice_filed_on=local_today()
    )
    assert reservation.status == "reserved" and reservation.notice_filed_on == local_today()
    # no reminder about the notice, and the hold does not lapse at the notice deadline
    deadline_eve = timezone.now().replace(microsecond=0)
    while deadline_eve.astimezone(BERLIN).date() < reservation.notice_deadline - timedelta(1):
        deadline_eve += timedelta(days=1)
    assert sum(services.reminders_send(now=deadline_eve).values()) == 0
    assert not ReservationReminder.objects.exists()
    after_deadline = deadline_eve + timedelta(days=3)
    assert services.reservations_expire(now=after_deadline) == 0
    reservation.refresh_from_db()
    assert reservation.status == "reserved"
    assert reservation.booking.status == BookingStatus.HOLD
    assert reservation.booking.expires_at >= reservation.end

    mail.outbox.clear()
    with committed():
        services.reservation_venue_decide(actor=beck_operator, reservation=reservation, agreed=True)
    reservation.refresh_from_db()
    assert reservation.status == "confirmed"
    assert reservation.booking.status == BookingStatus.CONFIRMED
    assert len(mail.outbox) == 1  # "your wedding is confirmed"


def test_another_venues_operator_cannot_decline(client, juenger_operator):
    reservation = reserve(BECK)
    client.force_login(juenger_operator)
    for slug in (BECK, "hof-juenger"):
        url = reverse("backoffice:venue-decline", args=[slug, reservation.reference])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "fremd"}).status_code == 404
    assert not VenueAgreement.objects.exists()


def test_the_venues_reason_is_erased_with_the_couples_data(beck_operator):
    reservation = reserve(BECK)
    services.reservation_venue_decide(
        actor=beck_operator, reservation=reservation, agreed=False, reason="Familie Öztürk bekannt"
    )
    services.reservation_personal_data_erase(reservation)
    assert VenueAgreement.objects.get(reservation=reservation).reason == ""
