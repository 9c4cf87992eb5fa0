"""The application's way: automatic decision or the queue, payment, permit, signed code."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from rathaus.audit.models import AuditEntry
from rathaus.parking_permits import selectors
from rathaus.parking_permits.constants import DocumentKind, Status, UseBasis
from rathaus.parking_permits.models import Permit
from rathaus.parking_permits.services.applications import (
    application_approve,
    application_personal_data_erase,
    application_refuse,
)
from rathaus.parking_permits.services.payments import payment_record, statement_import
from rathaus.parking_permits.signing import code_verify
from rathaus.parking_permits.uploads import upload_clean

from . import factories as f
from .camt_sample import entry, statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():
    f.resident()
    f.vehicle()


def test_matching_registers_approve_automatically(registered, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = f.submit()
    assert application.status == Status.APPROVED
    assert application.automatic and application.reasons == []
    assert application.checks == {"residence": True, "vehicle": True, "one_permit": True}
    assert application.amount == Decimal("30.70") and application.fee_rule.amount == Decimal(
        "30.70"
    )
    codes = list(AuditEntry.objects.values_list("code", flat=True).order_by("pk"))
    assert codes[-2:] == [
        "parking.application.submitted",
        "parking.application.decided_automatically",
    ]
    assert len(mail.outbox) == 1 and application.reference in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda: f.vehicle(), "not_registered"),
        (lambda: (f.resident(residence="secondary"), f.vehicle()), "secondary_residence"),
        (lambda: f.resident(), "vehicle_unknown"),
        (lambda: (f.resident(), f.vehicle(given="Max")), "other_keeper_no_proof"),
    ],
)
def test_a_failed_check_sends_the_application_to_staff_with_the_reason(setup, reason):
    setup()
    application = f.submit()
    assert application.status == Status.REVIEW
    assert reason in application.reasons
    assert not application.automatic


def test_proof_of_use_is_checked_by_a_person(registered):
    f.vehicle(plate="BOT-FI 7", given="Firma", family="GmbH", birth=None)
    proof = upload_clean(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    application = f.submit(
        plate="BOT-FI 7", use_basis=UseBasis.COMPANY, documents=[(DocumentKind.PROOF_OF_USE, proof)]
    )
    assert application.reasons == ["other_keeper"]
    assert application.documents.count() == 1


def test_one_permit_per_resident(registered):
    f.submit()
    second = f.submit(email="other@example.org")
    assert "already_holds_permit" in second.reasons


def test_paying_an_approved_application_issues_a_verifiable_permit(
    registered, django_capture_on_commit_callbacks
):
    application = f.submit()
    with django_capture_on_commit_callbacks(execute=True):
        payment_record(
            application=application,
            amount=application.amount,
            source="counter",
            booked_on=f.NOW.date(),
            actor=None,
            now=f.NOW,
        )
    application.refresh_from_db()
    assert application.status == Status.ISSUED
    permit = Permit.objects.get(application=application)
    assert (permit.valid_from.isoformat(), permit.valid_until.isoformat()) == (
        "2027-03-10",
        "2028-03-09",
    )
    assert permit.fee_rule == application.fee_rule
    key = selectors.signing_key_get(permit.key_id)
    claims = code_verify(permit.code, public_key=key.public_key)
    assert (claims.plate, claims.zone, claims.number) == (
        "BOT-EM 42",
        "osterfelder-strasse",
        permit.number,
    )
    check = selectors.permit_code_check(permit.code, on=permit.valid_from)
    assert check.genuine and check.valid_today
    assert not selectors.permit_code_check(permit.code[:-3] + "AAA", on=permit.valid_from).genuine
    pdf_mail = mail.outbox[-1]
    assert pdf_mail.attachments[0][0].endswith(".pdf")


def test_staff_approve_after_payment_issues_and_refusal_is_final(registered):
    application = f.submit(plate="BOT-XX 1")  # vehicle unknown → review
    assert application.status == Status.REVIEW
    payment_record(
        application=application,
        amount=application.amount,
        source="counter",
        booked_on=f.NOW.date(),
        actor=None,
        now=f.NOW,
    )
    application_approve(application=application, actor=None, now=f.NOW)
    application.refresh_from_db()
    assert application.status == Status.ISSUED

    other = f.submit(given="Max", plate="BOT-XX 2", email="max@example.org")
    refused = application_refuse(
        application=other, actor=None, explanation="Kein Wohnsitz.", now=f.NOW
    )
    assert refused.status == Status.REFUSED


def test_a_statement_matches_by_reference_and_amount_tolerating_typos(registered):
    first = f.submit()
    f.resident(given="Max")
    f.vehicle(plate="BOT-MM 1", given="Max")
    second = f.submit(given="Max", plate="BOT-MM 1", email="max@example.org")
    ref2 = second.remittance.replace("-", "")
    typo = ref2[:-1] + ("A" if ref2[-1] != "A" else "B")
    content = statement(
        [
            entry(first.amount, f"Parkausweis {first.remittance.lower()}", ref="B1"),
            entry(second.amount, f"BEWOHNERPARKEN {typo}", ref="B2"),
            entry(Decimal("30.70"), "Miete Maerz", ref="B3"),
            entry(Decimal("12.00"), "Gebuehr", ref="B4", credit=False),
        ]
    )
    result = statement_import(content=content, actor=None, now=f.NOW)
    assert result.run.matched == 2 and result.run.rows == 4
    assert [m.reason for m in result.unmatched] == ["no open reference found"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == Status.ISSUED
    again = statement_import(content=content, actor=None, now=f.NOW)  # the same file twice
    assert again.run.matched == 0


def test_a_wrong_amount_is_listed_not_booked(registered):
    application = f.submit()
    content = statement([entry(Decimal("30.00"), application.remittance, ref="X1")])
    result = statement_import(content=content, actor=None, now=f.NOW)
    assert result.run.matched == 0
    assert "amount differs" in result.unmatched[0].reason


def test_erasure_keeps_the_accounts_and_drops_the_person(registered):
    application = f.submit()
    payment_record(
        application=application,
        amount=application.amount,
        source="counter",
        booked_on=f.NOW.date(),
        actor=None,
        now=f.NOW,
    )
    application_personal_data_erase(application=application, actor=None, now=f.NOW)
    application.refresh_from_db()
    assert application.family_name == "–" and application.plate == "–"
    assert application.amount == Decimal("30.70") and application.paid_at is not None
    assert Permit.objects.get(application=application).plate == "–"
