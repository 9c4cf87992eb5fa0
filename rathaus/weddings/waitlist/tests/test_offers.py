"""Offers: a freed slot goes to the first fitting wish as a held reservation; decline and lapse
move it on; nothing is ever offered that is not free; the sweep is idempotent."""

from __future__ import annotations

from datetime import time, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from rathaus.core.timezone import local_datetime
from rathaus.weddings import services as weddings
from rathaus.weddings.backoffice.services import reservations_expire
from rathaus.weddings.models import Reservation, Venue
from rathaus.weddings.selectors import SlotFilter, ceremony_slots_free
from rathaus.weddings.waitlist import services
from rathaus.weddings.waitlist.models import Offer, Wish
from rathaus.weddings.waitlist.services import jobs

from .conftest import committed, free_slots, reserve, wish_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("town")]


def _publicly_free(slot) -> bool:
    day = slot.day
    return any(
        free.start_epoch == slot.start_epoch
        for free in ceremony_slots_free(
            first=day, last=day, filters=SlotFilter(venues=[slot.venue])
        )
    )


def _mails_to(wish):
    return [message for message in mail.outbox if message.to == [wish.email]]


def _cancel(reservation):
    with committed():
        weddings.reservation_cancel_by_couple(reservation=reservation)


def test_cancellation_offers_the_slot_to_the_first_fitting_wish_in_line():
    slot = free_slots()[0]
    taken = reserve(slot)
    other_venue = wish_for(slot, venues=(Venue.objects.get(slug="rathaus-trauzimmer"),))
    first = wish_for(slot)
    second = wish_for(slot)
    mail.outbox.clear()

    _cancel(taken)

    offer = Offer.objects.get()
    assert offer.wish == first and offer.status == "open"
    reservation = offer.reservation
    assert reservation.status == "pending" and reservation.email == first.email
    assert (reservation.venue, reservation.start) == (slot.venue, slot.start)
    assert offer.expires_at == reservation.booking.expires_at
    assert abs(offer.expires_at - timezone.now() - timedelta(hours=48)) < timedelta(minutes=5)
    assert not _publicly_free(slot)  # held for the offer
    (message,) = _mails_to(first)
    assert "frei geworden" in message.subject
    confirm = f"/trauung/reservierung/{reservation.reference}/bestaetigen/"
    decline = f"/trauung/warteliste/angebot/{reservation.reference}/{reservation.manage_token}/"
    assert confirm + reservation.confirm_token in message.body
    assert decline + "ablehnen/" in message.body
    assert _mails_to(second) == [] and _mails_to(other_venue) == []


def test_only_confirmed_wishes_get_offers():
    slot = free_slots()[0]
    taken = reserve(slot)
    unconfirmed = wish_for(slot, confirm=False)
    mail.outbox.clear()
    _cancel(taken)
    assert not Offer.objects.exists() and _mails_to(unconfirmed) == []
    confirmed = wish_for(slot)
    with committed():
        assert "offered" not in jobs.waitlist_match()  # still in its reappear delay
    after_delay = timezone.now() + timedelta(minutes=30)
    with committed():
        jobs.waitlist_match(now=after_delay)
    assert Offer.objects.get().wish == confirmed


def test_line_order_is_the_order_of_confirmation():
    slot = free_slots()[0]
    taken = reserve(slot)
    early = wish_for(slot, confirm=False)
    late = wish_for(slot, confirm=False)
    now = timezone.now()
    services.wish_confirm(wish=late, token=late.confirm_token, now=now)
    services.wish_confirm(wish=early, token=early.confirm_token, now=now + timedelta(minutes=1))
    _cancel(taken)
    assert Offer.objects.get().wish == late


def test_decline_passes_the_slot_to_the_next_wish_and_keeps_the_first_in_line():
    slot = free_slots()[0]
    taken = reserve(slot)
    first, second = wish_for(slot), wish_for(slot)
    _cancel(taken)
    offer = Offer.objects.get(wish=first)
    with committed():
        services.offer_decline(offer=offer)

    offer.refresh_from_db()
    assert offer.status == "declined" and offer.reservation.status == "cancelled"
    passed = Offer.objects.get(wish=second, status="open")
    assert (passed.venue, passed.start) == (slot.venue, slot.start)
    assert passed.reservation.status == "pending"
    first.refresh_from_db()
    assert first.status == "active"  # stays on the list for other dates
    with committed():
        jobs.waitlist_match()
    assert not Offer.objects.filter(wish=first, start=slot.start, status="open").exists()


def test_decline_and_remove_ends_the_wish():
    slot = free_slots()[0]
    taken = reserve(slot)
    first = wish_for(slot)
    _cancel(taken)
    with committed():
        services.offer_decline(offer=Offer.objects.get(), remove_from_list=True)
    first.refresh_from_db()
    assert first.status == "withdrawn"
    with committed():
        jobs.waitlist_match()
    assert not Offer.objects.filter(status="open").exists()


def test_a_lapsed_offer_moves_on_to_the_next_wish():
    slot = free_slots()[0]
    taken = reserve(slot)
    first, second = wish_for(slot), wish_for(slot)
    _cancel(taken)
    offer = Offer.objects.get(wish=first)
    later = timezone.now() + timedelta(hours=49)
    mail.outbox.clear()

    with committed():
        reservations_expire(now=later)
        result = jobs.waitlist_match(now=later)

    offer.refresh_from_db()
    assert offer.status == "lapsed" and offer.reservation.status == "expired"
    assert result["lapsed"] == 1
    passed = Offer.objects.get(wish=second, status="open")
    assert (passed.venue, passed.start) == (slot.venue, slot.start)
    assert len(_mails_to(second)) == 1
    assert not Offer.objects.filter(wish=first, start=slot.start, status="open").exists()


def test_two_lapses_end_a_wish():
    slots = free_slots()[:2]
    wish = wish_for(days=tuple({slot.day for slot in slots}), venues=(slots[0].venue,))
    now = timezone.now()
    for _step in range(2):
        with committed():
            jobs.waitlist_match(now=now)
        assert Offer.objects.filter(wish=wish, status="open").exists()
        now += timedelta(hours=49)
        with committed():
            reservations_expire(now=now)
    with committed():
        jobs.waitlist_match(now=now)
    wish.refresh_from_db()
    assert wish.status == "ended"
    assert Offer.objects.filter(wish=wish, status="lapsed").count() == 2


def test_expiry_command_passes_lapsed_offers_on():
    slot = free_slots()[0]
    first, second = wish_for(slot), wish_for(slot)
    long_ago = timezone.now() - timedelta(hours=49)
    with committed():
        services.offer_make(wish=first, venue=slot.venue, start=slot.start, now=long_ago)
    out = StringIO()
    with committed():
        call_command("weddings_expire_reservations", stdout=out)
    assert "waiting list" in out.getvalue()
    assert Offer.objects.get(wish=first).status == "lapsed"
    assert Offer.objects.get(wish=second).status == "open"


def test_acceptance_through_the_confirm_link_ends_the_wish(client):
    slot = free_slots()[0]
    taken = reserve(slot)
    wish = wish_for(slot)
    _cancel(taken)
    reservation = Offer.objects.get().reservation
    url = f"/trauung/reservierung/{reservation.reference}/bestaetigen/{reservation.confirm_token}/"
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 303
    reservation.refresh_from_db()
    assert reservation.status == "reserved"

    status = client.get(f"/trauung/warteliste/{wish.reference}/{wish.manage_token}/")
    assert "Termin angenommen" in status.content.decode()  # shown before the job ran
    with committed():
        assert jobs.waitlist_match()["accepted"] == 1
    wish.refresh_from_db()
    assert wish.status == "fulfilled"
    other = free_slots()[1]
    _cancel(reserve(other))
    assert Offer.objects.filter(wish=wish).count() == 1  # no more offers


def test_no_offer_for_a_slot_that_is_not_free():
    slot = free_slots()[0]
    wish_for(slot)
    reserve(slot)  # taken, with nobody cancelling
    mail.outbox.clear()
    with committed():
        assert services.waitlist_slot_freed(venue=slot.venue, start=slot.start) is None
    assert not Offer.objects.exists() and mail.outbox == []


def test_the_sweep_offers_nothing_when_a_concurrent_booking_took_the_slot(monkeypatch):
    """The sweep saw the slot free; another couple booked it before the offer was made."""
    slot = free_slots()[0]
    wish = wish_for(slot, days=(slot.day,), venues=(slot.venue,), time_of_day="")
    stale = ceremony_slots_free(
        first=slot.day, last=slot.day, filters=SlotFilter(venues=[slot.venue])
    )
    for free in stale:
        reserve(free)  # every slot of that day is booked meanwhile
    monkeypatch.setattr(jobs, "ceremony_slots_free", lambda **kwargs: stale)
    mail.outbox.clear()
    with committed():
        result = jobs.waitlist_match()
    assert "offered" not in result
    assert not Offer.objects.exists() and mail.outbox == []
    assert Reservation.objects.filter(email=wish.email).count() == 0


def test_the_sweep_offers_free_slots_once_in_line_order():
    slots = free_slots()
    day = slots[0].day
    on_day = [slot for slot in slots if slot.day == day]
    for slot in on_day[1:]:
        reserve(slot)  # one free slot left that day
    first = wish_for(on_day[0], time_of_day="")
    second = wish_for(on_day[0], time_of_day="")
    mail.outbox.clear()
    with committed():
        assert jobs.waitlist_match()["offered"] == 1
        assert "offered" not in jobs.waitlist_match()
    offer = Offer.objects.get()
    assert offer.wish == first and offer.start == on_day[0].start
    assert len(mail.outbox) == 1
    assert not Offer.objects.filter(wish=second).exists()


def test_withdrawing_declines_an_open_offer():
    slot = free_slots()[0]
    taken = reserve(slot)
    first, second = wish_for(slot), wish_for(slot)
    _cancel(taken)
    with committed():
        services.wish_withdraw(wish=first)
    first.refresh_from_db()
    assert first.status == "withdrawn"
    assert Offer.objects.get(wish=first).status == "declined"
    assert Offer.objects.get(wish=second).status == "open"


def test_wishes_end_when_their_dates_have_passed_and_are_erased_later():
    slot = free_slots()[0]
    wish = wish_for(slot)
    pending = wish_for(slot, confirm=False)
    after = local_datetime(wish.last_day + timedelta(days=1), time(0, 5))
    assert jobs.wishes_end_due(now=after) == 2
    wish.refresh_from_db()
    assert wish.status == "ended"
    assert jobs.wishes_erase_due(now=after) == 1  # the unconfirmed one, after its 7 days
    assert not Wish.objects.filter(pk=pending.pk).exists()
    assert jobs.wishes_erase_due(now=after + timedelta(days=29)) == 0
    assert jobs.wishes_erase_due(now=after + timedelta(days=31)) == 1
    assert not Wish.objects.exists()


def test_erasure_keeps_wishes_within_the_retention_period():
    slot = free_slots()[0]
    wish = wish_for(slot)
    unconfirmed = wish_for(slot, confirm=False)
    assert jobs.wishes_erase_due(now=timezone.now() + timedelta(days=6)) == 0
    assert jobs.wishes_erase_due(now=timezone.now() + timedelta(days=8)) == 1
    assert not Wish.objects.filter(pk=unconfirmed.pk).exists()
    with committed():
        services.wish_withdraw(wish=wish)
    assert jobs.wishes_erase_due(now=timezone.now() + timedelta(days=29)) == 0
    assert jobs.wishes_erase_due(now=timezone.now() + timedelta(days=31)) == 1


def test_a_couple_at_its_limit_of_reservations_is_skipped(settings):
    slot, other = free_slots()[:2]
    taken = reserve(slot)
    busy = wish_for(slot, email="busy@example.org")
    reserve(other, email="busy@example.org")  # the first couple holds a date already
    free = wish_for(slot)
    settings.RATHAUS_MAX_ACTIVE_RESERVATIONS = 1
    _cancel(taken)
    assert not Offer.objects.filter(wish=busy).exists()
    assert Offer.objects.get(wish=free).start == slot.start
