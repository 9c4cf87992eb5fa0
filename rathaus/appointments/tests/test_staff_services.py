"""The back office's writes: staff bookings, done/no-show, cancel with notice, moves, and
catalogue, hours, closures and fees with their audit and refusals."""

from __future__ import annotations

import base64
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure
from rathaus.appointments.constants import AppointmentStatus, Channel
from rathaus.appointments.models import Appointment, Fee
from rathaus.appointments.selectors import PersonNeed, free_times, plan_make
from rathaus.appointments.services.booking import BookingRefused, PersonDetails
from rathaus.appointments.services.catalogue import (
    CatalogueRefused,
    FeeData,
    Hours,
    counter_closure_add,
    counter_services_set,
    extra_opening_add,
    extra_opening_remove,
    fee_add,
    hours_add,
    hours_delete,
    hours_update,
    location_closure_add,
    location_update,
    service_update,
)
from rathaus.appointments.services.move import appointment_move
from rathaus.appointments.services.staff import (
    appointment_book_by_staff,
    appointment_cancel_by_staff,
    appointment_finish,
)
from rathaus.audit.models import AuditEntry
from rathaus.audit.selectors import audit_lines_for
from rathaus.core.models import OutboxMessage
from rathaus.core.timezone import BERLIN
from rathaus.scheduling.models import Allocation, Closure, ExtraOpening
from rathaus.scheduling.services import AvailabilityRefused

from .factories import MONDAY, NOW, at, office

pytestmark = pytest.mark.django_db

ANNA = PersonDetails("Anna", "Schmidt", date(1990, 5, 1))
BEN = PersonDetails("Ben", "Schmidt", date(2019, 3, 2))
PASSPORT = [PersonNeed((("reisepass", 1),))]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def clerk():
    roles_ensure()
    user, _created = staff_user_ensure(
        username="bea",
        password="Richtig-Geheim-2027",
        first_name="Bea",
        last_name="B",
        role=roles.CITIZEN_OFFICE_ADMIN,
    )
    return user


def book(o, clerk, hour, minute=0, *, channel=Channel.PHONE, email="", now=NOW, person=ANNA):
    return appointment_book_by_staff(
        location=o.location,
        needs=PASSPORT,
        start=at(hour, minute),
        persons=[person],
        channel=channel,
        actor=clerk,
        phone="02041 70 0",
        email=email,
        now=now,
    )


def subjects():
    return list(OutboxMessage.objects.order_by("pk").values_list("subject", flat=True))


# --- bookings by staff ------------------------------------------------------------------


def test_a_phone_booking_is_confirmed_without_an_email_and_audited(clerk):
    o = office()
    booked = book(o, clerk, 9)
    assert booked.status == AppointmentStatus.CONFIRMED
    assert booked.channel == Channel.PHONE and booked.phone == "02041 70 0"
    assert subjects() == []  # nobody to mail
    entry = AuditEntry.objects.get(code="appointments.booked")
    assert entry.actor == clerk


def test_a_phone_booking_with_an_address_sends_the_confirmation(clerk):
    o = office()
    book(o, clerk, 9, email="anna@example.org")
    assert len(subjects()) == 1


def test_staff_may_book_a_service_not_bookable_online(clerk):
    o = office()
    o.passport.online = False
    o.passport.save()
    assert book(o, clerk, 9).status == AppointmentStatus.CONFIRMED


def test_only_phone_and_walk_in_are_staff_channels(clerk):
    o = office()
    with pytest.raises(BookingRefused):
        book(o, clerk, 9, channel=Channel.ONLINE)


def test_a_walk_in_may_take_the_capacity_kept_for_the_same_day(clerk):
    o = office(counters=1, same_day_percent=100)
    with pytest.raises(BookingRefused):
        book(o, clerk, 9)  # the only counter waits for the same-day draw
    walk_in = book(o, clerk, 9, channel=Channel.WALK_IN)
    assert walk_in.channel == Channel.WALK_IN


def test_an_unknown_service_is_refused_with_a_reason(clerk):
    o = office()
    with pytest.raises(BookingRefused):
        appointment_book_by_staff(
            location=o.location,
            needs=[PersonNeed((("gibtsnicht", 1),))],
            start=at(9),
            persons=[ANNA],
            channel=Channel.PHONE,
            actor=clerk,
        )


# --- done, no-show, cancel --------------------------------------------------------------


def test_no_show_only_after_the_start_and_done_from_the_day_on(clerk):
    o = office()
    booked = book(o, clerk, 9)
    with pytest.raises(BookingRefused):
        appointment_finish(appointment=booked, outcome="no_show", actor=clerk, now=at(8, 59))
    with pytest.raises(BookingRefused):
        appointment_finish(appointment=booked, outcome="done", actor=clerk, now=NOW)
    done = appointment_finish(appointment=booked, outcome="no_show", actor=clerk, now=at(9, 5))
    assert done.status == AppointmentStatus.NO_SHOW and done.finished_at == at(9, 5)
    with pytest.raises(BookingRefused):  # once marked, it stays
        appointment_finish(appointment=booked, outcome="done", actor=clerk, now=at(9, 6))
    other = book(o, clerk, 10)
    assert (
        appointment_finish(appointment=other, outcome="done", actor=clerk, now=at(8)).status
        == AppointmentStatus.DONE
    )
    assert AuditEntry.objects.filter(code="appointments.finished").count() == 2


def test_cancel_needs_a_reason_and_mails_it(clerk):
    o = office()
    booked = book(o, clerk, 9, email="anna@example.org")
    with pytest.raises(BookingRefused):
        appointment_cancel_by_staff(appointment=booked, reason="  ", actor=clerk)
    cancelled = appointment_cancel_by_staff(
        appointment=booked, reason="Schalter krank", actor=clerk, now=NOW
    )
    assert cancelled.status == AppointmentStatus.CANCELLED
    assert cancelled.cancelled_reason == "Schalter krank"
    mail = OutboxMessage.objects.order_by("-pk").first()
    assert "Schalter krank" in mail.text
    with pytest.raises(BookingRefused):
        appointment_cancel_by_staff(appointment=cancelled, reason="again", actor=clerk)


# --- moving -----------------------------------------------------------------------------


def test_a_move_keeps_the_counter_raises_the_sequence_and_tells_the_citizen(clerk):
    o = office()
    booked = book(o, clerk, 9, email="anna@example.org")
    counter = booked.persons.get().counter
    moved = appointment_move(appointment=booked, start=at(11), actor=clerk, now=NOW)
    assert (moved.start, moved.end) == (at(11), at(11, 15))
    assert moved.ics_sequence == 1
    assert moved.persons.get().counter == counter
    assert moved.booking.start == at(11)
    allocation = Allocation.objects.get(booking=moved.booking)
    assert (allocation.start, allocation.end) == (at(11), at(11, 15))
    last = OutboxMessage.objects.order_by("-pk").first()
    assert "11:00" in last.text and "09:00" in last.text
    (attachment,) = [a for a in last.attachments if a["mimetype"] == "text/calendar"]
    ics = base64.b64decode(attachment["content"]).decode()
    assert "SEQUENCE:1" in ics
    assert AuditEntry.objects.filter(code="appointments.moved").exists()
    # the old time is free again
    plan = plan_make(o.location, PASSPORT)
    times = {t.start: t.free for t in free_times(plan, MONDAY, MONDAY, now=NOW)}
    assert times[at(9)] == 2


def test_a_move_takes_another_counter_when_its_own_is_closed(clerk):
    o = office()
    first = book(o, clerk, 9)
    own = first.persons.get().counter
    counter_closure_add(actor=clerk, counter=own, start=at(10, 30), end=at(12), reason="krank")
    moved = appointment_move(appointment=first, start=at(11), actor=clerk, now=NOW)
    assert moved.persons.get().counter != own
    assert Allocation.objects.get(booking=moved.booking).resource_id != own.resource_id


def test_a_move_to_a_taken_or_closed_or_past_time_is_refused(clerk):
    o = office(counters=1)
    first = book(o, clerk, 9)
    book(o, clerk, 11, person=BEN)
    for start in (at(11), at(13), NOW - timedelta(hours=1), at(10, 2), at(9)):
        with pytest.raises(BookingRefused):
            appointment_move(appointment=first, start=start, actor=clerk, now=NOW)
    first.refresh_from_db()
    assert first.start == at(9) and first.ics_sequence == 0


def test_a_cancelled_appointment_cannot_be_moved(clerk):
    o = office()
    booked = book(o, clerk, 9)
    appointment_cancel_by_staff(appointment=booked, reason="x", actor=clerk, now=NOW)
    with pytest.raises(BookingRefused):
        appointment_move(appointment=booked, start=at(10), actor=clerk, now=NOW)


# --- catalogue ---------------------------------------------------------------------------


def service_data(service, **changes):
    data = {
        "minutes": service.minutes,
        "max_count": service.max_count,
        "combination_group": service.combination_group,
        "documents": service.documents,
        "online": service.online,
        "urgent_possible": service.urgent_possible,
        "information_only": service.information_only,
        "assumptions": service.assumptions,
    }
    return {**data, **changes}


def test_a_service_change_is_audited_with_before_and_after(clerk):
    o = office()
    service_update(
        actor=clerk,
        service=o.passport,
        data=service_data(o.passport, minutes=25),
        locations=[o.location],
    )
    o.passport.refresh_from_db()
    assert o.passport.minutes == 25
    (line,) = audit_lines_for(o.passport)
    assert [(c.before, c.after) for c in line.changes] == [("15", "25")]
    assert "{" not in line.sentence and o.passport.name in line.sentence
    # the new length is used for new free times at once
    plan = plan_make(o.location, PASSPORT)
    assert plan.minutes == 25


def test_a_location_with_booked_appointments_cannot_be_taken_from_a_service(clerk):
    o = office()
    book(o, clerk, 9)
    with pytest.raises(CatalogueRefused):
        service_update(actor=clerk, service=o.passport, data=service_data(o.passport), locations=[])
    assert list(o.passport.locations.all()) == [o.location]


def test_an_unchanged_save_records_nothing(clerk):
    o = office()
    service_update(
        actor=clerk, service=o.passport, data=service_data(o.passport), locations=[o.location]
    )
    assert audit_lines_for(o.passport) == []


def test_a_new_fee_starts_today_or_later_and_history_stays(clerk):
    o = office()
    today = NOW.date()
    with pytest.raises(CatalogueRefused):
        fee_add(
            actor=clerk,
            service=o.passport,
            fee=FeeData("standard", Decimal("80"), today - timedelta(days=1)),
        )
    fee_add(
        actor=clerk, service=o.passport, fee=FeeData("standard", Decimal("80"), date(2027, 7, 1))
    )
    with pytest.raises(CatalogueRefused):
        fee_add(
            actor=clerk,
            service=o.passport,
            fee=FeeData("standard", Decimal("81"), date(2027, 7, 1)),
        )
    with pytest.raises(CatalogueRefused):
        fee_add(
            actor=clerk,
            service=o.passport,
            fee=FeeData("young", Decimal("1"), date(2027, 7, 1), min_age=24, max_age=24),
        )
    amounts = list(Fee.objects.filter(service=o.passport).values_list("amount_eur", flat=True))
    assert sorted(amounts) == [Decimal("70.00"), Decimal("80.00")]
    assert AuditEntry.objects.filter(code="appointments.fee_created").count() == 1


def test_location_settings_are_audited(clerk):
    o = office()
    data = {
        field: getattr(o.location, field)
        for field in (
            "phone",
            "email",
            "horizon_days",
            "online_booking",
            "same_day_percent",
            "same_day_opens",
            "same_day_closes",
            "same_day_urgent_percent",
            "parallel_counters",
            "max_active_per_person",
            "max_active_per_email",
            "assumptions",
        )
    }
    location_update(actor=clerk, location=o.location, data={**data, "same_day_percent": 20})
    (line,) = audit_lines_for(o.location)
    assert [(c.before, c.after) for c in line.changes] == [("0", "20")]


def test_a_counter_keeps_services_its_booked_appointments_need(clerk):
    o = office(counters=1)
    (counter,) = o.counters
    book(o, clerk, 9)
    with pytest.raises(CatalogueRefused):
        counter_services_set(actor=clerk, counter=counter, services=[o.id_card])
    counter_services_set(actor=clerk, counter=counter, services=[o.passport])
    assert list(counter.services.all()) == [o.passport]
    (line,) = audit_lines_for(counter)
    assert line.changes[0].after == "reisepass"


# --- hours, rosters, closures, extra openings -------------------------------------------


def test_hours_with_a_roster_name_make_the_counter_bookable(clerk):
    o = office(counters=1)
    (counter,) = o.counters
    hours_add(actor=clerk, counter=counter, hours=Hours(5, time(9), time(12), staff="Frau Kaya"))
    saturday = MONDAY + timedelta(days=5)
    plan = plan_make(o.location, PASSPORT)
    assert free_times(plan, saturday, saturday, now=NOW)[0].start == at(9, day=saturday)
    assert counter.resource.weekly_rules.get(weekday=5).note == "Frau Kaya"


def test_hours_that_would_strand_a_booking_are_refused(clerk):
    o = office(counters=1)
    (counter,) = o.counters
    book(o, clerk, 11)
    monday_rule = counter.resource.weekly_rules.get(weekday=0)
    with pytest.raises(AvailabilityRefused) as refused:
        hours_update(
            actor=clerk, counter=counter, rule=monday_rule, hours=Hours(0, time(8), time(11))
        )
    assert "1" in str(refused.value)
    with pytest.raises(AvailabilityRefused):
        hours_delete(actor=clerk, counter=counter, rule=monday_rule)
    # a change that keeps the booking inside is fine, and so is another weekday
    hours_update(
        actor=clerk,
        counter=counter,
        rule=monday_rule,
        hours=Hours(0, time(10), time(12), staff="Herr Nowak"),
    )
    hours_delete(actor=clerk, counter=counter, rule=counter.resource.weekly_rules.get(weekday=1))
    monday_rule.refresh_from_db()
    assert monday_rule.note == "Herr Nowak"


def test_an_absence_over_a_booking_is_refused_and_a_free_one_is_saved(clerk):
    o = office(counters=1)
    (counter,) = o.counters
    book(o, clerk, 9)
    with pytest.raises(AvailabilityRefused):
        counter_closure_add(actor=clerk, counter=counter, start=at(8), end=at(12), reason="krank")
    tuesday = MONDAY + timedelta(days=1)
    counter_closure_add(
        actor=clerk,
        counter=counter,
        start=at(8, day=tuesday),
        end=at(12, day=tuesday),
        reason="Urlaub",
    )
    assert Closure.objects.filter(resource=counter.resource).count() == 1


def test_a_location_closure_closes_every_counter_or_none(clerk):
    o = office(counters=2)
    book(o, clerk, 9)
    with pytest.raises(AvailabilityRefused):
        location_closure_add(
            actor=clerk, location=o.location, start=at(8), end=at(12), reason="Betriebsausflug"
        )
    assert not Closure.objects.exists()
    tuesday = MONDAY + timedelta(days=1)
    made = location_closure_add(
        actor=clerk,
        location=o.location,
        start=at(8, day=tuesday),
        end=at(12, day=tuesday),
        reason="Betriebsausflug",
    )
    assert len(made) == 2


def test_an_extra_saturday_opens_and_a_booked_one_cannot_be_removed(clerk):
    o = office(counters=2)
    saturday = MONDAY + timedelta(days=5)
    openings = extra_opening_add(
        actor=clerk,
        counters=o.counters,
        day=saturday,
        start_time=time(10),
        end_time=time(13),
        note="Bürgersamstag",
    )
    assert ExtraOpening.objects.count() == 2
    booked = appointment_book_by_staff(
        location=o.location,
        needs=PASSPORT,
        start=datetime.combine(saturday, time(10), BERLIN),
        persons=[ANNA],
        channel=Channel.PHONE,
        actor=clerk,
        now=NOW,
    )
    counter = booked.persons.get().counter
    mine = next(opening for opening in openings if opening.resource_id == counter.resource_id)
    with pytest.raises(AvailabilityRefused):
        extra_opening_remove(actor=clerk, counter=counter, opening=mine)
    other = next(opening for opening in openings if opening is not mine)
    extra_opening_remove(
        actor=clerk, counter=next(c for c in o.counters if c != counter), opening=other
    )
    assert ExtraOpening.objects.count() == 1
    with pytest.raises(AvailabilityRefused):
        extra_opening_add(
            actor=clerk,
            counters=o.counters,
            day=NOW.date() - timedelta(days=1),
            start_time=time(10),
            end_time=time(13),
            note="",
        )


def test_booked_appointments_stay_in_the_day_plan_order():
    assert Appointment._meta.ordering == ["start"]
