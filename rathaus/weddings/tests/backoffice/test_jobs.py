"""Jobs: expiry, reminders, retention; each idempotent, and the logs hold no personal data."""

from __future__ import annotations

import logging
import threading
from datetime import time, timedelta
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from rathaus.audit.models import AuditEntry
from rathaus.audit.selectors import audit_lines_for
from rathaus.core.timezone import local_datetime, local_today
from rathaus.weddings.backoffice import services
from rathaus.weddings.backoffice.services import jobs
from rathaus.weddings.models import Reservation, ReservationErasure, ReservationReminder

from .conftest import committed, reserve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("town")]


def _at(day, hour=9):
    return local_datetime(day, time(hour))


def test_expiry_marks_lapsed_holds_and_mails_only_confirmed_addresses():
    pending = reserve(confirm_email=False)
    reserved = reserve(skip=1)
    mail.outbox.clear()
    with committed():
        assert services.reservations_expire(now=timezone.now() + timedelta(hours=3)) == 1
    pending.refresh_from_db()
    assert pending.status == "expired" and pending.booking.status == "expired"
    assert mail.outbox == []  # the address of a pending hold was never confirmed
    assert audit_lines_for(pending)[0].sentence == (
        "Das System hat die Reservierung als abgelaufen markiert."
    )
    after_deadline = _at(reserved.notice_deadline + timedelta(days=1), 1)
    with committed():
        assert services.reservations_expire(now=after_deadline) == 1
        assert services.reservations_expire(now=after_deadline) == 0
    reserved.refresh_from_db()
    assert reserved.status == "expired"
    assert len(mail.outbox) == 1 and "abgelaufen" in mail.outbox[0].subject
    assert AuditEntry.objects.filter(code="weddings.reservation.expired").count() == 2


def test_confirmed_weddings_never_expire(office):
    reservation = reserve()
    services.reservation_confirm(
        actor=office, reservation=reservation, notice_filed_on=local_today()
    )
    services.reservations_expire(now=_at(reservation.notice_deadline + timedelta(days=2)))
    reservation.refresh_from_db()
    assert reservation.status == "confirmed"


def test_reminders_before_the_notice_deadline_each_once():
    reservation = reserve()
    mail.outbox.clear()
    deadline = reservation.notice_deadline
    with committed():
        assert services.reminders_send(now=_at(deadline - timedelta(days=8)))["notice_7"] == 0
        assert services.reminders_send(now=_at(deadline - timedelta(days=7)))["notice_7"] == 1
        assert services.reminders_send(now=_at(deadline - timedelta(days=6)))["notice_7"] == 0
        assert services.reminders_send(now=_at(deadline - timedelta(days=1)))["notice_1"] == 1
        assert services.reminders_send(now=_at(deadline))["notice_1"] == 0
    assert len(mail.outbox) == 2
    assert all("Erinnerung" in message.subject for message in mail.outbox)
    assert reservation.manage_token in mail.outbox[0].body
    kinds = set(ReservationReminder.objects.values_list("kind", flat=True))
    assert kinds == {"notice_7", "notice_1"}


def test_ceremony_reminder_a_week_before(office):
    reservation = reserve()
    services.reservation_confirm(
        actor=office, reservation=reservation, notice_filed_on=local_today()
    )
    mail.outbox.clear()
    day = reservation.start.date()
    with committed():
        sent = services.reminders_send(now=_at(day - timedelta(days=7)))
        again = services.reminders_send(now=_at(day - timedelta(days=3)))
    assert sent["ceremony_7"] == 1 and again["ceremony_7"] == 0
    assert sent["notice_7"] == sent["notice_1"] == 0  # the notice is filed
    assert len(mail.outbox) == 1 and "in einer Woche" in mail.outbox[0].subject


def test_a_reminder_claimed_by_another_run_is_not_sent_again():
    reservation = reserve()
    rule = jobs._reminder_rules(reservation.notice_deadline - timedelta(days=7))[1]
    mail.outbox.clear()
    with committed():
        assert jobs._remind(reservation, rule) is True
        assert jobs._remind(reservation, rule) is False  # the unique marker refuses it
    assert len(mail.outbox) == 1


def test_retention_erases_personal_data_but_keeps_the_numbers(office):
    wedding = reserve()
    services.reservation_confirm(actor=office, reservation=wedding, notice_filed_on=local_today())
    cancelled = reserve(skip=1)
    services.reservation_cancel_by_office(
        actor=office, reservation=cancelled, reason="Auf Wunsch von Frau Öztürk"
    )
    cancelled.refresh_from_db()
    soon = cancelled.updated_at + timedelta(days=29)
    assert services.personal_data_erase(now=soon) == 0
    assert services.personal_data_erase(now=cancelled.updated_at + timedelta(days=31)) == 1
    cancelled.refresh_from_db()
    assert cancelled.email == "" and cancelled.partner1_family_name == ""
    assert cancelled.cancelled_reason == ""
    reason = AuditEntry.objects.get(code="weddings.reservation.cancelled").data["reason"]
    assert reason == ""
    assert (
        services.personal_data_erase(now=wedding.end + relativedelta(months=6) - timedelta(days=1))
        == 0
    )
    assert services.personal_data_erase(now=wedding.end + relativedelta(months=6, days=1)) == 1
    wedding.refresh_from_db()
    assert wedding.partner2_given_name == "" and wedding.status == "confirmed"
    assert wedding.venue_id and wedding.guests  # numbers for the statistics stay
    assert ReservationErasure.objects.count() == 2
    assert services.personal_data_erase(now=wedding.end + relativedelta(years=2)) == 0


def test_retention_period_is_configurable(settings, office):
    settings.RATHAUS_RETENTION_DAYS_AFTER_CANCELLATION = 2
    reservation = reserve()
    services.reservation_cancel_by_office(actor=office, reservation=reservation, reason="x")
    reservation.refresh_from_db()
    assert services.personal_data_erase(now=reservation.updated_at + timedelta(days=3)) == 1


def test_commands_run_and_log_no_personal_data(caplog):
    reserve(email="geheim@example.org", confirm_email=False)
    caplog.set_level(logging.DEBUG)
    for name in [
        "weddings_expire_reservations",
        "weddings_send_reminders",
        "weddings_import_venue_calendars",
        "weddings_erase_personal_data",
    ]:
        out = StringIO()
        call_command(name, stdout=out)
        assert out.getvalue().strip()
    assert "geheim" not in caplog.text and "Öztürk" not in caplog.text
    assert "TK-" not in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_expiry_runs_at_once_expire_each_reservation_once(town):
    holds = [reserve(skip=i, confirm_email=False) for i in range(6)]
    later = timezone.now() + timedelta(hours=3)
    counts, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            counts.append(services.reservations_expire(now=later))
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
    assert sum(counts) == len(holds)
    assert Reservation.objects.filter(status="expired").count() == len(holds)
    assert AuditEntry.objects.filter(code="weddings.reservation.expired").count() == len(holds)
