"""Audit entries: one function per event, sentences in the reader's language, no personal data."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from rathaus.audit import services as generic
from rathaus.audit.models import AuditEntry
from rathaus.audit.selectors import audit_line, audit_lines_for, audit_lines_with_codes, display
from rathaus.weddings import audit_events as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return User.objects.create_user("sina", first_name="Sina", last_name="Standesamt")


@pytest.fixture
def thing(actor):
    """Any model instance can carry audit entries; a Group stands in for a domain object."""
    from django.contrib.auth.models import Group

    return Group.objects.create(name="Trauzimmer")


def test_who_when_what_before_and_after(actor, thing):
    changed = User(username="x", first_name="Sina", is_active=True)
    before = services.snapshot(changed, ["first_name", "is_active"])
    changed.first_name = "Sabine"
    changed.is_active = False
    changes = services.changes(before, services.snapshot(changed, ["first_name", "is_active"]))
    services.venue_updated(actor=actor, venue=thing, changes=changes)
    entry = AuditEntry.objects.get()
    assert entry.actor == actor and entry.actor_name == "Sina Standesamt"
    assert entry.object_label == "Trauzimmer" and entry.code == "weddings.venue.updated"
    with translation.override("de"):
        line = audit_lines_for(thing)[0]
    assert line.sentence == "Sina Standesamt hat die Angaben des Trauorts geändert."
    assert [(c.before, c.after) for c in line.changes] == [("Sina", "Sabine"), ("ja", "nein")]
    with translation.override("en"):
        line = audit_lines_for(thing)[0]
    assert line.sentence == "Sina Standesamt changed the venue's details."


def test_instants_and_dates_are_shown_in_berlin_time(thing):
    start = datetime(2027, 7, 7, 12, 0, tzinfo=UTC)  # 14:00 in Berlin (summer time)
    services.closure_created(
        actor=None, owner=thing, start=start, end=start.replace(hour=20), reason="Sommerfest"
    )
    with translation.override("de"):
        line = audit_lines_for(thing)[0]
    assert line.sentence == (
        "Das System hat die Zeit vom 07.07.2027 14:00 bis 07.07.2027 22:00 gesperrt (Sommerfest)."
    )
    assert display(date(2027, 2, 27).isoformat()) == "27.02.2027"
    assert display(None) == "—"


def test_every_event_function_renders_a_sentence(actor, thing):
    calls = [
        lambda: services.reservation_confirmed(
            actor=actor, reservation=thing, notice_filed_on=date(2027, 1, 5), changes=[]
        ),
        lambda: services.reservation_cancelled(
            actor=actor, reservation=thing, reason="x", changes=[]
        ),
        lambda: services.reservation_moved(actor=actor, reservation=thing, changes=[]),
        lambda: services.reservation_registrar_assigned(actor=actor, reservation=thing, changes=[]),
        lambda: services.reservation_venue_agreed(actor=actor, reservation=thing, agreed=True),
        lambda: services.reservation_venue_agreed(actor=actor, reservation=thing, agreed=False),
        lambda: services.reservation_venue_agreed(
            actor=actor, reservation=thing, agreed=False, reason="Umbau"
        ),
        lambda: services.reservation_venue_decline_undone(actor=actor, reservation=thing),
        lambda: services.reservation_notice_recorded(
            actor=actor, reservation=thing, notice_filed_on=date(2027, 1, 5), changes=[]
        ),
        lambda: services.reservation_expired(reservation=thing, changes=[]),
        lambda: services.reservation_reminder_sent(reservation=thing, kind="notice_7"),
        lambda: services.reservation_personal_data_erased(reservation=thing),
        lambda: services.reservation_policy_updated(actor=actor, policy=thing, changes=[]),
        lambda: services.closure_deleted(
            actor=actor,
            owner=thing,
            start=datetime(2027, 1, 1, tzinfo=UTC),
            end=datetime(2027, 1, 2, tzinfo=UTC),
            reason="",
        ),
        lambda: services.weekly_rule_created(actor=actor, owner=thing, rule="Samstag 10:00–17:00"),
        lambda: services.weekly_rule_updated(actor=actor, owner=thing, rule="Sa", changes=[]),
        lambda: services.weekly_rule_deleted(actor=actor, owner=thing, rule="Sa"),
        lambda: services.extra_opening_created(actor=actor, owner=thing, opening="07.07.2027"),
        lambda: services.extra_opening_deleted(actor=actor, owner=thing, opening="07.07.2027"),
        lambda: services.feed_token_created(actor=actor, owner=thing),
        lambda: services.feed_token_revoked(actor=actor, owner=thing),
        lambda: services.venue_calendar_imported(
            actor=None, venue=thing, created=1, updated=2, removed=3, conflicts=0
        ),
        lambda: services.venue_calendar_source_set(actor=actor, venue=thing, changes=[]),
    ]
    for call in calls:
        call()
    with translation.override("de"):
        lines = audit_lines_for(thing)
    assert len(lines) == len(calls)
    for line in lines:
        assert line.sentence.startswith(("Sina Standesamt hat", "Das System hat")), line.sentence
        assert line.code not in line.sentence
    reminder = next(line for line in lines if line.code.endswith("reminder_sent"))
    assert "Anmeldung zur Eheschließung in 7 Tagen fällig" in reminder.sentence


def test_unknown_codes_still_read(thing):
    entry = generic.audit_record(code="something.new", obj=thing, value=1)
    assert audit_line(entry).sentence.endswith("something.new")


def test_scrub_blanks_free_text_only(actor, thing):
    services.reservation_cancelled(
        actor=actor, reservation=thing, reason="Frau X ist krank", changes=[]
    )
    services.reservation_moved(actor=actor, reservation=thing, changes=[])
    assert services.personal_data_scrub(obj=thing) == 1
    entry = AuditEntry.objects.get(code="weddings.reservation.cancelled")
    assert entry.data["reason"] == "" and entry.actor == actor


def test_recent_entries_by_code_prefix(thing):
    services.feed_token_created(actor=None, owner=thing)
    services.closure_created(
        actor=None,
        owner=thing,
        start=datetime(2027, 1, 1, tzinfo=UTC),
        end=datetime(2027, 1, 2, tzinfo=UTC),
        reason="",
    )
    assert [line.code for line in audit_lines_with_codes(("scheduling.closure.",))] == [
        "scheduling.closure.created"
    ]
