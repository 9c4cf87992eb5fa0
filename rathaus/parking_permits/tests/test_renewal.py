"""Renewal and change of plate: the dates (no gap, remaining time credited, leap day, year
end), the follow-up through the same automatic decision, the plate change that revokes the
old permit, the reminders at six weeks and one week (late runs, DST, twice), auto-renewal."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from rathaus.audit.models import AuditEntry
from rathaus.core.models import OutboxMessage
from rathaus.core.timezone import local_datetime
from rathaus.parking_permits import selectors
from rathaus.parking_permits.constants import ApplicationKind, EndReason, FeeKind, Status
from rathaus.parking_permits.follow_up_selectors import (
    plate_change_period,
    reminder_day,
    renewal_period,
)
from rathaus.parking_permits.models import Application, Permit
from rathaus.parking_permits.services.applications import application_refuse
from rathaus.parking_permits.services.follow_ups import (
    FollowUpRejected,
    follow_up_create,
    permit_auto_renew_set,
)
from rathaus.parking_permits.services.renewal_reminders import renewal_reminders_send

from . import factories as f

pytestmark = pytest.mark.django_db

RENEWAL = ApplicationKind.RENEWAL
PLATE_CHANGE = ApplicationKind.PLATE_CHANGE


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return local_datetime(day, time(hour, minute))


def pay(application: Application, now: datetime) -> Permit:
    f.paid(application, now=now)
    return Permit.objects.get(application=application)


@pytest.fixture
def permit():
    """Erika's permit, issued 2027-03-10, valid until 2028-03-09."""
    f.resident()
    f.vehicle()
    return pay(f.submit(), f.NOW)


def mails(to: str = "erika@example.org") -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to=to).order_by("pk"))


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("until", "today", "years", "expected"),
    [
        # renewed early: starts the day after, the remaining time is credited
        ("2027-06-30", "2027-05-20", 1, ("2027-07-01", "2028-06-30")),
        ("2027-06-30", "2027-06-30", 2, ("2027-07-01", "2029-06-30")),
        # the old one until a leap day
        ("2028-02-29", "2028-02-01", 1, ("2028-03-01", "2029-02-28")),
        ("2028-02-28", "2028-02-01", 1, ("2028-02-29", "2029-02-28")),
        ("2028-02-28", "2028-02-01", 2, ("2028-02-29", "2030-02-28")),
        ("2027-02-28", "2027-02-01", 1, ("2027-03-01", "2028-02-29")),
        # year end
        ("2027-12-31", "2027-12-01", 1, ("2028-01-01", "2028-12-31")),
        # paid after the old one ended: from the day of issue
        ("2027-06-30", "2027-07-04", 1, ("2027-07-04", "2028-07-03")),
    ],
)
def test_renewal_period_has_no_gap_and_credits_the_remaining_time(until, today, years, expected):
    start, end = renewal_period(
        previous_until=date.fromisoformat(until), today=date.fromisoformat(today), years=years
    )
    assert (start.isoformat(), end.isoformat()) == expected


def test_a_new_plate_runs_from_today_to_the_old_end():
    assert plate_change_period(previous_until=date(2028, 2, 29), today=date(2027, 5, 3)) == (
        date(2027, 5, 3),
        date(2028, 2, 29),
    )


def test_renewal_of_a_permit_until_a_leap_day_is_issued_end_to_end(permit):
    Permit.objects.filter(pk=permit.pk).update(valid_until=date(2028, 2, 29))
    permit.refresh_from_db()
    now = at(date(2028, 2, 10))
    renewal = follow_up_create(permit=permit, kind=RENEWAL, now=now)
    new = pay(renewal, now)
    assert (new.valid_from, new.valid_until) == (date(2028, 3, 1), date(2029, 2, 28))


# --- the follow-up and the automatic decision ------------------------------------------------


def test_renewal_reuses_the_checks_and_starts_the_day_after(permit):
    now = at(date(2028, 2, 1))  # the window opened on 2028-01-27
    renewal = follow_up_create(permit=permit, kind=RENEWAL, fee_kind=FeeKind.PERMIT_2Y, now=now)
    assert renewal.kind == RENEWAL and renewal.previous_permit == permit
    assert renewal.status == Status.APPROVED and renewal.automatic
    assert renewal.checks == {"residence": True, "vehicle": True, "one_permit": True}
    assert (renewal.given_name, renewal.plate, renewal.zone) == ("Erika", "BOT-EM 42", permit.zone)
    assert renewal.amount == Decimal("60.70") and renewal.fee_kind == FeeKind.PERMIT_2Y
    assert renewal.reference != permit.application.reference
    assert renewal.remittance.startswith(renewal.reference)
    assert renewal.nonce != permit.application.nonce
    received = mails()[-1]
    assert renewal.reference in received.subject and renewal.remittance in received.text
    assert received.attachments[0]["mimetype"] == "image/png"  # the GiroCode
    new = pay(renewal, now)
    assert (new.valid_from, new.valid_until) == (date(2028, 3, 10), date(2030, 3, 9))
    assert new.replaces == permit
    permit.refresh_from_db()
    assert permit.revoked_at is None  # it runs out on its own, the new one follows seamlessly
    assert selectors.permit_code_check(permit.code, on=date(2028, 3, 9)).valid_today
    assert selectors.permit_code_check(new.code, on=date(2028, 3, 10)).valid_today


def test_the_renewal_asks_the_registers_again(permit):
    from rathaus.parking_permits.models import RegisteredResident

    RegisteredResident.objects.all().delete()  # moved away meanwhile
    renewal = follow_up_create(permit=permit, kind=RENEWAL, now=at(date(2028, 2, 1)))
    assert renewal.status == Status.REVIEW and renewal.reasons == ["not_registered"]
    assert "not_registered" not in mails()[-1].text  # the reason in words, not its code


def test_renewal_window_and_an_expired_permit(permit):
    with pytest.raises(FollowUpRejected) as early:
        follow_up_create(permit=permit, kind=RENEWAL, now=at(date(2028, 1, 26)))
    assert early.value.code == "too_early"
    with pytest.raises(FollowUpRejected) as ended:
        follow_up_create(permit=permit, kind=RENEWAL, now=at(date(2028, 3, 10)))
    assert ended.value.code == "ended"
    last_day = follow_up_create(permit=permit, kind=RENEWAL, now=at(date(2028, 3, 9), 23, 59))
    assert last_day.status == Status.APPROVED


def test_a_second_click_gives_the_open_follow_up(permit):
    now = at(date(2028, 2, 1))
    first = follow_up_create(permit=permit, kind=RENEWAL, now=now)
    assert follow_up_create(permit=permit, kind=RENEWAL, now=now) == first
    assert follow_up_create(permit=permit, kind=PLATE_CHANGE, plate="BOT-NE 1", now=now) == first
    assert Application.objects.filter(previous_permit=permit).count() == 1
    pay(first, now)
    with pytest.raises(FollowUpRejected) as again:
        follow_up_create(permit=permit, kind=RENEWAL, now=now)
    assert again.value.code == "followed"


def test_one_permit_per_resident_does_not_count_the_permit_followed_up(permit):
    now = at(date(2028, 2, 1))
    renewal = follow_up_create(permit=permit, kind=RENEWAL, now=now)
    assert renewal.checks["one_permit"]
    # a first application of the same person while the permit runs still counts
    second = f.submit(email="other@example.org", now=now)
    assert "already_holds_permit" in second.reasons
    application_refuse(application=second, actor=None, explanation="", now=now)
    # a renewal of the renewed permit does not count the chain it follows
    new = pay(renewal, now)
    later = at(date(2029, 2, 20))
    renewed_again = follow_up_create(permit=new, kind=RENEWAL, now=later)
    assert renewed_again.checks["one_permit"], renewed_again.reasons


def test_after_expiry_a_new_application_is_not_blocked_by_the_old_permit(permit):
    application = f.submit(email="again@example.org", now=at(date(2028, 3, 20)))
    assert application.status == Status.APPROVED, application.reasons


# --- change of plate -----------------------------------------------------------------------


def test_a_new_plate_is_approved_paid_and_revokes_the_old_permit_at_issue(permit):
    f.vehicle(plate="BOT-NE 1")
    now = at(date(2027, 9, 1))
    change = follow_up_create(permit=permit, kind=PLATE_CHANGE, plate="BOT-NE 1", now=now)
    assert change.status == Status.APPROVED and change.plate == "BOT-NE 1"
    assert change.fee_kind == FeeKind.CHANGE and change.amount == Decimal("10.20")
    permit.refresh_from_db()
    assert permit.revoked_at is None  # not before the new one is issued
    new = pay(change, now)
    assert (new.plate, new.valid_from, new.valid_until) == (
        "BOT-NE 1",
        date(2027, 9, 1),
        permit.valid_until,
    )
    assert new.replaces == permit
    permit.refresh_from_db()
    assert permit.revoked_at == now and permit.end_reason == EndReason.REPLACED
    assert selectors.permit_code_check(permit.code, on=date(2027, 9, 1)).revoked
    assert "parking.permit.replaced" in AuditEntry.objects.values_list("code", flat=True)


def test_a_new_plate_unknown_to_the_vehicle_register_goes_to_staff(permit):
    with pytest.raises(FollowUpRejected) as same:
        follow_up_create(
            permit=permit, kind=PLATE_CHANGE, plate="BOT-EM 42", now=at(date(2027, 9, 1))
        )
    assert same.value.code == "same_plate"
    change = follow_up_create(
        permit=permit, kind=PLATE_CHANGE, plate="BOT-ZZ 9", now=at(date(2027, 9, 1))
    )
    assert change.status == Status.REVIEW and change.reasons == ["vehicle_unknown"]


def test_a_new_plate_after_a_renewal_revokes_both_old_permits(permit):
    f.vehicle(plate="BOT-NE 1")
    now = at(date(2028, 2, 1))
    renewed = pay(follow_up_create(permit=permit, kind=RENEWAL, now=now), now)
    change = follow_up_create(permit=renewed, kind=PLATE_CHANGE, plate="BOT-NE 1", now=now)
    assert change.checks["one_permit"]
    new = pay(change, now)
    assert (new.valid_from, new.valid_until) == (date(2028, 2, 1), renewed.valid_until)
    assert Permit.objects.filter(pk__in=[permit.pk, renewed.pk], revoked_at=now).count() == 2


# --- reminders ------------------------------------------------------------------------------


def test_reminder_six_weeks_then_one_week_before_each_once(permit):
    # valid until 2028-03-09: six weeks before is 2028-01-27, one week before 2028-03-02
    assert renewal_reminders_send(now=at(date(2028, 1, 27), 7, 59)) == 0
    assert renewal_reminders_send(now=at(date(2028, 1, 27), 8, 0)) == 1
    assert renewal_reminders_send(now=at(date(2028, 1, 27), 8, 0)) == 0  # twice: once
    permit.refresh_from_db()
    assert permit.reminded_early_at == at(date(2028, 1, 27), 8, 0)
    reminder = mails()[-1]
    assert permit.number in reminder.subject
    assert f"/antrag/{permit.application.reference}/" in reminder.text
    assert "/verlaengern/" in reminder.text
    assert renewal_reminders_send(now=at(date(2028, 3, 1), 12)) == 0
    assert renewal_reminders_send(now=at(date(2028, 3, 2), 8)) == 1
    assert renewal_reminders_send(now=at(date(2028, 3, 3), 8)) == 0
    permit.refresh_from_db()
    assert permit.reminded_late_at is not None
    assert len(mails()) == 4  # received, permit, two reminders


def test_a_late_job_catches_up_but_never_sends_six_weeks_after_one_week_is_due(permit):
    assert renewal_reminders_send(now=at(date(2028, 1, 30), 3)) == 1  # three days late
    Permit.objects.filter(pk=permit.pk).update(reminded_early_at=None, reminded_late_at=None)
    before = len(mails())
    assert renewal_reminders_send(now=at(date(2028, 3, 4), 9)) == 1  # down for five weeks
    permit.refresh_from_db()
    assert permit.reminded_early_at is None and permit.reminded_late_at is not None
    assert len(mails()) == before + 1
    assert renewal_reminders_send(now=at(date(2028, 3, 10), 9)) == 0  # expired: nothing


@pytest.mark.parametrize(
    ("due", "utc_before", "utc_at"),
    [
        # summer time begins on Sunday 26 March 2028: 08:00 there is 06:00 UTC
        (date(2028, 3, 26), datetime(2028, 3, 26, 5, 59), datetime(2028, 3, 26, 6, 0)),
        # and ends on Sunday 31 October 2027: 08:00 there is 07:00 UTC
        (date(2027, 10, 31), datetime(2027, 10, 31, 6, 59), datetime(2027, 10, 31, 7, 0)),
    ],
)
def test_reminders_at_eight_on_the_day_across_the_dst_switch(permit, due, utc_before, utc_at):
    Permit.objects.filter(pk=permit.pk).update(valid_until=due + timedelta(weeks=6))
    before, on_time = utc_before.replace(tzinfo=UTC), utc_at.replace(tzinfo=UTC)
    assert reminder_day(before) == due - timedelta(days=1)
    assert reminder_day(on_time) == due
    assert renewal_reminders_send(now=before) == 0
    assert renewal_reminders_send(now=on_time) == 1


def test_no_reminder_with_a_follow_up_revoked_or_in_english(permit):
    follow_up_create(permit=permit, kind=RENEWAL, now=at(date(2028, 1, 27), 7))
    assert renewal_reminders_send(now=at(date(2028, 1, 27), 9)) == 0

    f.vehicle(plate="BOT-MX 1", given="Max")
    f.resident(given="Max")
    other = f.submit(given="Max", plate="BOT-MX 1", email="max@example.org")
    other.language = "en"
    other.save()
    pay(other, f.NOW)
    assert renewal_reminders_send(now=at(date(2028, 1, 27), 9)) == 1
    assert "ends soon" in mails("max@example.org")[-1].subject


def test_the_claim_is_a_conditional_update(permit):
    from rathaus.parking_permits.services.renewal_reminders import EARLY, _claim

    now = at(date(2028, 1, 27), 9)
    assert _claim(permit.pk, EARLY, now) is True
    assert _claim(permit.pk, EARLY, now) is False


# --- automatic renewal ----------------------------------------------------------------------


def test_auto_renewal_applies_and_sends_the_payment_request_instead_of_the_reminder(permit):
    permit_auto_renew_set(permit=permit, on=True, now=f.NOW)
    before = len(mails())
    assert renewal_reminders_send(now=at(date(2028, 1, 27), 8)) == 1
    renewal = Application.objects.get(previous_permit=permit)
    assert renewal.kind == RENEWAL and renewal.status == Status.APPROVED
    assert renewal.fee_kind == FeeKind.PERMIT_1Y
    sent = mails()[before:]
    assert len(sent) == 1 and renewal.remittance in sent[0].text  # no separate reminder
    assert sent[0].attachments and "GiroCode" in sent[0].attachments[0]["filename"]
    assert renewal_reminders_send(now=at(date(2028, 3, 2), 8)) == 0  # renewal under way
    new = pay(renewal, at(date(2028, 2, 10)))
    assert new.valid_from == date(2028, 3, 10)


def test_auto_renewal_to_review_tells_the_holder(permit):
    from rathaus.parking_permits.models import RegisteredVehicle

    permit_auto_renew_set(permit=permit, on=True, now=f.NOW)
    RegisteredVehicle.objects.all().delete()
    assert renewal_reminders_send(now=at(date(2028, 1, 28), 8)) == 1
    renewal = Application.objects.get(previous_permit=permit)
    assert renewal.status == Status.REVIEW
    text = mails()[-1].text
    assert "Sachbearbeitung" in text or "case worker" in text or "Fahrzeugregister" in text
    assert not mails()[-1].attachments


# --- twice at once (PostgreSQL: real row locks) -----------------------------------------------


@pytest.fixture
def permit_committed(transactional_db):
    """As `permit`, committed; the zones are loaded again (earlier transactional tests flush
    what the migrations loaded)."""
    from django.apps import apps

    from rathaus.parking_permits.bootstrap import bottrop_parking_load

    bottrop_parking_load(apps)
    f.resident()
    f.vehicle()
    return pay(f.submit(), f.NOW)


@pytest.mark.postgres
def test_two_job_runs_at_once_remind_once_and_two_clicks_renew_once(permit_committed):
    from rathaus.scheduling.tests.concurrency import race, tally

    permit = permit_committed

    moment = at(date(2028, 1, 27), 8)

    def remind(_index, barrier):
        barrier.wait()
        return renewal_reminders_send(now=moment)

    outcomes = race(2, remind)
    assert tally(outcomes) == {"ok": 2}
    assert sorted(o.value for o in outcomes) == [0, 1]
    sent = OutboxMessage.objects.all()  # sent: address and text are wiped
    assert sum("endet bald" in m.subject for m in sent) == 1

    def renew(_index, barrier):
        barrier.wait()
        return follow_up_create(
            permit=Permit.objects.get(pk=permit.pk), kind=RENEWAL, now=at(date(2028, 2, 1))
        ).pk

    outcomes = race(2, renew)
    assert tally(outcomes) == {"ok": 2}
    assert len({o.value for o in outcomes}) == 1
    assert Application.objects.filter(previous_permit=permit).count() == 1


def test_the_job_is_registered_for_the_platform_loop(permit):
    from rathaus.core.jobs import jobs_registered, jobs_run

    assert "parking_renewal_reminders" in jobs_registered()
    result = jobs_run(now=at(date(2028, 1, 27), 9), prefix="parking_renewal")
    assert result == {"parking_renewal_reminders": 1}
