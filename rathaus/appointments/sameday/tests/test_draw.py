"""The draw for real: allocation on the kept counters, the urgent quota, limits, duplicates,
e-mails, the published document and its verification, the job."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from rathaus.appointments.constants import AppointmentStatus, Channel
from rathaus.appointments.models import Appointment
from rathaus.appointments.sameday.constants import Reason, RequestStatus
from rathaus.appointments.sameday.models import SameDayDraw, SameDayRequest
from rathaus.appointments.sameday.pure_draw import document_verify
from rathaus.appointments.sameday.selectors import draw_document
from rathaus.appointments.sameday.services.draw_run import draw_run, draws_run_due
from rathaus.appointments.selectors import PersonNeed, plan_make
from rathaus.appointments.services.booking import PersonDetails, appointment_book
from rathaus.core.draw import seed_commitment
from rathaus.core.models import OutboxMessage
from rathaus.core.timezone import BERLIN
from rathaus.scheduling.tests.test_services import assert_no_double_booking

from .helpers import ask, clock, same_day_office, wish

pytestmark = pytest.mark.django_db

AFTER = clock(7, 45)


def drawn(o, *names, reason=Reason.OTHER, **kwargs):
    for name in names:
        ask(o, name, reason=reason, **kwargs)
    draw = SameDayDraw.objects.get()
    assert draw_run(draw=draw, now=AFTER)
    draw.refresh_from_db()
    return draw


def test_winners_get_the_earliest_times_on_the_kept_counter_only():
    o = same_day_office()
    draw = drawn(o, "Anna", "Ben", "Carl")
    kept = o.counters[1]
    appointments = list(Appointment.objects.order_by("start"))
    assert [a.start for a in appointments] == [clock(8), clock(8, 20), clock(8, 40)]
    for appointment in appointments:
        assert appointment.status == AppointmentStatus.CONFIRMED
        assert appointment.channel == Channel.SAME_DAY
        assert appointment.persons.get().counter == kept
        assert appointment.booking.allocations.get().resource_id == kept.resource_id
        assert appointment.persons.get().requests.get().service == o.id_card
    assert set(SameDayRequest.objects.values_list("status", flat=True)) == {RequestStatus.WON}
    assert draw.seed_public == draw.seed
    assert_no_double_booking(AFTER)


def test_more_requests_than_time_leaves_the_rest_lost_and_tells_everyone():
    o = same_day_office()
    names = [f"Person{i}" for i in range(15)]  # 12 × 20 minutes fit into 08:00–12:00
    drawn(o, *names)
    statuses = list(SameDayRequest.objects.values_list("status", flat=True))
    assert statuses.count(RequestStatus.WON) == 12
    assert statuses.count(RequestStatus.LOST) == 3
    subjects = list(OutboxMessage.objects.values_list("subject", flat=True))
    assert len(subjects) == 15
    assert sum("Ihr Termin heute" in subject for subject in subjects) == 12
    assert sum("kein Termin" in subject for subject in subjects) == 3
    won = SameDayRequest.objects.filter(status=RequestStatus.WON).first()
    mail = OutboxMessage.objects.get(to=won.email)
    assert won.win.appointment.reference in mail.subject
    assert "/buergerbuero/termin/" in mail.text
    assert f"{won.win.appointment.start.astimezone(BERLIN):%H:%M}" in mail.text
    assert SameDayRequest.objects.filter(notified_at__isnull=True).count() == 0


def test_urgent_requests_get_their_quota_first():
    o = same_day_office()
    o.location.same_day_urgent_percent = 25  # 60 of 240 minutes: three identity cards
    o.location.save()
    others = [f"Other{i}" for i in range(12)]
    urgent = [f"Urgent{i}" for i in range(5)]
    for name in others:
        ask(o, name)
    for name in urgent:
        ask(o, name, reason=Reason.LOST_DOCUMENT)
    draw = SameDayDraw.objects.get()
    draw_run(draw=draw, now=AFTER)
    won = SameDayRequest.objects.filter(status=RequestStatus.WON)
    assert won.count() == 12
    assert won.filter(reason=Reason.LOST_DOCUMENT).count() >= 3
    urgent_appointments = Appointment.objects.exclude(urgent_reason="")
    assert set(urgent_appointments.values_list("urgent_reason", flat=True)) == {
        Reason.LOST_DOCUMENT
    }
    draw.refresh_from_db()
    assert draw.result["urgent_quota_minutes"] == 60


def test_identity_limits_refuse_and_the_time_goes_to_the_next():
    o = same_day_office()
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    for day in (date(2027, 6, 8), date(2027, 6, 9)):  # Anna has two active appointments
        appointment_book(
            plan=plan,
            start=clock(9, day=day),
            persons=[PersonDetails("Anna", "Schmidt", date(1990, 1, 1))],
            email=f"{day}@example.org",
            now=clock(6),
        )
    drawn(o, "Anna", "Ben")
    assert SameDayRequest.objects.get(persons__0__given_name="Anna").status == (
        RequestStatus.REFUSED
    )
    assert SameDayRequest.objects.get(persons__0__given_name="Ben").status == RequestStatus.WON
    draw = SameDayDraw.objects.get()
    assert document_verify(draw_document(draw)) == []


def test_a_person_named_in_two_requests_takes_part_once():
    o = same_day_office()
    ask(o, "Anna", email="anna@example.org")
    ask(o, "Mia", email="mia@example.org", extra=[wish("Anna")], now=clock(7, 11))
    draw = SameDayDraw.objects.get()
    draw_run(draw=draw, now=AFTER)
    assert SameDayRequest.objects.get(email="mia@example.org").status == RequestStatus.DUPLICATE
    draw.refresh_from_db()
    assert draw.capacity["duplicates_excluded"] == 1


def test_the_draw_runs_once_and_not_before_the_window_closes():
    o = same_day_office()
    ask(o, "Anna")
    draw = SameDayDraw.objects.get()
    assert not draw_run(draw=draw, now=AFTER - timedelta(seconds=1))
    assert draw_run(draw=draw, now=AFTER)
    draw.refresh_from_db()
    assert not draw_run(draw=draw, now=AFTER + timedelta(minutes=1))
    assert Appointment.objects.count() == 1 and OutboxMessage.objects.count() == 1


def test_the_job_publishes_commitments_ahead_and_draws_what_is_due():
    o = same_day_office()
    draws_run_due(now=clock(6, 0))
    draws = {d.day: d for d in SameDayDraw.objects.all()}
    monday = clock(6).date()
    assert set(draws) == {monday, monday + timedelta(days=1)}
    assert draws[monday].commitment_shown_at == clock(6)
    assert draws[monday].seed_commitment == seed_commitment(draws[monday].seed)
    ask(o, "Anna")
    assert draws_run_due(now=AFTER + timedelta(seconds=20)) == 1
    assert Appointment.objects.count() == 1
    out = StringIO()
    call_command("sameday_draw_due", stdout=out)
    assert "drawn" in out.getvalue()


def test_the_published_document_verifies_and_tampering_is_found(tmp_path):
    o = same_day_office()
    draw = drawn(o, *[f"Anonyma{i}" for i in range(14)])
    ask(o, "Late", now=clock(7, 44, day=clock(7).date() + timedelta(days=7)))  # another draw
    document = json.loads(json.dumps(draw_document(draw)))
    assert document["seed"] == draw.seed
    assert document_verify(document, commitment=draw.seed_commitment) == []
    assert "Anonyma" not in json.dumps(document)  # no names
    assert "example.org" not in json.dumps(document)

    winner = next(ref for ref, placement in document["allocation"].items() if placement)
    loser = next(ref for ref, placement in document["allocation"].items() if not placement)
    tampered = json.loads(json.dumps(document))
    tampered["allocation"][loser], tampered["allocation"][winner] = (
        tampered["allocation"][winner],
        None,
    )
    assert any("allocation differs" in p for p in document_verify(tampered))
    reseeded = {**document, "seed": "00" * 32}
    assert "the seed does not match the commitment" in document_verify(reseeded)
    assert document_verify(document, commitment="ab" * 32)
    late = {**document, "seed_commitment_shown_at": "2030-01-01T00:00:00+01:00"}
    assert document_verify(late)
    quota = {**document, "urgent_percent": 10}
    assert "the urgent quota differs" in document_verify(quota)

    path = tmp_path / "ergebnis.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = StringIO()
    call_command("sameday_verify", str(path), commitment=draw.seed_commitment, stdout=out)
    assert out.getvalue().startswith("VERIFIED")
    path.write_text(json.dumps(tampered), encoding="utf-8")
    with pytest.raises(CommandError, match="NOT VERIFIED"):
        call_command("sameday_verify", str(path), stderr=StringIO())
    sys.stdin = StringIO("not json")
    try:
        with pytest.raises(CommandError, match="not a readable"):
            call_command("sameday_verify", "-")
    finally:
        sys.stdin = sys.__stdin__


def test_before_the_draw_the_document_has_no_seed():
    o = same_day_office()
    ask(o, "Anna")
    document = draw_document(SameDayDraw.objects.get())
    assert document["seed"] is None and document["order"] == []
    assert document_verify(document) == ["the seed is not published yet"]


@override_settings(RATHAUS_MAIL_SEND_ON_COMMIT=False)
def test_a_drawn_draw_with_unsent_mail_is_finished_by_the_job():
    o = same_day_office()
    drawn(o, "Anna", "Ben")
    OutboxMessage.objects.all().delete()
    SameDayRequest.objects.update(notified_at=None)
    draws_run_due(now=AFTER + timedelta(minutes=1))
    assert OutboxMessage.objects.count() == 2


def test_the_stored_keys_are_the_booking_doors_keys():
    from rathaus.appointments.sameday.services.draw_run import _identity_keys
    from rathaus.appointments.services.booking import identity_keys

    o = same_day_office()
    made = ask(o, "Ánna ", email="A.nna+x@Example.org", extra=[wish("Ben")])
    persons = [
        PersonDetails(p["given_name"], p["family_name"], date.fromisoformat(p["date_of_birth"]))
        for p in made.persons
    ]
    assert _identity_keys(made) == identity_keys(persons, made.email)
