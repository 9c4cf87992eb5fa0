"""When a day is held back for its lottery, and when applications are taken."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.weddings import services as wedding_services
from rathaus.weddings.lottery import services
from rathaus.weddings.lottery.constants import ApplicationStatus, LotterySource
from rathaus.weddings.lottery.models import Lottery
from rathaus.weddings.lottery.selectors import (
    lottery_blocks_day,
    lottery_days_between,
    release_moment,
)
from rathaus.weddings.lottery.services import lottery_draw
from rathaus.weddings.selectors import ceremony_slots_free
from rathaus.weddings.services import Partner

from .conftest import apply, close, lottery_open, slots_of

SCHNAPS = date(2029, 8, 8)  # 8.8.29, a Wednesday: day equals month
OPENS = local_datetime(date(2028, 8, 8), timezone.datetime.min.time().replace(hour=8))


@pytest.fixture
def no_row(town):
    assert not Lottery.objects.filter(day=SCHNAPS).exists()


def test_a_schnapszahl_date_without_row_is_blocked_until_its_default_window_closes(no_row):
    assert release_moment(SCHNAPS) == OPENS
    assert lottery_blocks_day(SCHNAPS, OPENS - timedelta(days=400))
    assert lottery_blocks_day(SCHNAPS, OPENS + timedelta(days=13, hours=23))
    # Past the close without a row nobody can have applied: nothing to draw, the day is free.
    assert not lottery_blocks_day(SCHNAPS, OPENS + timedelta(days=14))


def test_an_ordinary_date_is_never_blocked(db):
    assert not lottery_blocks_day(date(2029, 8, 7), OPENS)


def test_a_lottery_blocks_until_drawn_and_not_when_taken_out(town):
    lottery = lottery_open()
    now = timezone.now()
    assert lottery_blocks_day(lottery.day, now)
    assert lottery_blocks_day(lottery.day, now + timedelta(days=30))  # closed, not drawn yet
    lottery.drawn_at = now
    lottery.save()
    assert not lottery_blocks_day(lottery.day, now)
    lottery.drawn_at, lottery.excluded = None, True
    lottery.save()
    assert not lottery_blocks_day(lottery.day, now)


def test_calendar_marks_with_states(town):
    lottery = lottery_open()
    now = timezone.now()
    infos = lottery_days_between(lottery.day, lottery.day, now=now)
    assert infos[lottery.day].state == "open"
    assert infos[lottery.day].url == f"/trauung/verlosung/{lottery.day.isoformat()}/"
    assert (
        lottery_days_between(lottery.day, lottery.day, now=now - timedelta(days=1))[
            lottery.day
        ].state
        == "upcoming"
    )
    virtual = lottery_days_between(SCHNAPS, SCHNAPS, now=OPENS - timedelta(days=1))[SCHNAPS]
    assert (virtual.state, virtual.applications_open_at) == ("upcoming", OPENS)
    assert virtual.applications_close_at == OPENS + timedelta(days=14)
    assert lottery_days_between(SCHNAPS, SCHNAPS, now=OPENS + timedelta(days=15)) == {}


def test_the_calendar_and_direct_reservations_leave_the_day_to_the_lottery(town):
    lottery = lottery_open()
    slot = slots_of(lottery)[0]
    assert ceremony_slots_free(first=lottery.day, last=lottery.day) == []
    with pytest.raises(ValidationError):
        wedding_services.reservation_create(
            request=wedding_services.ReservationRequest(
                venue=slot.venue,
                start=slot.start,
                partners=(Partner("A", "B"), Partner("C", "D")),
                email="direkt@example.org",
                guests=10,
                language="de",
            )
        )


def test_automatic_lottery_rows_are_created_lazily_and_once(town):
    now = OPENS - timedelta(days=10)  # inside the announcement period
    first = services.lottery_get_or_create(SCHNAPS, now=now)
    second = services.lottery_get_or_create(SCHNAPS, now=now)
    assert first.pk == second.pk and first.source == LotterySource.AUTO
    assert (first.opens_at, first.closes_at) == (OPENS, OPENS + timedelta(days=14))
    assert len(first.seed) == 64 and first.seed_public is None
    assert services.lottery_get_or_create(date(2029, 8, 7), now=now) is None


def test_no_row_far_ahead_nor_after_a_window_closed_without_one(town):
    assert services.lottery_get_or_create(SCHNAPS, now=OPENS - timedelta(days=200)) is None
    assert services.lottery_get_or_create(SCHNAPS, now=OPENS + timedelta(days=15)) is None
    assert not Lottery.objects.exists()


def test_the_schedule_job_announces_upcoming_lotteries_idempotently(town):
    now = OPENS - timedelta(days=30)
    created = services.lottery_schedule(now=now)
    assert created >= 1 and Lottery.objects.filter(day=SCHNAPS).exists()
    assert services.lottery_schedule(now=now) == 0
    for lottery in Lottery.objects.all():
        assert lottery.opens_at <= now + timedelta(days=60)


def test_applications_only_while_the_window_is_open(town):
    lottery = lottery_open()
    slot = slots_of(lottery)[0]
    before = lottery.opens_at - timedelta(minutes=1)
    with pytest.raises(services.LotteryError):
        apply(lottery, [slot], confirm=False, now=before)
    pending = apply(lottery, [slot], confirm=False)
    after = lottery.closes_at + timedelta(seconds=1)
    with pytest.raises(services.LotteryError):
        apply(lottery, [slot], couple=1, confirm=False, now=after)
    with pytest.raises(services.LotteryError):  # confirming too late does not let it take part
        services.application_confirm_email(
            application=pending, token=pending.confirm_token, now=after
        )


def test_a_confirmation_after_the_close_is_not_drawn(town):
    lottery = lottery_open()
    slot = slots_of(lottery)[0]
    late = apply(lottery, [slot], confirm=False)
    on_time = apply(lottery, [slot], couple=1)
    lottery_draw(lottery=lottery, now=close(lottery))
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.status == ApplicationStatus.UNCONFIRMED
    assert on_time.status == ApplicationStatus.WON


def test_preferences_must_be_offered_times_with_room_for_the_guests(town):
    lottery = lottery_open()
    slots = slots_of(lottery)
    with pytest.raises(ValidationError):
        apply(lottery, [slots[0], slots[0]], confirm=False)
    small = min(slots, key=lambda s: s.venue.max_guests)
    with pytest.raises(ValidationError):
        apply(lottery, [small], guests=small.venue.max_guests + 1, confirm=False)
    other_day = ceremony_slots_free(
        first=lottery.day + timedelta(days=1), last=lottery.day + timedelta(days=20)
    )[0]
    with pytest.raises(ValidationError):
        apply(lottery, [other_day], confirm=False)


def test_withdrawn_applications_take_no_part(town):
    lottery = lottery_open()
    slot = slots_of(lottery)[0]
    application = apply(lottery, [slot])
    services.application_withdraw(application=application, token=application.manage_token)
    lottery_draw(lottery=lottery, now=close(lottery))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert not hasattr(application, "result")


def test_release_moment_follows_the_policy_release_time(db):
    from rathaus.weddings.selectors import reservation_policy

    policy = reservation_policy()
    if hasattr(policy, "release_time"):
        policy.release_time = timezone.datetime.min.time().replace(hour=10)
    assert release_moment(SCHNAPS, policy).astimezone(BERLIN).hour == (
        10 if hasattr(policy, "release_time") else 8
    )


def _no_ceremony(day: date) -> bool:
    """Bottrop's data: no rule on Sundays and public holidays, the city closed 24–31 Dec."""
    from rathaus.scheduling.engine import is_public_holiday

    return day.weekday() == 6 or is_public_holiday(day) or (day.month == 12 and day.day >= 24)


def _high_demand_days(years: int = 2):
    from rathaus.core.timezone import local_today
    from rathaus.weddings.dates import is_high_demand

    today = local_today()
    return [
        today + timedelta(days=n)
        for n in range(1, 365 * years)
        if is_high_demand(today + timedelta(days=n))
    ]


def test_lotteries_are_held_and_announced_only_on_days_with_ceremonies(town):
    """Sundays, 27.12. (the Christmas closure) and 01.01. are Schnapszahl dates without any
    ceremony: no lottery, no announcement, no page."""
    days = _high_demand_days()
    empty = [day for day in days if _no_ceremony(day)]
    held = [day for day in days if not _no_ceremony(day)]
    assert empty and held
    for day in days:
        announced = release_moment(day) - timedelta(days=1)  # inside the announcement period
        shown = lottery_days_between(day, day, now=announced)
        assert (day in shown) is (day in held), day
        created = services.lottery_get_or_create(day, now=announced)
        assert (created is not None) is (day in held), day
    assert not Lottery.objects.filter(day__in=empty).exists()


def test_the_list_of_lotteries_names_no_day_without_ceremonies(town, client):
    from rathaus.weddings.lottery.selectors import lotteries_public

    for day in _high_demand_days(years=1):
        now = release_moment(day) - timedelta(days=1)
        listed = {info.day for info in lotteries_public(now=now)}
        assert (day in listed) is not _no_ceremony(day), day
    empty = next(day for day in _high_demand_days() if _no_ceremony(day))
    assert client.get(f"/trauung/verlosung/{empty.isoformat()}/").status_code == 404


def test_staff_cannot_make_a_lottery_of_a_day_without_ceremonies(town):
    from rathaus.core.timezone import local_today

    sunday = local_today() + timedelta(days=90)
    sunday += timedelta(days=(6 - sunday.weekday()) % 7)
    from django.utils import translation

    with translation.override("en"), pytest.raises(services.LotteryError, match="No ceremony"):
        services.lottery_mark(actor=None, day=sunday)
    assert not Lottery.objects.filter(day=sunday).exists()
