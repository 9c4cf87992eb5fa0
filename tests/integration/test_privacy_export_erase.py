"""Access (Art. 15) and erasure (Art. 17) for one e-mail address, across all apps (B-12)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import translation

from rathaus.audit.models import AuditEntry
from rathaus.core.privacy import Erasure, privacy_erase, privacy_export, value_json
from rathaus.scheduling.constants import BookingStatus
from rathaus.weddings.backoffice import services as office_jobs
from rathaus.weddings.backoffice.services import reservation_cancel_by_office
from rathaus.weddings.models import (
    Reservation,
    ReservationErasure,
    ReservationReminder,
    VenueAgreement,
)

from .conftest import COUPLE, OTHER

pytestmark = pytest.mark.django_db
PERSONAL = [
    "partner1_given_name",
    "partner1_family_name",
    "partner2_given_name",
    "partner2_family_name",
    "email",
    "phone",
    "note",
    "cancelled_reason",
]


def _export(email: str) -> dict:
    with translation.override("en"):
        return json.loads(privacy_export(email=email).as_json())


def _section(export: dict, key: str) -> dict | None:
    return next((s for s in export["sections"] if s["key"] == key), None)


def test_export_holds_everything_about_the_address_and_nothing_else(make_reservation, office):
    first = make_reservation(email=COUPLE)
    second = make_reservation(email=COUPLE, skip=1, confirm_email=False, note="")
    other = make_reservation(email=OTHER, skip=2)
    ReservationReminder.objects.create(reservation=first, kind="notice_7")
    VenueAgreement.objects.create(reservation=first, agreed=True, decided_by=office)

    export = _export("  Paar@Example.ORG ")  # as typed by staff
    weddings = _section(export, "weddings.reservations")
    assert [r["reference"] for r in weddings["records"]] == [first.reference, second.reference]
    record = weddings["records"][0]
    assert record["given name (partner 1)"] == "Çağla"
    assert record["family name (partner 2)"] == "D'Amato"
    assert record["e-mail"] == COUPLE and record["phone"] == "02041 555123"
    assert record["note"] == "Wir bringen einen Hund mit."
    assert record["status"] == "Reserved (provisional)"
    assert record["Venue"] == first.venue.name
    assert record["start"] == value_json(first.start)
    assert record["venue's agreement"]["agreed"] is True
    assert record["reminders sent"][0]["reminder"] == "marriage notice due in 7 days"
    events = [entry["event"] for entry in record["history"]]
    assert events[0].startswith("The couple reserved the date online")
    assert weddings["records"][1]["status"] == "Awaiting e-mail confirmation"
    outbox = _section(export, "core.outbox")  # sent e-mails keep no recipient: only unsent
    assert outbox is None or all(
        r["recipient"] == COUPLE and r["sent"] is None for r in outbox["records"]
    )

    text = json.dumps(export, ensure_ascii=False)
    assert other.reference not in text and OTHER not in text
    for secret in (first.token_nonce, first.manage_token, first.confirm_token):
        assert secret not in text  # links carry secrets: never exported


def test_erasure_cancels_future_reservations_then_erases_like_the_retention_job(
    make_reservation, office, django_capture_on_commit_callbacks
):
    reserved = make_reservation(email=COUPLE)
    other = make_reservation(email=OTHER, skip=1)
    old_nonce = reserved.token_nonce
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        result = privacy_erase(email="PAAR@example.org", actor=office)
    assert result.by_app()["weddings"] == Erasure(erased=1, cancelled=1)
    assert result.by_app()["core"].erased == 0  # sent e-mails were cleared when sent

    reserved.refresh_from_db()
    assert reserved.status == "cancelled"
    assert reserved.booking.status == BookingStatus.CANCELLED  # the slot is free again
    assert all(getattr(reserved, name) == "" for name in PERSONAL)
    assert reserved.token_nonce != old_nonce  # old links stop working
    assert ReservationErasure.objects.filter(reservation=reserved).exists()
    assert reserved.venue_id and reserved.guests and reserved.start  # numbers stay
    assert [m.to for m in mail.outbox] == [[COUPLE]]  # the cancellation notice
    assert "storniert" in mail.outbox[0].subject

    codes = list(
        AuditEntry.objects.filter(object_id=str(reserved.pk))
        .order_by("id")
        .values_list("code", "actor")
    )
    assert codes[-2:] == [
        ("weddings.reservation.cancelled_on_request", office.pk),
        ("weddings.reservation.personal_data_erased_on_request", office.pk),
    ]
    assert COUPLE not in json.dumps(list(AuditEntry.objects.values("data", "object_label")))

    other.refresh_from_db()
    assert other.status == "reserved" and other.email == OTHER

    assert _section(_export(COUPLE), "weddings.reservations") is None
    again = privacy_erase(email=COUPLE, actor=office)
    assert again.by_app()["weddings"] == Erasure()  # idempotent
    assert again.by_app()["core"].erased == 0  # the cancellation notice, cleared when sent
    assert privacy_erase(email=COUPLE, actor=office).erased == 0


def test_erasure_on_request_erases_the_same_fields_as_the_retention_job(make_reservation, office):
    by_request = make_reservation(email=COUPLE)
    by_rule = make_reservation(email=OTHER, skip=1)
    privacy_erase(email=COUPLE, actor=office)
    assert office_jobs.personal_data_erase(now=by_rule.end + timedelta(days=400)) == 1
    by_request.refresh_from_db()
    by_rule.refresh_from_db()
    assert {n: getattr(by_request, n) for n in PERSONAL} == {
        n: getattr(by_rule, n) for n in PERSONAL
    }


def test_a_past_wedding_is_erased_without_being_cancelled(make_reservation):
    wedding = make_reservation(email=COUPLE)
    result = privacy_erase(email=COUPLE, now=wedding.end + timedelta(days=1))
    wedding.refresh_from_db()
    assert result.by_app()["weddings"] == Erasure(erased=1, cancelled=0)
    assert wedding.status == "reserved" and wedding.email == ""
    entry = AuditEntry.objects.filter(object_id=str(wedding.pk)).latest("id")
    assert entry.code == "weddings.reservation.personal_data_erased_on_request"
    assert entry.actor is None  # the command: no member of staff


def test_a_staff_address_is_exported_but_kept(office, make_reservation):
    reservation = make_reservation(email=COUPLE)
    reservation_cancel_by_office(actor=office, reservation=reservation, reason="Test")
    export = _export(office.email)
    account = _section(export, "accounts.staff")["records"][0]
    assert account["username"] == "standesamt"
    assert account["roles"] == ["Registry office staff"]
    assert "password" not in json.dumps(account)
    actions = _section(export, "audit.actions")["records"]
    assert actions[0]["object"] == reservation.reference
    result = privacy_erase(email=office.email)
    assert result.erased == 0 and len(result.retained) == 2
    office.refresh_from_db()
    assert office.is_active


def test_commands_export_and_erase_only_with_yes(make_reservation, caplog):
    reservation = make_reservation(email=COUPLE)
    caplog.set_level(logging.DEBUG)
    out = StringIO()
    call_command("privacy_export", COUPLE, "--language", "en", stdout=out)
    assert json.loads(out.getvalue())["sections"]
    assert reservation.reference in out.getvalue()

    with pytest.raises(CommandError):
        call_command("privacy_erase", COUPLE, stdout=StringIO())
    reservation.refresh_from_db()
    assert reservation.email == COUPLE  # nothing erased without --yes

    out = StringIO()
    call_command("privacy_erase", COUPLE, "--yes", stdout=out)
    assert "erased: " in out.getvalue() and "cancelled first: 1" in out.getvalue()
    reservation.refresh_from_db()
    assert reservation.email == "" and reservation.status == "cancelled"
    assert COUPLE not in caplog.text and "Öztürk" not in caplog.text


def test_after_an_erasure_only_the_unsent_cancellation_notice_is_left(make_reservation):
    make_reservation(email=COUPLE)
    result = privacy_erase(email=COUPLE)  # the notice is not sent: no commit in this test
    assert result.retained  # and the staff member is told so
    export = _export(COUPLE)
    outbox = _section(export, "core.outbox")
    assert [section["key"] for section in export["sections"]] == ["core.outbox"]
    assert [record["sent"] for record in outbox["records"]] == [None]
    assert Reservation.objects.filter(email__iexact=COUPLE).count() == 0
