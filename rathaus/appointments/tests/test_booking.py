"""Booking for persons: lengths, holds, details, limits, confirmation, cancellation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from rathaus.appointments.constants import AppointmentStatus, Channel
from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import (
    PersonNeed,
    PlanInvalid,
    free_times,
    needs_parse,
    plan_make,
)
from rathaus.appointments.services.booking import (
    BookingRefused,
    PersonDetails,
    appointment_book,
    appointment_confirm,
    appointment_details,
    appointment_hold,
    appointment_lapse_unconfirmed,
)
from rathaus.appointments.services.cancel import appointment_cancel
from rathaus.core.models import OutboxMessage
from rathaus.scheduling.constants import BookingStatus

from .factories import MONDAY, NOW, at, later, office

pytestmark = pytest.mark.django_db

ANNA = PersonDetails("Anna", "Schmidt", date(1990, 5, 1))
BEN = PersonDetails("Ben", "Schmidt", date(2019, 3, 2))


def subjects():
    return list(OutboxMessage.objects.order_by("pk").values_list("subject", flat=True))


def family_plan(o):
    return plan_make(
        o.location,
        [
            PersonNeed((("personalausweis", 1), ("reisepass", 1))),  # 20 + 15
            PersonNeed((("reisepass", 1),)),  # 15
        ],
    )


def test_the_length_is_the_sum_of_every_persons_minutes():
    o = office()
    plan = family_plan(o)
    assert plan.person_minutes == (35, 15)
    times = free_times(plan, MONDAY, MONDAY, now=NOW)
    assert times[0].start == at(8) and times[0].end == at(8, 50)
    assert times[-1].end == at(12)  # the last start still fits before closing
    assert {t.free for t in times} == {2}
    assert all((t.start_epoch - times[0].start_epoch) % 300 == 0 for t in times)


@pytest.mark.parametrize(
    ("needs", "message"),
    [
        ([PersonNeed((("unbekannt", 1),))], "unknown"),
        ([PersonNeed((("beratung", 1),)), PersonNeed((("beratung", 1),))], "at most 1"),
        ([PersonNeed((("reisepass", 1), ("beratung", 1)))], "cannot be combined"),
        ([PersonNeed(())], "at least one service"),
        ([], "at least one service"),
    ],
)
def test_a_plan_that_cannot_be_booked_is_refused_with_a_reason(needs, message, settings):
    settings.LANGUAGE_CODE = "en"
    o = office()
    with pytest.raises(PlanInvalid) as refused:
        plan_make(o.location, needs)
    assert message in str(refused.value.message)


def test_needs_parse_reads_the_api_form():
    assert needs_parse("personalausweis:2,reisepass") == [
        PersonNeed((("personalausweis", 2), ("reisepass", 1)))
    ]
    with pytest.raises(ValueError):
        needs_parse("personalausweis:x")


def test_hold_then_details_then_confirm():
    o = office()
    plan = family_plan(o)
    held = appointment_hold(plan=plan, start=at(9), now=NOW)
    assert held.status == AppointmentStatus.HELD
    assert held.booking.expires_at == later(NOW, minutes=10)
    assert [p.given_name for p in held.persons.all()] == ["", ""]  # nothing typed yet

    pending = appointment_details(
        appointment=held, persons=[ANNA, BEN], email="anna@example.org", now=later(NOW, minutes=3)
    )
    assert pending.status == AppointmentStatus.PENDING
    pending.booking.refresh_from_db()
    assert pending.booking.expires_at == later(NOW, minutes=3, hours=2)
    assert len(subjects()) == 1 and pending.reference in subjects()[0]
    fees = {
        (r.person.given_name, r.service.slug): r.fee_eur
        for r in pending.persons.all()[0].requests.all()
    }
    assert fees[("Anna", "personalausweis")] == Decimal("46.00")  # aged 37 on the day

    confirmed = appointment_confirm(appointment=pending, now=later(NOW, hours=1))
    assert confirmed.status == AppointmentStatus.CONFIRMED
    assert confirmed.booking.status == BookingStatus.CONFIRMED
    assert confirmed.reconfirm_by is None  # booked 6 days ahead
    assert len(subjects()) == 2 and "Schmidt" not in subjects()[-1]


def test_a_booking_far_ahead_must_be_reconfirmed():
    o = office()
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    start = at(9, day=MONDAY + timedelta(days=21))
    appointment = appointment_book(
        plan=plan, start=start, persons=[ANNA], email="a@example.org", now=NOW
    )
    confirmed = appointment_confirm(appointment=appointment, now=NOW)
    assert confirmed.reconfirm_by == start - timedelta(days=7)


def test_unconfirmed_bookings_lapse_and_free_their_time():
    o = office(counters=1)
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    appointment = appointment_book(
        plan=plan, start=at(9), persons=[ANNA], email="a@example.org", now=NOW
    )
    assert at(9) not in [t.start for t in free_times(plan, MONDAY, MONDAY, now=NOW)]
    assert appointment_lapse_unconfirmed(now=later(NOW, hours=2, minutes=1)) == 1
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.LAPSED
    with pytest.raises(BookingRefused):
        appointment_confirm(appointment=appointment, now=later(NOW, hours=3))
    free = free_times(plan, MONDAY, MONDAY, now=later(NOW, hours=3))
    assert at(9) in [t.start for t in free]


def test_a_held_time_cannot_be_taken_by_someone_else_but_a_lapsed_hold_can():
    o = office(counters=1)
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    appointment_hold(plan=plan, start=at(9), now=NOW)
    with pytest.raises(BookingRefused) as refused:
        appointment_hold(plan=plan, start=at(9, 10), now=NOW)
    assert refused.value.conflict
    appointment_hold(plan=plan, start=at(9, 10), now=later(NOW, minutes=11))


def test_details_after_the_hold_lapsed_are_refused_and_nothing_is_written():
    o = office(counters=1)
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    held = appointment_hold(plan=plan, start=at(9), now=NOW)
    with pytest.raises(BookingRefused) as refused:
        appointment_details(
            appointment=held, persons=[ANNA], email="a@example.org", now=later(NOW, minutes=11)
        )
    assert refused.value.conflict
    held.refresh_from_db()
    assert held.status == AppointmentStatus.HELD and held.email == ""
    assert subjects() == []


def test_the_per_person_limit_uses_normalised_names_and_the_date_of_birth():
    o = office()
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    o.location.max_active_per_person = 1
    o.location.save()
    appointment_book(plan=plan, start=at(9), persons=[ANNA], email="a@example.org", now=NOW)
    same_person = PersonDetails("ANNA", "Schmídt", date(1990, 5, 1))
    with pytest.raises(BookingRefused) as refused:
        appointment_book(
            plan=plan, start=at(10), persons=[same_person], email="other@example.org", now=NOW
        )
    assert not refused.value.conflict
    # the hold of the refused booking was released at once
    assert Appointment.objects.filter(status=AppointmentStatus.HELD).count() == 0
    namesake = PersonDetails("Anna", "Schmidt", date(1991, 5, 1))
    appointment_book(
        plan=plan, start=at(10), persons=[namesake], email="other@example.org", now=NOW
    )


def test_the_per_address_limit_counts_every_booking_of_the_address():
    o = office()
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    o.location.max_active_per_email = 2
    o.location.save()
    for hour, name in ((9, "Anna"), (10, "Ben")):
        person = PersonDetails(name, "Meyer", date(1980, 1, 1))
        appointment_book(
            plan=plan, start=at(hour), persons=[person], email="Family+x@Example.org", now=NOW
        )
    with pytest.raises(BookingRefused):
        appointment_book(
            plan=plan, start=at(11), persons=[PersonDetails("Carl", "Meyer", date(1980, 1, 1))],
            email="family@example.org", now=NOW,
        )  # fmt: skip


def test_cancelling_frees_the_time_after_the_quarantine():
    o = office(counters=1)
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    appointment = appointment_book(
        plan=plan, start=at(9), persons=[ANNA], email="a@example.org", now=NOW, confirmed=True
    )
    appointment_cancel(appointment=appointment, now=NOW)
    starts = lambda now: [t.start for t in free_times(plan, MONDAY, MONDAY, now=now)]  # noqa: E731
    assert at(9) not in starts(later(NOW, minutes=5))
    assert at(9) in starts(later(NOW, minutes=31))
    assert appointment.reference in subjects()[-1] and len(subjects()) == 2


def test_a_family_is_served_side_by_side_where_no_single_counter_is_free():
    o = office(counters=2, parallel=True)
    plan = family_plan(o)
    single = plan_make(o.location, [PersonNeed((("anmeldung", 1),))])
    # Each counter is busy for part of the morning, so no counter has 50 free minutes at 8:00
    appointment_book(plan=single, start=at(8, 35), persons=[ANNA], email="x@example.org",
                     now=NOW, confirmed=True)  # fmt: skip
    appointment_book(plan=single, start=at(8, 40), persons=[BEN], email="y@example.org",
                     now=NOW, confirmed=True)  # fmt: skip
    times = {t.start: t for t in free_times(plan, MONDAY, MONDAY, now=NOW)}
    assert times[at(8)].parallel and times[at(8)].end == at(8, 35)
    appointment = appointment_book(
        plan=plan, start=at(8), persons=[PersonDetails("C", "D", date(1970, 1, 1)), BEN],
        email="z@example.org", now=NOW, channel=Channel.PHONE, confirmed=True,
    )  # fmt: skip
    counters = [p.counter_id for p in appointment.persons.all()]
    assert len(set(counters)) == 2
    assert appointment.end == at(8, 35)


def test_same_day_capacity_is_kept_from_first_come_booking():
    o = office(counters=5, same_day_percent=20)
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    assert {t.free for t in free_times(plan, MONDAY, MONDAY, now=NOW)} == {4}
    kept_too = free_times(plan, MONDAY, MONDAY, now=NOW, with_kept=True)
    assert {t.free for t in kept_too} == {5}
    # On the day, after the draw, what is left opens to everyone
    morning = at(7, 51)
    assert {t.free for t in free_times(plan, MONDAY, MONDAY, now=morning)} == {5}
    assert {t.free for t in free_times(plan, MONDAY, MONDAY, now=at(7, 30))} == {4}
