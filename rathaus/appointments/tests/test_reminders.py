"""Fewer no-shows: the reminder a day before, reconfirmation of bookings made far ahead, the
lapse of those not reconfirmed, the one-tap pages, and the jobs command."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from rathaus.appointments.constants import AppointmentStatus
from rathaus.appointments.links import appointment_token
from rathaus.appointments.models import Appointment, StandbyEntry
from rathaus.appointments.selectors import PersonNeed, plan_make
from rathaus.appointments.services.booking import (
    PersonDetails,
    appointment_book,
)
from rathaus.appointments.services.jobs import jobs_run
from rathaus.appointments.services.reminders import (
    RECONFIRM_NOTICE,
    reconfirm_lapse,
    reconfirm_requests_send,
    reminders_send,
)
from rathaus.appointments.services.standby import standby_join
from rathaus.core.models import OutboxMessage

from .factories import MONDAY, NOW, at, later, office

pytestmark = pytest.mark.django_db

ANNA = PersonDetails("Anna", "Schmidt", date(1990, 5, 1))
FAR = MONDAY + timedelta(days=21)  # booked from NOW: more than 14 days ahead


def subjects():
    return list(OutboxMessage.objects.order_by("pk").values_list("subject", flat=True))


def book(o, start, *, email="anna@example.org", persons=(ANNA,), now=NOW):
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))] * len(persons))
    return appointment_book(
        plan=plan, start=start, persons=list(persons), email=email, now=now, confirmed=True
    )


def test_the_reminder_goes_once_a_day_before_with_one_tap_links_and_the_checklist():
    o = office()
    o.passport.documents = [{"de": "Altes Dokument", "en": "Old document", "for": "all"}]
    o.passport.save()
    appointment = book(o, at(9))
    OutboxMessage.objects.all().delete()
    assert reminders_send(now=at(9) - timedelta(hours=25)) == 0
    moment = at(9) - timedelta(hours=23)
    assert reminders_send(now=moment) == 1
    assert reminders_send(now=moment) == 0  # idempotent
    assert jobs_run(now=later(moment, minutes=1))["reminders"] == 0
    (mail,) = OutboxMessage.objects.all()
    token = appointment_token(appointment)
    assert reverse("appointments:coming", args=[appointment.reference, token]) in mail.text
    assert reverse("appointments:cancel", args=[appointment.reference, token]) in mail.text
    assert "Altes Dokument" in mail.text  # the readiness checklist
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at == moment


def test_no_reminder_for_a_booking_made_within_a_day_or_without_e_mail_or_cancelled():
    o = office(counters=3)
    late = book(o, at(9), now=at(9) - timedelta(hours=20))
    book(o, at(10), email="", persons=(PersonDetails("Ben", "Kurz", date(1980, 1, 1)),))
    cancelled = book(o, at(11), email="c@example.org",
                     persons=(PersonDetails("Cem", "Lang", date(1980, 1, 1)),))  # fmt: skip
    Appointment.objects.filter(pk=cancelled.pk).update(status=AppointmentStatus.CANCELLED)
    assert reminders_send(now=at(9) - timedelta(hours=10)) == 0
    late.refresh_from_db()
    assert late.reminder_sent_at is None


def test_a_booking_far_ahead_is_asked_to_reconfirm_and_stays_when_reconfirmed(client):
    o = office()
    appointment = book(o, at(9, day=FAR))
    assert appointment.reconfirm_by == at(9, day=FAR) - timedelta(days=7)
    OutboxMessage.objects.all().delete()
    assert reconfirm_requests_send(now=appointment.reconfirm_by - timedelta(days=4)) == 0
    asked = appointment.reconfirm_by - timedelta(days=3)
    assert reconfirm_requests_send(now=asked) == 1
    assert reconfirm_requests_send(now=asked) == 0
    assert len(subjects()) == 1
    page = reverse("appointments:reconfirm", args=[appointment.reference,
                                                   appointment_token(appointment)])  # fmt: skip
    assert page in OutboxMessage.objects.get().text
    with time_machine.travel(asked + timedelta(hours=1), tick=False):
        assert client.get(page).status_code == 200
        appointment.refresh_from_db()
        assert appointment.reconfirmed_at is None  # GET changes nothing (link scanners)
        response = client.post(page)
        assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.reconfirmed_at is not None
    assert reconfirm_lapse(now=appointment.reconfirm_by + timedelta(hours=1)) == 0
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_not_reconfirmed_lapses_with_an_e_mail_and_the_time_goes_to_the_standby_list(
    django_capture_on_commit_callbacks,
):
    o = office(counters=1)
    appointment = book(o, at(9, day=FAR))
    standby_join(
        location_slug=o.location.slug,
        needs=[PersonNeed((("reisepass", 1),))],
        persons=[PersonDetails("Dora", "Wartend", date(1985, 2, 2))],
        email="dora@example.org",
        earliest=FAR - timedelta(days=3),
        latest=FAR,
    )
    asked = appointment.reconfirm_by - timedelta(days=3)
    reconfirm_requests_send(now=asked)
    OutboxMessage.objects.all().delete()
    due = appointment.reconfirm_by + timedelta(minutes=1)
    with django_capture_on_commit_callbacks() as callbacks:
        assert reconfirm_lapse(now=due) == 1
    # the freed time is offered to the standby list after the commit (cancel.appointment_cancel)
    assert any("appointment_cancel" in callback.__qualname__ for callback in callbacks)
    assert reconfirm_lapse(now=due) == 0
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancelled_reason
    mails = list(OutboxMessage.objects.order_by("pk"))
    assert mails[0].to == "anna@example.org" and appointment.reference in mails[0].subject
    assert StandbyEntry.objects.get().active


def test_a_late_request_moves_the_deadline_so_nobody_lapses_unasked():
    o = office()
    appointment = book(o, at(9, day=FAR))
    late = appointment.reconfirm_by - timedelta(hours=2)  # the job was down for days
    assert reconfirm_lapse(now=appointment.reconfirm_by + timedelta(hours=1)) == 0  # never asked
    assert reconfirm_requests_send(now=late) == 1
    appointment.refresh_from_db()
    assert appointment.reconfirm_by == late + RECONFIRM_NOTICE
    assert reconfirm_lapse(now=late + RECONFIRM_NOTICE - timedelta(minutes=1)) == 0
    assert reconfirm_lapse(now=late + RECONFIRM_NOTICE) == 1


def test_im_coming_page_shows_a_button_and_only_the_post_acts(client):
    o = office()
    appointment = book(o, at(9, day=FAR))
    page = reverse("appointments:coming", args=[appointment.reference,
                                                appointment_token(appointment)])  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        response = client.get(page)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert b'method="post"' in response.content
        appointment.refresh_from_db()
        assert appointment.coming_at is None
        assert client.post(page).status_code == 302
        assert client.post(page).status_code == 302  # twice: the same
        wrong = reverse("appointments:coming", args=[appointment.reference, "A" * 32])
        assert client.get(wrong).status_code == 404
        assert client.post(wrong).status_code == 404
    appointment.refresh_from_db()
    assert appointment.coming_at == NOW
    assert appointment.reconfirmed_at == NOW  # "I'm coming" reconfirms as well


@pytest.mark.parametrize("page", ["coming", "reconfirm"])
def test_the_one_tap_pages_redirect_on_the_forms_own_origin(client, settings, page):
    """Not to SITE_URL: a browser on another origin (a second host name, a proxy) blocks a
    form's redirect there (CSP form-action 'self')."""
    settings.SITE_URL = "https://elsewhere.example"
    o = office()
    appointment = book(o, at(9, day=FAR))
    token = appointment_token(appointment)
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse(f"appointments:{page}", args=[appointment.reference, token]))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "appointments:status", args=[appointment.reference, token]
    )


def test_coming_after_a_cancellation_is_refused(client):
    o = office()
    appointment = book(o, at(9))
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.CANCELLED)
    page = reverse("appointments:coming", args=[appointment.reference,
                                                appointment_token(appointment)])  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        assert client.post(page).status_code == 409


def test_the_jobs_command_runs_everything_and_expired_holds_lapse():
    o = office()
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    pending = appointment_book(plan=plan, start=at(9), persons=[ANNA], email="a@example.org",
                               now=NOW)  # fmt: skip
    with time_machine.travel(later(NOW, hours=3), tick=False):
        out = StringIO()
        call_command("appointments_jobs", stdout=out)
        assert "'lapsed_unconfirmed': 1" in out.getvalue()
        call_command("appointments_jobs", stdout=out)
    pending.refresh_from_db()
    assert pending.status == AppointmentStatus.LAPSED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_job_runs_at_once_remind_each_appointment_once():
    import threading

    from django.db import connection

    o = office(counters=3)
    for index, hour in enumerate((9, 10, 11)):
        book(o, at(hour), email=f"p{index}@example.org",
             persons=(PersonDetails(f"P{index}", "Test", date(1980, 1, 1)),))  # fmt: skip
    OutboxMessage.objects.all().delete()
    moment = at(9) - timedelta(hours=20)
    counts, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            counts.append(reminders_send(now=moment))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(counts) == 3
    assert OutboxMessage.objects.count() == 3
