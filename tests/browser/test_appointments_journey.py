"""Issue 14 "done when", the citizen's part, in a real browser on a phone: a family books a
time more than 14 days ahead, confirms it with the e-mail's link, is asked to reconfirm and
reminded by the scheduled jobs, answers both with one tap, cancels and books another time.

The server runs on the test's clock; the jobs are called here with the moments at which they
would run (`jobs_run(now=...)`), so nobody waits two weeks. Every e-mail is read from the
outbox, as the mail sender would. axe-core finds no violation on any page on the way that the
booking test (test_appointments_public.py) does not already check."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from rathaus.appointments import selectors
from rathaus.appointments.constants import RECONFIRM_AFTER_DAYS, REMINDER_HOURS
from rathaus.appointments.models import Appointment
from rathaus.appointments.services.jobs import jobs_run
from rathaus.appointments.services.reminders import RECONFIRM_NOTICE
from rathaus.core.models import OutboxMessage

from .conftest import PHONE
from .test_appointments_public import _axe_clean, _fill_persons, office_live  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("office_live")]
EMAIL = "familie@example.org"
LINK = r"/buergerbuero/termin/{reference}/{page}[\w=-]+/{rest}"
NEEDS = [
    selectors.PersonNeed((("personalausweis", 1), ("reisepass", 1))),
    selectors.PersonNeed((("reisepass", 1),)),
]


def _mails() -> list[EmailMessage]:
    """The family's e-mails as they left the outbox (a sent outbox row keeps no recipient
    and no body, so they are read where the test mail backend delivers them)."""
    return [message for message in mail.outbox if message.to == [EMAIL]]


def _link(message: EmailMessage, reference: str, page: str = "", rest: str = "") -> str:
    """The path of a link in the e-mail (the text part, as every mail program shows it)."""
    found = re.search(LINK.format(reference=reference, page=page, rest=rest), message.body)
    assert found, f"no {page or 'status'}{rest} link in:\n{message.body}"
    return found.group(0)


def _time_far_ahead() -> datetime:
    """The family's first free time more than RECONFIRM_AFTER_DAYS days ahead (with a day's
    margin for the time the booking takes), from the free times the page shows."""
    now = timezone.now()
    location = selectors.location_get("rathaus")
    plan = selectors.plan_make(location, NEEDS)
    first, last = selectors.booking_range(location, now)
    later = now + timedelta(days=RECONFIRM_AFTER_DAYS + 1)
    return next(
        free.start for free in selectors.free_times(plan, first, last) if free.start > later
    )


def _choose(page, start: datetime) -> None:
    """Leaf through the weeks to the time and tap it (the bot check runs, then the hold)."""
    button = page.locator(f"button.slot-time[value='{int(start.timestamp())}']")
    for _week in range(10):
        if button.count():
            break
        with page.expect_navigation():
            page.click(".month-nav a:has-text('Nächste Woche')")
    button.click()
    page.wait_for_url(re.compile(r"/angaben/"))


def _book(page, start: datetime) -> str:
    """On the times page: hold `start`, type the family, send. Returns the reference."""
    _choose(page, start)
    assert "Für Sie reserviert bis" in page.locator(".deadline").inner_text()
    _fill_persons(page)
    page.fill("#id_email", EMAIL)
    page.click("form.reservation-form button.primary")
    page.wait_for_url(re.compile(r"/termin/gesendet/BB-\w+/$"))
    return page.locator(".reference").inner_text()


def _confirm(page, base: str, reference: str) -> None:
    message = _mails()[-1]
    assert reference in message.subject + message.body
    page.goto(base + _link(message, reference, "bestaetigen/"))
    page.click("form[method=post] button.primary")
    page.wait_for_url(re.compile(rf"/termin/{reference}/[\w=-]+/$"))
    assert "Ihr Termin ist bestätigt." in page.locator(".messages").inner_text()


def test_a_family_books_far_ahead_reconfirms_is_reminded_cancels_and_rebooks(live_server, new_page):
    base = live_server.url
    start = _time_far_ahead()
    page = new_page(PHONE)

    # Book for two persons, a time more than 14 days ahead, and confirm by the e-mail's link.
    page.goto(f"{base}/buergerbuero/termin/rathaus/")
    page.check("#id_p0-personalausweis")
    page.check("#id_p0-reisepass")
    page.click("button[name=personen]:has-text('Person hinzufügen')")
    page.wait_for_selector("#id_p1-reisepass")
    page.check("#id_p1-reisepass")
    page.click("button[name=weiter]")
    page.wait_for_url(re.compile(r"/zeiten/\?"))
    reference = _book(page, start)
    appointment = Appointment.objects.get(reference=reference)
    assert (appointment.status, appointment.start) == ("pending", start)
    assert len(_mails()) == 1
    _confirm(page, base, reference)
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
    assert appointment.reconfirm_by is not None and appointment.reconfirm_by < start
    status = page.locator("main").inner_text()
    assert "Weit im Voraus gebucht: Bitte bestätigen Sie diesen Termin" in status
    assert "Çağla Öztürk" in status and "Deniz Öztürk" in status
    assert "Was Sie mitbringen" in status
    _axe_clean(page, "status, to be reconfirmed")

    # Two days before the reconfirmation deadline the jobs ask for it.
    asked_at = appointment.reconfirm_by - RECONFIRM_NOTICE
    done = jobs_run(now=asked_at)
    assert done["reconfirm_requests"] == 1 and done["reminders"] == 0
    assert -1 not in done.values(), done
    request = _mails()[-1]
    assert f"Brauchen Sie Termin {reference} noch?" in request.subject
    page.goto(base + _link(request, reference, rest="rueckbestaetigen/"))
    assert page.locator("h1").inner_text() == "Termin rückbestätigen"
    _axe_clean(page, "reconfirm")
    page.click("form[method=post] button:has-text('Ja, ich brauche den Termin noch')")
    page.wait_for_url(re.compile(rf"/termin/{reference}/[\w=-]+/$"))
    assert "Danke – Ihr Termin bleibt bestehen." in page.locator(".messages").inner_text()
    assert "Weit im Voraus gebucht" not in page.locator("main").inner_text()
    appointment.refresh_from_db()
    assert appointment.reconfirmed_at is not None and appointment.status == "confirmed"

    # A day before, the reminder: "I'm coming" with one tap. Reconfirmed, nothing lapses.
    reminded_at = start - timedelta(hours=REMINDER_HOURS)
    done = jobs_run(now=reminded_at)
    assert done["reminders"] == 1 and done["lapsed_not_reconfirmed"] == 0
    reminder = _mails()[-1]
    assert reminder.subject.startswith("Erinnerung: Ihr Termin morgen")
    assert "Deniz Öztürk" in reminder.body  # the checklist per person
    page.goto(base + _link(reminder, reference, rest="ich-komme/"))
    assert page.locator("h1").inner_text() == "Kommen Sie?"
    _axe_clean(page, "I'm coming")
    page.click("form[method=post] button:has-text('Ja, ich komme')")
    page.wait_for_url(re.compile(rf"/termin/{reference}/[\w=-]+/$"))
    assert "Danke – wir erwarten Sie." in page.locator(".messages").inner_text()
    appointment.refresh_from_db()
    assert appointment.coming_at is not None and appointment.status == "confirmed"
    assert len(_mails()) == 4  # confirm request, confirmed, reconfirm request, reminder

    # Plans change: cancel on the status page, then book another time for the same family.
    page.click("a.button[href$='/absagen/']")
    page.click("form[method=post] button[type=submit]:has-text('Termin absagen')")
    page.wait_for_url(re.compile(rf"/termin/{reference}/[\w=-]+/$"))
    assert "Dieser Termin wurde abgesagt." in page.locator("main").inner_text()
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    _axe_clean(page, "status, cancelled after the reminder")
    page.click(".notice a:has-text('Neue Zeit buchen')")
    page.wait_for_selector("#id_p1-reisepass")
    assert page.is_checked("#id_p0-reisepass") and page.is_checked("#id_p1-reisepass")
    page.click("button[name=weiter]")
    page.wait_for_url(re.compile(r"/zeiten/\?"))
    other = page.locator("button.slot-time").first.get_attribute("value")
    assert other and int(other) != int(start.timestamp())
    new_start = datetime.fromtimestamp(int(other), tz=UTC)
    new_reference = _book(page, new_start)
    assert new_reference != reference
    _confirm(page, base, new_reference)
    rebooked = Appointment.objects.get(reference=new_reference)
    assert rebooked.status == "confirmed" and rebooked.start == new_start
    assert [person.given_name for person in rebooked.persons.order_by("position")] == [
        "Çağla",
        "Deniz",
    ]
    assert Appointment.objects.get(reference=reference).status == "cancelled"
    # Every e-mail went through the outbox: sent, and cleared of recipient and body.
    sent = OutboxMessage.objects.filter(subject__in=[m.subject for m in _mails()])
    assert sent.count() == len(_mails()) == 7
    assert not sent.filter(sent_at__isnull=True).exists() and not sent.exclude(to="").exists()
