"""Changes by the holder: refund maths, IBAN check, temporary permits, reprint, cancellation,
move out on a register import, charges matched from the bank statement, the jobs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from rathaus.core.jobs import jobs_registered
from rathaus.core.timezone import BERLIN
from rathaus.parking_permits import selectors
from rathaus.parking_permits.constants import EndReason, FeeKind, PaymentSource, PermitKind
from rathaus.parking_permits.models import Charge, FeeRule, Payment, Permit, Refund
from rathaus.parking_permits.refund_rules import (
    IbanInvalid,
    iban_normalize,
    months_not_begun,
    period_months,
    refund_figure,
)
from rathaus.parking_permits.services.changes import (
    ChangeRejected,
    move_out_clear,
    permit_cancel,
    permit_reprint,
    permits_ended,
    refund_paid,
    refunds_account_erase,
    temporary_end,
    temporary_issue,
)
from rathaus.parking_permits.services.charges import (
    ChargeRejected,
    charge_bill,
    charge_payment_record,
)
from rathaus.parking_permits.services.office import register_import
from rathaus.parking_permits.services.payments import payment_record, statement_import
from rathaus.parking_permits.signing import code_verify

from . import factories as f
from .camt_sample import entry, statement

IBAN = "DE89 3704 0044 0532 0130 00"
FEE = Decimal("30.70")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


# --- Refund maths (pure) ----------------------------------------------------------------------


def _refund(valid_from: date, valid_until: date, ends: date, fee: Decimal = FEE) -> Decimal:
    return refund_figure(fee=fee, valid_from=valid_from, valid_until=valid_until, ends=ends).amount


def test_refund_counts_whole_months_not_begun_and_rounds_down():
    start, end = date(2027, 3, 15), date(2028, 3, 14)
    assert period_months(start, end) == 12
    assert _refund(start, end, start) == FEE  # given back on the first day: everything
    # 10 May: the month from 15 April has begun; 15 May … 15 February are left (10)
    assert months_not_begun(start, end, date(2027, 5, 10)) == 10
    assert _refund(start, end, date(2027, 5, 10)) == Decimal("25.58")  # 25.5833 rounded down
    assert _refund(start, end, date(2027, 5, 15)) == Decimal("25.58")  # 15 May is not used
    assert _refund(start, end, date(2027, 5, 16)) == Decimal("23.02")  # 9 of 12: 23.025
    assert _refund(start, end, date(2028, 2, 15)) == Decimal("2.55")  # the last month, whole
    assert _refund(start, end, date(2028, 2, 16)) == Decimal("0.00")  # less than one month
    assert _refund(start, end, date(2028, 3, 14)) == Decimal("0.00")


def test_refund_of_a_two_year_permit():
    start, end = date(2027, 3, 15), date(2029, 3, 14)
    assert period_months(start, end) == 24
    assert _refund(start, end, date(2028, 3, 15), Decimal("60.70")) == Decimal("30.35")
    assert _refund(start, end, date(2028, 3, 16), Decimal("60.70")) == Decimal("27.82")  # 11/24


def test_refund_at_month_ends_and_in_a_leap_year():
    # From 31 January the months begin 28 Feb, 31 Mar, 30 Apr … (the day clamps to the month)
    start, end = date(2027, 1, 31), date(2028, 1, 30)
    assert period_months(start, end) == 12
    assert months_not_begun(start, end, date(2027, 2, 28)) == 11
    assert months_not_begun(start, end, date(2027, 3, 1)) == 10
    # A permit issued on 29 February 2028 runs until 27 February 2029 (one year less a day)
    start, end = date(2028, 2, 29), date(2029, 2, 27)
    assert period_months(start, end) == 12
    assert _refund(start, end, start) == FEE
    assert months_not_begun(start, end, date(2028, 3, 1)) == 11
    assert _refund(start, end, date(2028, 3, 1)) == Decimal("28.14")  # 28.1416…
    assert months_not_begun(start, end, date(2029, 1, 29)) == 1
    assert months_not_begun(start, end, date(2029, 1, 30)) == 0


# --- IBAN -------------------------------------------------------------------------------------


def test_iban_is_checked_by_mod_97_with_a_clear_reason():
    assert iban_normalize(" de89 3704 0044 0532 0130 00 ") == "DE89370400440532013000"
    assert iban_normalize("AT611904300234573201") == "AT611904300234573201"
    with translation.override("de"):
        for text, words in [
            ("DE89 3704 0044 0532 0130 01", "Prüfziffer"),
            ("DE89 3704 0044 0532 0130", "22 Zeichen"),
            ("US12 3456 7890", "SEPA"),
            ("12345", "Ländercode"),
            ("", "IBAN"),
        ]:
            with pytest.raises(IbanInvalid) as error:
                iban_normalize(text)
            assert words in error.value.message, (text, error.value.message)
    with pytest.raises(IbanInvalid):
        iban_normalize("DE98370400440532013000")  # two digits swapped


# --- An issued permit -------------------------------------------------------------------------


def _issue(now: datetime = f.NOW, **kwargs) -> Permit:
    f.resident(given=kwargs.get("given", "Erika"))
    f.vehicle(plate=kwargs.get("plate", "BOT-EM 42"), given=kwargs.get("given", "Erika"))
    with time_machine.travel(now, tick=False):
        application = f.submit(now=now, **kwargs)
        payment_record(
            application=application,
            amount=application.amount,
            source=PaymentSource.COUNTER,
            booked_on=now.date(),
            actor=None,
            now=now,
        )
    permit = selectors.permit_for_application(application)
    assert permit is not None
    return permit


@pytest.fixture
def permit(db) -> Permit:
    return _issue()


def _fee(kind: str, amount: str) -> FeeRule:
    return FeeRule.objects.create(
        kind=kind, amount=Decimal(amount), valid_from=date(2027, 1, 1), basis="test"
    )


# --- Temporary permit -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_temporary_permit_is_issued_at_once_inside_the_parent(
    permit, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        temporary = temporary_issue(
            permit=permit,
            plate="BOT-R 1",
            starts=date(2027, 3, 12),
            days=14,
            reason="repair",
            now=f.NOW,
        )
    assert temporary.kind == PermitKind.TEMPORARY and temporary.parent == permit
    assert temporary.application == permit.application and temporary.number != permit.number
    assert (temporary.valid_from, temporary.valid_until) == (date(2027, 3, 12), date(2027, 3, 25))
    key = selectors.signing_key_active()
    claims = code_verify(temporary.code, public_key=key.public_key)
    assert claims.plate == "BOT-R 1" and claims.valid_until == date(2027, 3, 25)
    assert not Charge.objects.exists()  # the fee is assumed 0.00: nothing billed
    [sent] = mail.outbox
    assert temporary.number in sent.subject and sent.attachments[0][0].endswith(".pdf")
    check = selectors.permit_code_check(temporary.code, on=date(2027, 3, 20))
    assert check.valid_today


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("plate", "starts", "days", "field"),
    [
        ("BOT-R 1", date(2027, 3, 10), 29, "days"),  # above the limit of 28
        ("BOT-R 1", date(2027, 3, 10), 0, "days"),
        ("BOT-R 1", date(2027, 3, 9), 3, "starts"),  # yesterday
        ("BOT-R 1", date(2028, 3, 1), 10, "days"),  # past the end of the parent (9 March 2028)
        ("BOT-EM 42", date(2027, 3, 10), 3, "plate"),  # the permit's own plate
    ],
)
def test_temporary_permit_limits(permit, plate, starts, days, field):
    with pytest.raises(ChangeRejected) as error:
        temporary_issue(
            permit=permit, plate=plate, starts=starts, days=days, reason="rental", now=f.NOW
        )
    assert error.value.field == field


@pytest.mark.django_db
def test_one_temporary_permit_at_a_time_ended_early_by_the_holder(permit, settings):
    settings.PARKING_TEMPORARY_MAX_DAYS = 10
    first = temporary_issue(
        permit=permit,
        plate="BOT-R 1",
        starts=date(2027, 3, 10),
        days=10,
        reason="rental",
        now=f.NOW,
    )
    with pytest.raises(ChangeRejected):
        temporary_issue(
            permit=permit,
            plate="BOT-R 2",
            starts=date(2027, 3, 20),
            days=1,
            reason="rental",
            now=f.NOW,
        )
    with pytest.raises(ChangeRejected):  # the setting is the limit
        temporary_end(temporary=first, now=f.NOW)
        temporary_issue(
            permit=permit,
            plate="BOT-R 2",
            starts=date(2027, 3, 11),
            days=11,
            reason="rental",
            now=f.NOW,
        )
    first.refresh_from_db()
    assert first.revoked_at == f.NOW and first.end_reason == EndReason.CANCELLED
    second = temporary_issue(
        permit=permit,
        plate="BOT-R 2",
        starts=date(2027, 3, 11),
        days=10,
        reason="rental",
        now=f.NOW,
    )
    assert second.valid_until == date(2027, 3, 20)


@pytest.mark.django_db
def test_a_temporary_fee_above_zero_is_billed_with_a_girocode(
    permit, django_capture_on_commit_callbacks
):
    _fee(FeeKind.TEMPORARY, "10.20")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        temporary = temporary_issue(
            permit=permit,
            plate="BOT-R 1",
            starts=date(2027, 3, 10),
            days=3,
            reason="repair",
            now=f.NOW,
        )
    [charge] = Charge.objects.all()
    assert charge.permit == temporary and charge.amount == Decimal("10.20")
    assert charge.kind == FeeKind.TEMPORARY and charge.due_on == date(2027, 3, 24)
    assert charge.remittance.startswith("BP-2027-") and len(charge.remittance) == 15
    bill = mail.outbox[-1]
    assert charge.remittance in bill.body and "10,20 €" in bill.body
    html = bill.alternatives[0][0]
    assert f"cid:epc.{charge.remittance}@rathaus" in html


# --- Charges and the bank statement -----------------------------------------------------------


@pytest.mark.django_db
def test_a_charge_is_matched_from_the_camt_statement_even_with_a_typo(permit):
    charge = charge_bill(
        application=permit.application,
        permit=permit,
        kind=FeeKind.REPLACEMENT,
        amount=Decimal("10.20"),
        fee_rule=None,
        now=f.NOW,
    )
    other = charge_bill(
        application=permit.application,
        permit=permit,
        kind=FeeKind.VISITOR_DAY,
        amount=Decimal("3.00"),
        fee_rule=None,
        now=f.NOW,
    )
    typo = other.remittance[:-2] + other.remittance[-1] + other.remittance[-2]  # swapped
    content = statement(
        [
            entry(Decimal("10.20"), f"Ersatzausweis {charge.remittance}", ref="C1"),
            entry(Decimal("3.00"), typo.replace("-", " "), ref="C2"),
            entry(Decimal("10.20"), charge.remittance, ref="C3"),  # paid twice: listed
        ]
    )
    result = statement_import(content=content, actor=None, now=f.NOW)
    assert result.run.matched == 2 and len(result.unmatched) == 1
    charge.refresh_from_db()
    other.refresh_from_db()
    assert charge.paid_at == f.NOW and other.paid_at == f.NOW
    assert Payment.objects.get(bank_reference="C1").charge == charge
    assert Payment.objects.get(bank_reference="C2").charge == other
    again = statement_import(content=content, actor=None, now=f.NOW)  # the same file again
    assert again.run.matched == 0 and Payment.objects.filter(charge__isnull=False).count() == 2


@pytest.mark.django_db
def test_a_charge_at_the_counter_once_and_exactly(permit):
    charge = charge_bill(
        application=permit.application,
        permit=permit,
        kind=FeeKind.REPLACEMENT,
        amount=Decimal("10.20"),
        fee_rule=None,
        now=f.NOW,
    )
    with pytest.raises(ChargeRejected):
        charge_payment_record(
            charge=charge,
            amount=Decimal("10.00"),
            source=PaymentSource.COUNTER,
            booked_on=date(2027, 3, 10),
            actor=None,
            now=f.NOW,
        )
    charge_payment_record(
        charge=charge,
        amount=charge.amount,
        source=PaymentSource.COUNTER,
        booked_on=date(2027, 3, 10),
        actor=None,
        now=f.NOW,
    )
    with pytest.raises(ChargeRejected):
        charge_payment_record(
            charge=charge,
            amount=charge.amount,
            source=PaymentSource.COUNTER,
            booked_on=date(2027, 3, 10),
            actor=None,
            now=f.NOW,
        )
    assert not selectors.charges_open().exists()
    with pytest.raises(ChargeRejected):
        charge_bill(
            application=permit.application,
            permit=permit,
            kind=FeeKind.REPLACEMENT,
            amount=Decimal("0.00"),
            fee_rule=None,
            now=f.NOW,
        )


# --- Reprint ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_lost_permit_is_revoked_at_once_and_replaced(permit, django_capture_on_commit_callbacks):
    temporary = temporary_issue(
        permit=permit, plate="BOT-R 1", starts=date(2027, 3, 10), days=5, reason="repair", now=f.NOW
    )
    later = f.NOW + timedelta(days=30)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = permit_reprint(permit=permit, damaged=False, now=later)
    permit.refresh_from_db()
    assert permit.revoked_at == later and permit.end_reason == EndReason.LOST
    assert not selectors.permit_code_check(permit.code, on=date(2027, 4, 9)).valid_today
    assert new.replaces == permit and new.number != permit.number and new.code != permit.code
    assert (new.plate, new.zone, new.valid_from, new.valid_until, new.amount) == (
        permit.plate,
        permit.zone,
        permit.valid_from,
        permit.valid_until,
        permit.amount,
    )
    assert selectors.permit_code_check(new.code, on=date(2027, 4, 9)).valid_today
    assert selectors.permit_for_application(permit.application) == new
    temporary.refresh_from_db()
    assert temporary.parent == new and temporary.revoked_at is None
    [charge] = Charge.objects.all()
    assert charge.kind == FeeKind.REPLACEMENT and charge.amount == Decimal("10.20")
    assert charge.permit == new
    subjects = [m.subject for m in mail.outbox]
    assert any(new.number in s for s in subjects) and any(charge.remittance in s for s in subjects)
    with pytest.raises(ChangeRejected):  # the old one cannot be reprinted again
        permit_reprint(permit=permit, damaged=True, now=later)


# --- Cancellation, refund, the job ------------------------------------------------------------


@pytest.mark.django_db
def test_cancel_today_revokes_at_once_and_opens_the_refund(permit):
    now = at(2027, 5, 10, 9, 0)
    refund = permit_cancel(
        permit=permit, ends=date(2027, 5, 10), moved_out=False, account_holder="Erika Muster",
        iban=IBAN, now=now,
    )  # fmt: skip
    permit.refresh_from_db()
    assert permit.revoked_at == now and permit.end_reason == EndReason.CANCELLED
    # from 10 March: 10 April has begun, 10 May begins today → 10 of 12 months left
    assert refund.amount == Decimal("25.58") and refund.iban == "DE89370400440532013000"
    assert refund.status == "open"
    with pytest.raises(ChangeRejected):
        permit_cancel(
            permit=permit, ends=date(2027, 5, 10), moved_out=False, account_holder="E",
            iban=IBAN, now=now,
        )  # fmt: skip


@pytest.mark.django_db
def test_cancel_needs_a_valid_iban_only_when_there_is_money(permit):
    with pytest.raises(ChangeRejected) as error:
        permit_cancel(
            permit=permit, ends=date(2027, 5, 10), moved_out=False, account_holder="Erika",
            iban="DE00 1234", now=at(2027, 5, 10, 9, 0),
        )  # fmt: skip
    assert error.value.field == "iban"
    assert permit_cancel(
        permit=permit, ends=date(2028, 3, 1), moved_out=False, account_holder="", iban="",
        now=at(2028, 2, 20, 9, 0),
    ) is None  # fmt: skip
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_cancel_for_a_later_day_is_ended_by_the_job_on_that_day(permit):
    temporary = temporary_issue(
        permit=permit, plate="BOT-R 1", starts=date(2027, 3, 28), days=5, reason="repair",
        now=f.NOW,
    )  # fmt: skip
    permit_cancel(
        permit=permit, ends=date(2027, 3, 29), moved_out=False, account_holder="Erika Muster",
        iban=IBAN, now=f.NOW,
    )  # fmt: skip
    permit.refresh_from_db()
    assert permit.revoked_at is None and permit.ends_on == date(2027, 3, 29)
    # the clocks go forward in the night to 28 March 2027: the day still counts in Berlin
    assert permits_ended(now=at(2027, 3, 28, 23, 59)) == 0
    assert selectors.permit_code_check(permit.code, on=date(2027, 3, 28)).valid_today
    # on the end day a check says "not valid" even before the job has run
    assert not selectors.permit_code_check(permit.code, on=date(2027, 3, 29)).valid_today
    assert permit not in selectors.permits_valid_on(date(2027, 3, 29))
    assert permit in selectors.permits_valid_on(date(2027, 3, 28))
    first_minute = at(2027, 3, 29, 0, 1)  # 22:01 UTC the day before
    assert permits_ended(now=first_minute) == 1
    assert permits_ended(now=first_minute) == 0  # idempotent
    permit.refresh_from_db()
    temporary.refresh_from_db()
    assert permit.revoked_at == first_minute and permit.end_reason == EndReason.CANCELLED
    assert temporary.revoked_at == first_minute  # the temporary permit ends with it


# --- Moving out -------------------------------------------------------------------------------

HEADER = "family_name;given_name;birth_date;street;house_number;residence\n"


def _import(rows: str, now: datetime, capture=None):
    with time_machine.travel(now, tick=False):
        if capture is None:
            return register_import(register="residents", content=HEADER + rows, actor=None, now=now)
        with capture(execute=True):  # the e-mail leaves inside the travel (due at `now`)
            return register_import(register="residents", content=HEADER + rows, actor=None, now=now)


@pytest.mark.django_db
def test_a_register_import_flags_holders_who_left_and_the_job_ends_after_notice(
    permit, django_capture_on_commit_callbacks
):
    staying = _issue(given="Max", plate="BOT-MX 7", email="max@example.org")
    mail.outbox.clear()
    rows = (
        "Muster;Erika;1985-04-30;Gladbecker Straße;200;main\n"  # moved away
        "Muster;Max;1985-04-30;Osterfelder Str.;15;main\n"  # still in the zone
    )
    imported = at(2027, 12, 10, 11, 0)
    run = _import(rows, imported, django_capture_on_commit_callbacks)
    assert run.flagged == 1
    permit.refresh_from_db()
    staying.refresh_from_db()
    assert permit.move_out_flagged_at == imported and permit.ends_on == date(2028, 1, 7)
    assert staying.move_out_flagged_at is None and staying.ends_on is None
    [sent] = mail.outbox
    assert sent.to == ["erika@example.org"] and "07.01.2028" in sent.body
    assert list(selectors.permits_move_out_flagged()) == [permit]
    assert _import(rows, imported + timedelta(days=1)).flagged == 0  # not flagged twice
    # across New Year: ends on 7 January at midnight in Berlin
    assert permits_ended(now=at(2028, 1, 6, 23, 59)) == 0
    assert permits_ended(now=at(2028, 1, 7, 0, 0, 30)) == 1
    assert permits_ended(now=at(2028, 1, 7, 0, 5)) == 0
    permit.refresh_from_db()
    assert permit.end_reason == EndReason.MOVED_OUT and permit.revoked_at is not None
    # the unused months are refunded afterwards: those from 10 January and 10 February
    refund = permit_cancel(
        permit=permit, ends=date(2028, 1, 7), moved_out=True, account_holder="Erika Muster",
        iban=IBAN, now=at(2028, 1, 8, 10, 0),
    )  # fmt: skip
    assert refund.amount == Decimal("5.11")  # 30.70 × 2 / 12 = 5.1166…


@pytest.mark.django_db
def test_a_flag_across_the_change_to_summer_time_and_clearing_it(permit, settings):
    settings.PARKING_MOVE_OUT_NOTICE_DAYS = 14
    _import("Muster;Erika;1985-04-30;Gladbecker Straße;200;main\n", at(2027, 3, 15, 10, 0))
    permit.refresh_from_db()
    assert permit.ends_on == date(2027, 3, 29)
    assert permits_ended(now=at(2027, 3, 28, 23, 30)) == 0
    assert permits_ended(now=at(2027, 3, 29, 0, 0, 30)) == 1
    other = _issue(given="Max", plate="BOT-MX 7", email="max@example.org")
    _import("Muster;Erika;1985-04-30;Gladbecker Straße;200;main\n", at(2027, 4, 1, 10, 0))
    other.refresh_from_db()
    assert other.move_out_flagged_at is not None
    move_out_clear(permit=other, actor=None, now=at(2027, 4, 2, 10, 0))
    other.refresh_from_db()
    assert other.move_out_flagged_at is None and other.ends_on is None and other.end_reason == ""
    assert permits_ended(now=at(2027, 6, 1, 10, 0)) == 0


@pytest.mark.django_db
def test_a_secondary_residence_does_not_keep_a_main_residence_permit(permit):
    _import("Muster;Erika;1985-04-30;Osterfelder Straße;15;secondary\n", at(2027, 4, 1, 10, 0))
    permit.refresh_from_db()
    assert (permit.move_out_flagged_at is not None) == (permit.zone.residence == "main")


@pytest.mark.django_db
def test_the_holder_reports_a_move_out_for_a_later_day(permit):
    refund = permit_cancel(
        permit=permit, ends=date(2027, 7, 1), moved_out=True, account_holder="Erika Muster",
        iban=IBAN, now=f.NOW,
    )  # fmt: skip
    permit.refresh_from_db()
    assert permit.ends_on == date(2027, 7, 1) and permit.end_reason == EndReason.MOVED_OUT
    assert refund.amount == Decimal("20.46")  # 10 July … 10 February: 8 of 12 → 20.4666…
    assert permits_ended(now=at(2027, 7, 1, 8, 0)) == 1
    permit.refresh_from_db()
    assert permit.end_reason == EndReason.MOVED_OUT


# --- Refunds paid out, accounts erased, the jobs ---------------------------------------------


@pytest.mark.django_db
def test_a_paid_refund_loses_its_account_after_30_days(permit):
    refund = permit_cancel(
        permit=permit, ends=date(2027, 3, 10), moved_out=False, account_holder="Erika Muster",
        iban=IBAN, now=f.NOW,
    )  # fmt: skip
    assert refund.amount == FEE
    refund_paid(refund=refund, actor=None, now=at(2027, 3, 20, 10, 0))
    refund_paid(refund=refund, actor=None, now=at(2027, 3, 21, 10, 0))  # once
    refund.refresh_from_db()
    assert refund.status == "paid" and refund.paid_at == at(2027, 3, 20, 10, 0)
    assert refunds_account_erase(now=at(2027, 4, 18, 10, 0)) == 0
    assert refunds_account_erase(now=at(2027, 4, 20, 10, 0)) == 1
    assert refunds_account_erase(now=at(2027, 4, 20, 10, 0)) == 0
    refund.refresh_from_db()
    assert refund.iban == "" and refund.account_holder == "–"


def test_the_jobs_are_registered():
    assert {"parking_permits_ended", "parking_refund_accounts_erase"} <= set(jobs_registered())


@pytest.mark.django_db
def test_erasing_the_holder_erases_the_refund_account(permit):
    from rathaus.parking_permits.services.applications import application_personal_data_erase

    refund = permit_cancel(
        permit=permit, ends=date(2027, 3, 10), moved_out=False, account_holder="Erika Muster",
        iban=IBAN, now=f.NOW,
    )  # fmt: skip
    application_personal_data_erase(application=permit.application, actor=None, now=f.NOW)
    refund.refresh_from_db()
    assert refund.iban == "" and refund.account_holder == "–" and refund.amount == FEE


def _pdf_text(content: bytes) -> bytes:
    import base64
    import re
    import zlib

    streams = re.findall(
        rb"/ASCII85Decode /FlateDecode \].*?stream\r?\n(.*?)endstream", content, re.S
    )
    return b"".join(zlib.decompress(base64.a85decode(s.strip(), adobe=True)) for s in streams)


@pytest.mark.django_db
def test_the_temporary_pdf_is_marked(permit):
    from rathaus.parking_permits.pdf import permit_pdf
    from rathaus.parking_permits.services.permits import permit_sheet

    temporary = temporary_issue(
        permit=permit, plate="BOT-R 1", starts=date(2027, 3, 10), days=3, reason="repair", now=f.NOW
    )
    with translation.override("de"):
        marked = _pdf_text(permit_pdf(permit_sheet(temporary)))
        plain = _pdf_text(permit_pdf(permit_sheet(permit)))
    assert b"Vor\\374bergehend / Ersatzfahrzeug" in marked or b"Ersatzfahrzeug" in marked
    assert b"Ersatzfahrzeug" not in plain
