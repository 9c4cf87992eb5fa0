"""The duration drift: the page lists only the services that drift, adopting one changes the
catalogue through its audited edit, only the citizen-office administration may do it, and the
weekly e-mail leaves once per ISO week and only when something drifts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure
from rathaus.appointments.models import Location, Service
from rathaus.appointments.queue.models import Sample
from rathaus.appointments.queue.services.drift_report import drift_report_send, suggestion
from rathaus.appointments.tests.factories import MONDAY, at, office
from rathaus.audit.models import AuditEntry
from rathaus.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
NOW = at(8, 30)  # Monday 7 June 2027 (ISO week 23)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _user(username, role):
    roles_ensure()
    user, _created = staff_user_ensure(
        username=username, password="Richtig-Geheim-2027", first_name="Bea", last_name="B",
        role=role,
    )  # fmt: skip
    return user


def samples(o, service, values, *, first):
    Sample.objects.bulk_create(
        Sample(service=service, location=o.location, minutes=value,
               finished_at=first + timedelta(minutes=index))
        for index, value in enumerate(values)
    )  # fmt: skip


@pytest.fixture
def o():
    o = office()
    Location.objects.filter(pk=o.location.pk).update(email="buergerbuero@bottrop.example")
    friday = at(9, 0, date(2027, 6, 4))
    samples(o, o.passport, [24, 25, 26, 25, 25], first=friday)  # 15 configured: +67 %
    samples(o, o.registration, [10, 11, 9, 12, 10], first=friday)  # 10 configured: 0 %
    return o


@pytest.fixture
def staff(client):
    client.force_login(_user("buergerbuero", roles.CITIZEN_OFFICE_ADMIN))
    return client


def _text(response):
    return response.content.decode()


def test_the_page_lists_only_the_drifting_service(staff, o):
    response = staff.get(reverse("queue_drift:page"), **ENGLISH)
    assert response.status_code == 200
    text = _text(response)
    assert o.passport.name in text
    assert o.registration.name not in text
    assert "+67 %" in text
    assert "Adopt: 25 minutes" in text
    assert "08.05.2027–07.06.2027" in text  # the 30 days of samples
    assert "last 50 samples within 30 days" in text


def test_adopting_changes_the_catalogue_and_writes_an_audit_entry(staff, o):
    url = reverse("queue_drift:adopt", args=[o.passport.slug])
    response = staff.post(url, {"minutes": "25"}, **ENGLISH)
    assert response.status_code == 303 and response["Location"] == reverse("queue_drift:page")
    assert Service.objects.get(pk=o.passport.pk).minutes == 25
    entry = AuditEntry.objects.get(code="appointments.service_changed")
    assert entry.object_id == str(o.passport.pk)
    assert [(c["field"], c["before"], c["after"]) for c in entry.data["changes"]] == [
        ("minutes", 15, 25)
    ]
    page = staff.get(response["Location"], **ENGLISH)
    assert "now takes 25 minutes in the catalogue" in _text(page)
    assert "<table" not in _text(page)  # no longer drifting
    assert "No service differs from its catalogue minutes" in _text(page)


def test_adopting_a_value_the_page_did_not_show_changes_nothing(staff, o):
    for service, minutes in ((o.passport, "30"), (o.registration, "10")):
        url = reverse("queue_drift:adopt", args=[service.slug])
        page = staff.post(url, {"minutes": minutes}, follow=True, **ENGLISH)
        assert "The measurement has changed" in _text(page)
    assert Service.objects.get(pk=o.passport.pk).minutes == 15
    assert not AuditEntry.objects.filter(code="appointments.service_changed").exists()
    assert staff.get(reverse("queue_drift:adopt", args=[o.passport.slug])).status_code == 405


def test_the_suggestion_keeps_to_the_five_minute_grid():
    assert suggestion(23.4, 15) == 25
    assert suggestion(2.0, 10) == 5
    assert suggestion(12.1, 10) is None  # rounds to what is configured: nothing to adopt


def test_anonymous_goes_to_the_login_and_other_roles_are_refused(client, o):
    page = reverse("queue_drift:page")
    adopt = reverse("queue_drift:adopt", args=[o.passport.slug])
    for response in (client.get(page), client.post(adopt, {"minutes": "25"})):
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    client.force_login(_user("wohngeld", roles.HOUSING_BENEFIT_STAFF))
    assert client.get(page).status_code == 403
    assert client.post(adopt, {"minutes": "25"}).status_code == 403
    assert Service.objects.get(pk=o.passport.pk).minutes == 15


def test_the_workplace_links_the_page(staff, o):
    assert reverse("queue_drift:page") in _text(staff.get(reverse("queue_workplace:home")))


def test_the_weekly_report_is_queued_once_per_week(o, settings):
    settings.RATHAUS_MAIL_SEND_ON_COMMIT = False
    assert drift_report_send(now=at(5, 59)) == 0  # Monday, but before six
    assert drift_report_send(now=at(6, 0)) == 1
    assert drift_report_send(now=at(6, 1)) == 0
    assert drift_report_send(now=at(14, 0)) == 0
    assert drift_report_send(now=at(6, 30, MONDAY + timedelta(days=1))) == 0  # a Tuesday
    message = OutboxMessage.objects.get()
    assert message.to == "buergerbuero@bottrop.example"
    assert "23/2027" in message.subject
    assert o.passport.name_de in message.text and o.registration.name_de not in message.text
    assert (
        reverse("queue_drift:page") in message.text and reverse("queue_drift:page") in message.html
    )
    next_monday = at(6, 0, MONDAY + timedelta(days=7))
    samples(o, o.passport, [25] * 5, first=next_monday - timedelta(hours=1))
    assert drift_report_send(now=next_monday) == 1
    assert OutboxMessage.objects.count() == 2
    assert mail.outbox == []  # queued, the outbox sends it


def test_no_report_when_nothing_drifts(o, settings):
    settings.RATHAUS_MAIL_SEND_ON_COMMIT = False
    Service.objects.filter(pk=o.passport.pk).update(minutes=25)
    assert drift_report_send(now=at(6, 0)) == 0
    assert not OutboxMessage.objects.exists()


def test_the_job_is_registered():
    from rathaus.core.jobs import _jobs

    assert _jobs["queue_drift_report"] is drift_report_send
