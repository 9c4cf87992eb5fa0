"""Release windows, the per-couple limit, the reappear delay after a cancellation and the
services of the lottery and the waiting list (winner reserved at once, offer taking over a slot)."""

from datetime import date, datetime, time, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.exceptions import SlotUnavailable
from rathaus.weddings import release, selectors, services
from rathaus.weddings.constants import ReservationStatus
from rathaus.weddings.dates import is_high_demand
from rathaus.weddings.models import ReservationPolicy, Venue

pytestmark = pytest.mark.usefixtures("town")


def _policy() -> ReservationPolicy:
    return selectors.reservation_policy()


def _request(slot, email="paar@example.org", names=("Anna", "Berg", "Ben", "Cohen")):
    return services.ReservationRequest(
        venue=slot.venue,
        start=slot.start,
        partners=(services.Partner(*names[:2]), services.Partner(*names[2:])),
        email=email,
        guests=10,
        language="de",
    )


def _slots(now, first_offset=30, days=60, slug="rathaus-trauzimmer"):
    venue = Venue.objects.get(slug=slug)
    first = now.astimezone(BERLIN).date() + timedelta(days=first_offset)
    return selectors.ceremony_slots_free(
        first=first,
        last=first + timedelta(days=days),
        filters=selectors.SlotFilter(venues=[venue]),
        now=now,
    )


# --- release windows ---------------------------------------------------------------------------


def test_release_moment_is_horizon_months_before_at_the_release_time():
    policy = ReservationPolicy(horizon_months=12, release_time=time(8))
    assert release.release_moment(date(2027, 7, 7), policy) == local_datetime(
        date(2026, 7, 7), time(8)
    )


@pytest.mark.parametrize(
    ("now_local", "last_day"),
    [
        (datetime(2026, 3, 10, 7, 59, 59), date(2027, 3, 9)),
        (datetime(2026, 3, 10, 8, 0), date(2027, 3, 10)),
        # 29 February 2028 opens with 28 February 2027's date arithmetic: never skipped.
        (datetime(2027, 2, 28, 8, 0), date(2028, 2, 29)),
    ],
)
def test_last_released_day_turns_over_at_the_release_time(now_local, last_day):
    policy = ReservationPolicy(horizon_months=12, release_time=time(8))
    now = now_local.replace(tzinfo=BERLIN)
    assert release.last_released_day(policy, now) == last_day
    next_day, opens_at = release.next_release(policy, now)
    assert next_day == last_day + timedelta(days=1)
    assert opens_at > now


def _day_opening_soon(now, venue):
    """The first not-yet-released day that is no lottery day and has ceremonies at `venue`,
    with its free slots once it opens: from the data, so any weekday of the run will do."""
    day, opens_at = release.next_release(_policy(), now)
    for _ in range(31):
        if not is_high_demand(day):
            slots = selectors.ceremony_slots_free(
                first=day, last=day, filters=selectors.SlotFilter(venues=[venue]), now=opens_at
            )
            if slots:
                return day, opens_at, slots
        day += timedelta(days=1)
        opens_at = release.release_moment(day, _policy())
    raise AssertionError(f"no day with ceremonies at {venue} within a month after {now}")


def test_a_day_is_neither_listed_nor_reservable_before_it_opens():
    now = datetime.now(tz=BERLIN).replace(microsecond=0)
    venue = Venue.objects.get(slug="rathaus-trauzimmer")
    day, opens_at, slots = _day_opening_soon(now, venue)

    before = opens_at - timedelta(seconds=1)
    assert not selectors.ceremony_slots_free(
        first=day, last=day, filters=selectors.SlotFilter(venues=[venue]), now=before
    )

    with pytest.raises(ValidationError) as refused:
        services.reservation_create(request=_request(slots[0]), now=before)
    assert f"{opens_at:%d.%m.%Y}" in str(refused.value)

    created = services.reservation_create(request=_request(slots[0]), now=opens_at)
    assert created.reservation.status == ReservationStatus.PENDING


def test_the_calendar_says_when_the_next_date_opens(client):
    response = client.get("/trauung/")
    _day, opens_at = release.next_release(_policy(), datetime.now(tz=BERLIN))
    html = response.content.decode()
    assert f"um {opens_at:%H:%M} Uhr freigegeben" in html


# --- per-couple limit ---------------------------------------------------------------------------


def test_at_most_the_configured_number_of_active_reservations_per_email(settings):
    settings.RATHAUS_MAX_ACTIVE_RESERVATIONS = 2
    now = datetime.now(tz=BERLIN)
    slots = _slots(now)
    services.reservation_create(request=_request(slots[0]), now=now)
    services.reservation_create(request=_request(slots[1], names=("C", "D", "E", "F")), now=now)

    with pytest.raises(ValidationError) as refused:
        services.reservation_create(
            request=_request(slots[2], email="PAAR@example.org", names=("G", "H", "I", "J")),
            now=now,
        )
    assert "email" in refused.value.message_dict


def test_the_same_couple_counts_once_whatever_the_order_and_address(settings):
    settings.RATHAUS_MAX_ACTIVE_RESERVATIONS = 1
    now = datetime.now(tz=BERLIN)
    slots = _slots(now)
    services.reservation_create(request=_request(slots[0]), now=now)

    with pytest.raises(ValidationError):
        services.reservation_create(
            request=_request(
                slots[1], email="other@example.org", names=("ben", "cohen", "ANNA", "Berg")
            ),
            now=now,
        )


def test_a_cancelled_reservation_no_longer_counts(settings):
    settings.RATHAUS_MAX_ACTIVE_RESERVATIONS = 1
    now = datetime.now(tz=BERLIN)
    slots = _slots(now)
    first = services.reservation_create(request=_request(slots[0]), now=now)
    services.reservation_cancel(reservation=first.reservation, now=now)

    second = services.reservation_create(request=_request(slots[1]), now=now)
    assert second.reservation.status == ReservationStatus.PENDING


def test_a_pending_hold_past_its_expiry_no_longer_counts(settings):
    settings.RATHAUS_MAX_ACTIVE_RESERVATIONS = 1
    now = datetime.now(tz=BERLIN)
    slots = _slots(now)
    services.reservation_create(request=_request(slots[0]), now=now)
    later = now + timedelta(minutes=_policy().pending_hold_minutes + 1)  # no expiry job ran

    second = services.reservation_create(request=_request(slots[1]), now=later)

    assert second.reservation.status == ReservationStatus.PENDING
    assert (
        services.active_reservations_count(
            email="Paar@Example.org", partners=_request(slots[1]).partners, now=later
        )
        == 1
    )


def test_a_taken_reference_is_drawn_again(monkeypatch):
    now = datetime.now(tz=BERLIN)
    slots = _slots(now)
    first = services.reservation_create(request=_request(slots[0]), now=now).reservation
    drawn = iter([first.reference, first.reference, "TK-2099-FREE"])
    monkeypatch.setattr(services, "reference_new", lambda year: next(drawn))

    second = services.reservation_create(
        request=_request(slots[1], email="b@example.org", names=("C", "D", "E", "F")), now=now
    ).reservation

    assert second.reference == "TK-2099-FREE"
    assert next(drawn, None) is None  # both taken draws were tried first


# --- reappear delay after cancellation ----------------------------------------------------------


def _starts(now, slot):
    return {
        s.start_epoch
        for s in selectors.ceremony_slots_free(
            first=slot.day,
            last=slot.day,
            filters=selectors.SlotFilter(venues=[slot.venue]),
            now=now,
        )
    }


def test_a_cancelled_slot_reappears_only_after_a_random_delay_in_the_configured_range(settings):
    settings.RATHAUS_CANCELLED_SLOT_DELAY_MINUTES = (5, 20)
    now = datetime.now(tz=BERLIN)
    slot = _slots(now)[0]
    created = services.reservation_create(request=_request(slot), now=now)
    services.reservation_cancel(reservation=created.reservation, now=now)

    hidden_until = created.reservation.booking.allocations.first()
    hidden_until.refresh_from_db()
    delay = hidden_until.expires_at - now
    assert timedelta(minutes=5) <= delay <= timedelta(minutes=20)
    assert slot.start_epoch not in _starts(now + delay - timedelta(seconds=1), slot)
    assert slot.start_epoch in _starts(now + delay, slot)


def test_delays_differ_between_cancellations(settings):
    settings.RATHAUS_CANCELLED_SLOT_DELAY_MINUTES = (5, 20)
    delays = {services.reappear_delay() for _ in range(20)}
    assert len(delays) > 1


# --- the lottery's and the waiting list's own services ---------------------------------------


def test_a_lottery_winner_gets_a_reserved_reservation_held_until_the_notice_deadline(mailoutbox):
    now = datetime.now(tz=BERLIN)
    slot = _slots(now)[0]
    created = services.reservation_create_for_lottery_winner(
        request=_request(slot), now=now, mail_template="weddings/email/reserved"
    )

    reservation = created.reservation
    assert reservation.status == ReservationStatus.RESERVED
    assert reservation.confirmed_email_at == now
    booking = reservation.booking
    assert booking.status == BookingStatus.HOLD
    assert booking.expires_at == local_datetime(
        reservation.notice_deadline + timedelta(days=1), time.min
    )


def test_a_lottery_winner_gets_a_day_that_is_not_open_yet():
    now = datetime.now(tz=BERLIN).replace(microsecond=0)
    venue = Venue.objects.get(slug="rathaus-trauzimmer")
    _day, _opens_at, slots = _day_opening_soon(now, venue)
    created = services.reservation_create_for_lottery_winner(
        request=_request(slots[0]), now=now, mail_template="weddings/email/reserved"
    )
    assert created.reservation.start == slots[0].start


def test_supersede_hands_a_quarantined_slot_to_the_next_couple_at_once():
    now = datetime.now(tz=BERLIN)
    slot = _slots(now)[0]
    first = services.reservation_create(request=_request(slot), now=now)
    services.reservation_cancel(
        reservation=first.reservation, now=now, reappear_after=timedelta(minutes=15)
    )
    other = _request(slot, email="warteliste@example.org", names=("X", "Y", "Z", "W"))

    with pytest.raises(SlotUnavailable):
        services.reservation_create(request=other, now=now)
    offer = services.reservation_create_for_waitlist_offer(
        request=other,
        now=now,
        hold_for=timedelta(hours=48),
        supersede_booking_ids=[first.reservation.booking_id],
        mail_template="weddings/email/confirm_request",
    )
    assert offer.reservation.booking.expires_at == now + timedelta(hours=48)
    assert offer.reservation.start == slot.start


def test_horizon_is_counted_from_the_release_moment_not_midnight():
    policy = _policy()
    policy.release_time = time(23, 59)
    policy.save()
    now = local_datetime(datetime.now(tz=BERLIN).date(), time(12))
    _earliest, latest = selectors.bookable_range(policy, now)
    # The last open day has released, the next one opens at 23:59, not at midnight. (On
    # 29 February no day opens: the day a year ahead clips to 28 February, open since the day
    # before; so the next release is measured, not computed from today's date.)
    opens = release.release_moment(latest + timedelta(days=1), policy)
    assert release.release_moment(latest, policy) <= now < opens
    assert opens.astimezone(BERLIN).time() == time(23, 59)
    assert latest >= now.date() + relativedelta(months=policy.horizon_months) - timedelta(days=1)


def test_equally_free_registrars_are_offered_in_varying_order():
    """Concurrent reservations must not all queue for the same registrar's lock."""
    now = datetime.now(tz=BERLIN)
    slot = _slots(now)[0]
    firsts = {
        selectors.ceremony_slot_offer(venue=slot.venue, start=slot.start, now=now)[1][0].pk
        for _ in range(40)
    }
    offered = selectors.ceremony_slot_offer(venue=slot.venue, start=slot.start, now=now)[1]
    assert len(offered) > 1  # Bottrop's registrars: several are free on a fresh calendar
    assert len(firsts) > 1


# --- the limit under simultaneous requests ------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_of_one_couple_stay_within_the_limit(settings):
    """Eight requests of one couple for eight different slots at once, limit 2: two win."""
    from rathaus.scheduling.tests.concurrency import race, tally

    settings.RATHAUS_MAX_ACTIVE_RESERVATIONS = 2
    now = datetime.now(tz=BERLIN)
    slots = _slots(now)[:8]
    couple = ("Anna", "Berg", "Ben", "Cohen")

    spellings = [couple, ("ÁNNA", "Bèrg", "Ben", "Co-hen"), ("anna", "berg", "Bén", "Cohen")]

    def work(index, barrier):
        # the same couple, in either order of the partners, spelled differently, with
        # different addresses
        spelled = spellings[index % len(spellings)]
        names = spelled if index % 2 else spelled[2:] + spelled[:2]
        request = _request(slots[index], email=f"paar-{index}@example.org", names=names)
        barrier.wait()
        return services.reservation_create(request=request, now=now).reservation.reference

    outcomes = race(len(slots), work)

    assert tally(outcomes) == {"ok": 2, "ValidationError": 6}, [o.error for o in outcomes]
    assert (
        services.active_reservations_count(
            email="nobody@example.org", partners=_request(slots[0], names=couple).partners, now=now
        )
        == 2
    )
