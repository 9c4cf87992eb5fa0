"""Registry office: notice and confirmation, cancellation with reason, move, registrar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rathaus.audit.models import AuditEntry
from rathaus.audit.selectors import audit_lines_for
from rathaus.core.timezone import BERLIN, local_today
from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.models import Allocation
from rathaus.weddings.backoffice import selectors, services
from rathaus.weddings.backoffice.services import BackofficeError
from rathaus.weddings.models import Reservation, Venue

from .conftest import free_slot, reserve

pytestmark = pytest.mark.django_db


def _url(name, reservation):
    return reverse(f"backoffice:{name}", args=[reservation.reference])


def _allocations(reservation):
    return {
        a.resource_id: (a.start, a.end)
        for a in Allocation.objects.filter(booking_id=reservation.booking_id)
    }


def test_list_filters_by_status_venue_and_deadline(client, office):
    trauzimmer = reserve()
    beck = reserve("schloss-beck", confirm_email=False)
    client.force_login(office)
    page = client.get(reverse("backoffice:reservation-list")).content.decode()
    assert trauzimmer.reference in page and beck.reference in page
    page = client.get(
        reverse("backoffice:reservation-list"), {"status": "pending"}
    ).content.decode()
    assert beck.reference in page and trauzimmer.reference not in page
    page = client.get(
        reverse("backoffice:reservation-list"), {"venue": "schloss-beck"}
    ).content.decode()
    assert beck.reference in page and trauzimmer.reference not in page
    due = trauzimmer.notice_deadline
    page = client.get(
        reverse("backoffice:reservation-list"),
        {"deadline_until": (due - timedelta(days=1)).isoformat()},
    ).content.decode()
    assert trauzimmer.reference not in page
    page = client.get(
        reverse("backoffice:reservation-list"), {"deadline_until": due.isoformat()}
    ).content.decode()
    assert trauzimmer.reference in page


def test_record_notice_and_confirm(client, office):
    reservation = reserve()
    mail.outbox.clear()
    client.force_login(office)
    filed = local_today() - timedelta(days=1)
    response = client.post(
        _url("reservation-confirm", reservation), {"notice_filed_on": filed.isoformat()}
    )
    assert response.status_code == 303
    reservation.refresh_from_db()
    assert reservation.status == "confirmed"
    assert reservation.notice_filed_on == filed
    assert reservation.booking.status == BookingStatus.CONFIRMED
    assert reservation.booking.expires_at is None
    assert not Allocation.objects.filter(
        booking=reservation.booking, expires_at__isnull=False
    ).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["paar@example.org"]
    assert mail.outbox[0].attachments[0][0] == f"{reservation.reference}.ics"
    page = client.get(_url("reservation", reservation)).content.decode()
    assert "Sina Standesamt" in page  # the history names who did it
    again = client.post(
        _url("reservation-confirm", reservation), {"notice_filed_on": filed.isoformat()}
    )
    assert again.status_code == 422


def test_confirm_refuses_a_future_notice_and_waits_for_a_missing_venue_agreement(
    client, office, beck_operator
):
    reservation = reserve("schloss-beck")
    client.force_login(office)
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    assert (
        client.post(
            _url("reservation-confirm", reservation), {"notice_filed_on": tomorrow}
        ).status_code
        == 422
    )
    today = local_today().isoformat()
    response = client.post(_url("reservation-confirm", reservation), {"notice_filed_on": today})
    assert response.status_code == 303  # the notice is recorded without the venue's consent
    reservation.refresh_from_db()
    assert reservation.status == "reserved" and reservation.notice_filed_on == local_today()
    services.reservation_venue_decide(actor=beck_operator, reservation=reservation, agreed=True)
    reservation.refresh_from_db()
    assert reservation.status == "confirmed"  # the venue's agreement completes it


def test_cancel_needs_a_reason_and_mails_the_couple(client, office):
    reservation = reserve()
    mail.outbox.clear()
    client.force_login(office)
    assert client.post(_url("reservation-cancel", reservation), {"reason": ""}).status_code == 422
    response = client.post(_url("reservation-cancel", reservation), {"reason": "Doppelte Buchung"})
    assert response.status_code == 303
    reservation.refresh_from_db()
    assert reservation.status == "cancelled"
    assert reservation.cancelled_reason == "Doppelte Buchung"
    assert len(mail.outbox) == 1
    assert "Doppelte Buchung" in mail.outbox[0].body
    # The time stays blocked for the short random reappear delay only.
    hidden = Allocation.objects.filter(booking=reservation.booking, active=True)
    assert all(a.expires_at <= timezone.now() + timedelta(minutes=20) for a in hidden)
    entry = AuditEntry.objects.get(code="weddings.reservation.cancelled")
    assert entry.actor == office and entry.data["reason"] == "Doppelte Buchung"


def test_move_to_another_venue_in_one_step(client, office):
    reservation = reserve()
    target = free_slot("hof-juenger")
    mail.outbox.clear()
    client.force_login(office)
    page = client.get(
        _url("reservation-move", reservation),
        {"venue": "hof-juenger", "day": target.start.astimezone(BERLIN).date().isoformat()},
    )
    assert str(int(target.start.timestamp())) in page.content.decode()
    response = client.post(
        _url("reservation-move", reservation),
        {"venue": "hof-juenger", "start": int(target.start.timestamp())},
    )
    assert response.status_code == 303, response.content.decode()
    reservation.refresh_from_db()
    venue = Venue.objects.get(slug="hof-juenger")
    assert reservation.venue == venue and reservation.start == target.start
    assert reservation.fee_eur == venue.fee_outside_hours_eur
    allocations = _allocations(reservation)
    assert allocations[venue.resource_id] == (target.start, target.end)
    travel = timedelta(minutes=venue.travel_minutes)
    registrar = reservation.registrar
    assert allocations[registrar.resource_id] == (target.start - travel, target.end + travel)
    assert len(allocations) == 2  # the old venue is released in the same step
    assert len(mail.outbox) == 1 and "verlegt" in mail.outbox[0].subject
    lines = audit_lines_for(reservation)
    assert lines[0].code == "weddings.reservation.moved"
    assert {change.label.lower() for change in lines[0].changes} >= {"start", "ende"} or lines[
        0
    ].changes


def test_move_to_a_taken_time_is_refused_and_changes_nothing(client, office):
    first = reserve()
    second = reserve(skip=1)
    before = _allocations(first)
    client.force_login(office)
    response = client.post(
        _url("reservation-move", first),
        {"venue": "rathaus-trauzimmer", "start": int(second.start.timestamp())},
    )
    assert response.status_code == 409
    first.refresh_from_db()
    assert _allocations(first) == before and first.start != second.start


def test_move_keeps_the_registrar_when_free_else_takes_a_free_one(office):
    reservation = reserve()
    target = free_slot("rathaus-trauzimmer", skip=3)
    day = target.start.astimezone(BERLIN).date()
    option = next(
        o
        for o in selectors.move_options(reservation, reservation.venue, day)
        if o.start == target.start
    )
    if reservation.registrar in option.registrars:
        assert option.registrars[0] == reservation.registrar  # the current one comes first
    moved = services.reservation_move(
        actor=office, reservation=reservation, venue=reservation.venue, start=target.start
    )
    assert moved.registrar == option.registrars[0]


def test_registrar_suggestions_include_travel_and_assignment_never_overlaps(client, office):
    reservation = reserve("schloss-beck")
    suggested = selectors.registrars_suggested(reservation)
    assert suggested and reservation.registrar not in suggested
    client.force_login(office)
    page = client.get(_url("reservation-registrar", reservation)).content.decode()
    assert suggested[0].name in page
    new = suggested[0]
    response = client.post(_url("reservation-registrar", reservation), {"registrar": new.pk})
    assert response.status_code == 303
    reservation.refresh_from_db()
    assert reservation.registrar == new
    travel = timedelta(minutes=reservation.venue.travel_minutes)
    assert _allocations(reservation)[new.resource_id] == (
        reservation.start - travel,
        reservation.end + travel,
    )


def test_assigning_a_busy_registrar_is_refused(office):
    beck = reserve("schloss-beck")
    skip = next(i for i in range(8) if free_slot("hof-juenger", skip=i).start == beck.start)
    juenger = reserve("hof-juenger", skip=skip)  # the same time at another venue
    assert juenger.start == beck.start and juenger.registrar != beck.registrar
    before = _allocations(juenger)
    with pytest.raises(BackofficeError):
        services.reservation_registrar_assign(
            actor=office, reservation=juenger, registrar=beck.registrar
        )
    juenger.refresh_from_db()
    assert juenger.registrar != beck.registrar and _allocations(juenger) == before


def test_actions_on_a_cancelled_reservation_are_refused(office):
    reservation = reserve()
    services.reservation_cancel_by_office(actor=office, reservation=reservation, reason="x")
    with pytest.raises(BackofficeError):
        services.reservation_confirm(
            actor=office, reservation=reservation, notice_filed_on=local_today()
        )
    with pytest.raises(BackofficeError):
        services.reservation_cancel_by_office(actor=office, reservation=reservation, reason="x")


def test_day_and_week_plan_show_all_venues_and_registrars(client, office):
    one = reserve()
    two = reserve("schloss-beck")
    client.force_login(office)
    for reservation in (one, two):
        day = reservation.start.astimezone(BERLIN).date().isoformat()
        page = client.get(reverse("backoffice:plan-day"), {"tag": day}).content.decode()
        assert reservation.reference in page and reservation.registrar.name in page
        page = client.get(reverse("backoffice:plan-week"), {"woche": day}).content.decode()
        assert reservation.reference in page and reservation.venue.name in page


def test_an_expired_hold_is_not_confirmable(office):
    reservation = reserve(confirm_email=False)
    later = timezone.now() + timedelta(hours=3)
    with pytest.raises(BackofficeError):
        services.reservation_confirm(
            actor=office, reservation=reservation, notice_filed_on=local_today(), now=later
        )
    assert Reservation.objects.get(pk=reservation.pk).status == "pending"
