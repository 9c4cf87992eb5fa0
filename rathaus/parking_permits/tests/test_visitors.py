"""Visitor day permits: bought on the resident permit's status link, bound to the visitor's
plate, signed, billed afterwards, capped per calendar year (Berlin), cancellable before the
first day."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure
from rathaus.audit.models import AuditEntry
from rathaus.parking_permits import selectors
from rathaus.parking_permits.constants import EndReason, FeeKind, PermitKind
from rathaus.parking_permits.links import status_path
from rathaus.parking_permits.models import Charge, Permit, Zone
from rathaus.parking_permits.services.visitors import (
    VisitorRejected,
    visitor_pdf,
    visitor_permit_buy,
    visitor_permit_cancel,
)
from rathaus.parking_permits.signing import code_verify

from . import factories as f

pytestmark = pytest.mark.django_db

BERLIN = timezone.get_default_timezone()
FEE = Decimal("3.00")


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def holder(django_capture_on_commit_callbacks):
    """Erika's application with a resident permit issued on f.NOW (valid 2027-03-10 to
    2028-03-09) in Osterfelder Straße, which sells visitor days at 3 € here."""
    f.resident()
    f.vehicle()
    application = f.submit()
    with django_capture_on_commit_callbacks(execute=True):
        f.paid(application)
    Zone.objects.filter(pk=application.zone_id).update(visitor_day_fee=FEE)
    application.refresh_from_db()
    mail.outbox.clear()
    return application


def buy(application, *, plate="E-VA 77", first=date(2027, 3, 12), days=2, now=f.NOW):
    return visitor_permit_buy(
        application=application, plate=plate, first_day=first, days=days, now=now
    )


def rejected(field, **kwargs):
    with pytest.raises(VisitorRejected) as error:
        buy(**kwargs)
    assert error.value.field == field, error.value.message
    return str(error.value.message)


def test_a_purchase_issues_a_signed_plate_bound_permit_and_bills_it(
    holder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        permit = buy(holder)
    resident = selectors.permit_for_application(holder)
    assert permit.kind == PermitKind.VISITOR and permit.parent == resident
    assert permit.application == holder and permit.zone == resident.zone
    assert (permit.plate, permit.valid_from, permit.valid_until) == (
        "E-VA 77",
        date(2027, 3, 12),
        date(2027, 3, 13),
    )
    assert permit.amount == Decimal("6.00") and permit.number != resident.number
    key = selectors.signing_key_get(permit.key_id)
    claims = code_verify(permit.code, public_key=key.public_key)
    assert (claims.number, claims.plate, claims.zone) == (
        permit.number,
        "E-VA 77",
        "osterfelder-strasse",
    )
    assert (claims.valid_from, claims.valid_until) == (date(2027, 3, 12), date(2027, 3, 13))
    assert selectors.permit_code_check(permit.code, on=date(2027, 3, 13)).valid_today
    assert not selectors.permit_code_check(permit.code, on=date(2027, 3, 14)).valid_today
    # the plate lookup of enforcement finds it on its days only
    assert permit in selectors.permits_for_plates(["E-VA 77"], date(2027, 3, 12))
    assert permit not in selectors.permits_for_plates(["E-VA 77"], date(2027, 3, 11))

    charge = Charge.objects.get(permit=permit)
    assert (charge.kind, charge.amount, charge.due_on, charge.paid_at) == (
        FeeKind.VISITOR_DAY,
        Decimal("6.00"),
        date(2027, 3, 24),
        None,
    )
    assert charge.application == holder
    assert re.fullmatch(r"BP-2027-[A-Z2-9]{4}-[A-Z2-9]{2}", charge.remittance)
    assert charge.remittance != holder.remittance

    (message,) = mail.outbox
    assert message.to == ["erika@example.org"] and permit.number in message.subject
    assert charge.remittance in message.body and "6.00" in message.body.replace(",", ".")
    name, content, _mimetype = message.attachments[0]
    assert name == f"Besuchertagesausweis-{permit.number}.pdf" and content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(code="parking.visitor.bought").count() == 1
    assert selectors.visitor_days_used(resident, 2027) == 2


def test_a_zone_without_a_visitor_fee_sells_none(holder):
    Zone.objects.filter(pk=holder.zone_id).update(visitor_day_fee=None)
    assert "keine Besuchertagesausweise" in rejected(None, application=holder)
    offer = selectors.visitor_offer(holder, f.NOW.date())
    assert offer.parent is None and not offer.can_buy
    assert not Permit.objects.filter(kind=PermitKind.VISITOR).exists()


def test_the_plate_must_be_exact_and_not_the_holders_own(holder):
    rejected("plate", application=holder, plate="EVA77")  # not canonical: the form resolves it
    rejected("plate", application=holder, plate="BOT-EM 42")


def test_no_past_day_and_one_to_seven_days(holder):
    rejected("first_day", application=holder, first=date(2027, 3, 9))
    rejected("days", application=holder, days=8)
    rejected("days", application=holder, days=0)
    assert buy(holder, first=date(2027, 3, 10), days=7).valid_until == date(2027, 3, 16)


def test_the_days_lie_within_the_resident_permit(holder):
    end = at(2028, 3, 7)
    with time_machine.travel(end, tick=False):
        message = rejected("days", application=holder, first=date(2028, 3, 7), days=4, now=end)
        assert "09.03.2028" in message
        assert buy(holder, first=date(2028, 3, 7), days=3, now=end).valid_until == date(2028, 3, 9)
    resident = selectors.permit_for_application(holder)
    Permit.objects.filter(pk=resident.pk).update(ends_on=date(2027, 3, 20))  # moved out
    rejected("days", application=holder, first=date(2027, 3, 19), days=3)
    Permit.objects.filter(pk=resident.pk).update(ends_on=None, revoked_at=f.NOW)
    rejected(None, application=holder)


def test_the_same_plate_twice_on_a_day_is_refused(holder):
    buy(holder, first=date(2027, 3, 12), days=3)
    rejected("first_day", application=holder, first=date(2027, 3, 14), days=1)
    buy(holder, plate="E-VB 78", first=date(2027, 3, 14), days=1)  # another visitor


def test_the_yearly_cap_counts_calendar_years_in_berlin(holder, settings):
    settings.PARKING_VISITOR_DAYS_PER_YEAR = 3
    resident = selectors.permit_for_application(holder)
    before = at(2027, 12, 30)
    buy(holder, plate="E-VA 1", first=date(2027, 12, 30), days=2, now=before)
    # across New Year: one day of 2027, one of 2028
    buy(holder, plate="E-VA 2", first=date(2027, 12, 31), days=2, now=before)
    assert selectors.visitor_days_remaining(resident, 2027) == 0
    assert selectors.visitor_days_remaining(resident, 2028) == 2
    message = rejected(
        "days", application=holder, plate="E-VA 3", first=date(2027, 12, 31), now=before
    )
    assert "0" in message and "2027" in message

    new_years_eve = datetime(2027, 12, 31, 22, 30, tzinfo=UTC)  # 23:30 in Bottrop
    with time_machine.travel(new_years_eve, tick=False):
        offer = selectors.visitor_offer(holder, timezone.localdate(new_years_eve))
        assert (offer.year, offer.remaining, offer.can_buy) == (2027, 0, False)
    new_year = datetime(2027, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January
    with time_machine.travel(new_year, tick=False):
        offer = selectors.visitor_offer(holder, timezone.localdate(new_year))
        assert (offer.year, offer.remaining, offer.can_buy) == (2028, 2, True)
        # 31 December is already the past in Bottrop, though not yet in UTC
        rejected(
            "first_day",
            application=holder,
            plate="E-VA 3",
            first=date(2027, 12, 31),
            days=1,
            now=new_year,
        )
        buy(holder, plate="E-VA 3", first=date(2028, 1, 1), days=2, now=new_year)
        rejected(
            "days", application=holder, plate="E-VA 4", first=date(2028, 1, 5), days=1, now=new_year
        )


def test_the_default_allowance_is_sixty_days():
    assert selectors.visitor_days_per_year() == 60


def test_an_overdue_charge_blocks_new_purchases_until_paid(holder):
    first = buy(holder)
    charge = Charge.objects.get(permit=first)
    due = at(2027, 3, 24)
    buy(holder, plate="E-VB 78", first=date(2027, 3, 24), days=1, now=due)  # due today: fine
    later = at(2027, 3, 25)
    message = rejected(
        None, application=holder, plate="E-VC 79", first=date(2027, 3, 26), now=later
    )
    assert "überfällig" in message
    offer = selectors.visitor_offer(holder, later.date())
    assert offer.overdue == [charge] and not offer.can_buy
    Charge.objects.filter(pk=charge.pk).update(paid_at=later)
    buy(holder, plate="E-VC 79", first=date(2027, 3, 26), days=1, now=later)


def test_the_holder_cancels_before_the_first_day(holder):
    permit = buy(holder, first=date(2027, 3, 12), days=2)
    resident = selectors.permit_for_application(holder)
    cancelled = visitor_permit_cancel(
        application=holder, permit=permit, now=at(2027, 3, 11, 23, 59)
    )
    assert cancelled.revoked_at is not None and cancelled.end_reason == EndReason.CANCELLED
    assert Charge.objects.get(permit=permit).amount == Decimal("0.00")
    assert selectors.permit_code_check(permit.code, on=date(2027, 3, 12)).revoked
    assert permit not in selectors.permits_for_plates(["E-VA 77"], date(2027, 3, 12))
    assert selectors.visitor_days_used(resident, 2027) == 0
    assert AuditEntry.objects.filter(code="parking.visitor.cancelled").count() == 1
    with pytest.raises(VisitorRejected):  # once is enough
        visitor_permit_cancel(application=holder, permit=permit, now=at(2027, 3, 11))

    started = buy(holder, first=date(2027, 3, 10), days=2)
    with pytest.raises(VisitorRejected):
        visitor_permit_cancel(application=holder, permit=started, now=f.NOW)
    paid = buy(holder, plate="E-VB 78", first=date(2027, 3, 20), days=1)
    Charge.objects.filter(permit=paid).update(paid_at=f.NOW)
    with pytest.raises(VisitorRejected) as error:
        visitor_permit_cancel(application=holder, permit=paid, now=f.NOW)
    assert "Bürgerbüro" in str(error.value.message)
    with pytest.raises(VisitorRejected):
        visitor_permit_cancel(application=holder, permit=resident, now=f.NOW)


def _pdftotext(content: bytes, tmp_path) -> str:
    path = tmp_path / "visitor.pdf"
    path.write_bytes(content)
    return subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
    ).stdout.decode()


def test_the_pdf_is_titled_as_a_visitor_permit_with_its_days(holder, tmp_path):
    permit = buy(holder)
    content = visitor_pdf(permit, "de")
    assert content.startswith(b"%PDF") and b"%%EOF" in content[-32:]
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    text = _pdftotext(content, tmp_path)
    resident = selectors.permit_for_application(holder)
    assert "Besuchertagesausweis" in text and "2 Tage" in text
    assert "E-VA 77" in text and permit.number in text and resident.number in text
    assert "12.03.2027" in text and "13.03.2027" in text
    english = _pdftotext(visitor_pdf(permit, "en"), tmp_path)
    assert "Visitor day permit" in english and "2 days" in english


# --- Through HTTP --------------------------------------------------------------------------------


def _paths(application, number=""):
    base = status_path(application)
    return (
        base,
        f"{base}besuch/",
        f"{base}besuch/{number}/ausweis.pdf",
        f"{base}besuch/{number}/stornieren/",
    )


@time_machine.travel(f.NOW, tick=False)
def test_the_holder_buys_on_the_status_page_choosing_an_ambiguous_plate(holder, client):
    status, buy_path, _pdf, _cancel = _paths(holder)
    page = client.get(status).content.decode()
    assert "Besuchertagesausweise" in page and buy_path in page
    assert "60 Besuchertage" in page
    form = client.get(buy_path)
    assert form.status_code == 200 and 'name="plate"' in form.content.decode()

    data = {"plate": "BOTA1", "first_day": "2027-03-11", "days": "2"}
    ambiguous = client.post(buy_path, data)
    assert ambiguous.status_code == 422
    assert "BO-TA 1" in ambiguous.content.decode() and "BOT-A 1" in ambiguous.content.decode()
    done = client.post(buy_path, {**data, "plate_choice": "BO-TA 1"})
    assert done.status_code == 302 and done["Location"].startswith(status)
    permit = Permit.objects.get(kind=PermitKind.VISITOR)
    assert permit.plate == "BO-TA 1" and permit.valid_until == date(2027, 3, 12)

    _s, _b, pdf_path, cancel_path = _paths(holder, permit.number)
    page = client.get(status).content.decode()
    assert permit.number in page and pdf_path in page and cancel_path in page
    assert "58 Besuchertage" in page
    pdf = client.get(pdf_path)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    past = client.post(buy_path, {"plate": "E-VA 77", "first_day": "2027-03-09", "days": "1"})
    assert past.status_code == 422 and "Vergangenheit" in past.content.decode()

    assert client.get(cancel_path).status_code == 200
    cancelled = client.post(cancel_path)
    assert cancelled.status_code == 302
    permit.refresh_from_db()
    assert permit.end_reason == EndReason.CANCELLED
    assert "storniert" in client.get(status).content.decode()


@time_machine.travel(f.NOW, tick=False)
def test_visitor_links_need_their_own_token(holder, client):
    permit = buy(holder)
    other = f.submit(given="Max", email="max@example.org")
    status, *_ = _paths(holder)
    token = status.rstrip("/").rsplit("/", 1)[1]
    for suffix in (
        "besuch/",
        f"besuch/{permit.number}/ausweis.pdf",
        f"besuch/{permit.number}/stornieren/",
    ):
        for path in (
            f"/parkausweis/antrag/{other.reference}/{token}/{suffix}",
            f"/parkausweis/antrag/{holder.reference}/{'A' * 32}/{suffix}",
        ):
            assert client.get(path).status_code == 404, path
            assert client.post(path).status_code in (404, 405), path
    # the other application's link does not open this visitor permit either
    other_status, *_ = _paths(other)
    assert client.get(f"{other_status}besuch/{permit.number}/ausweis.pdf").status_code == 404
    assert client.post(f"{other_status}besuch/{permit.number}/stornieren/").status_code == 404
    permit.refresh_from_db()
    assert permit.revoked_at is None
    # without a visitor fee or a permit there is nothing to buy
    assert client.get(f"{other_status}besuch/").status_code == 404


@time_machine.travel(f.NOW, tick=False)
def test_the_status_page_says_why_no_purchase_while_a_charge_is_overdue(holder, client):
    buy(holder)
    with time_machine.travel(at(2027, 3, 25), tick=False):
        status, buy_path, *_ = _paths(holder)
        page = client.get(status).content.decode()
        assert "überfällig" in page and f'href="{buy_path}"' not in page
        answer = client.post(buy_path, {"plate": "E-VB 78", "first_day": "2027-03-26", "days": "1"})
        assert answer.status_code == 422 and "überfällig" in answer.content.decode()


def test_staff_set_the_visitor_fee_and_grace_period_of_a_zone(client):
    roles_ensure()
    user = User.objects.create_user("parken", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PARKING_OFFICE))
    client.force_login(user)
    zone = Zone.objects.get(slug="osterfelder-strasse")
    assert zone.visitor_day_fee is None  # Bottrop publishes no visitor permits
    url = reverse("parking_staff:zone-edit", args=[zone.slug])
    form = client.get(url).content.decode()
    assert 'name="visitor_day_fee"' in form and 'name="grace_minutes"' in form
    data = {
        "name": zone.name,
        "spaces": zone.spaces,
        "residence": zone.residence,
        "garage_confirmation": "on",
        "display_required": "on",
        "hours": zone.hours,
        "hours_en": zone.hours_en,
        "grace_minutes": "10",
        "visitor_day_fee": "3",
        "active": "on",
    }
    assert client.post(url, data).status_code == 302
    zone.refresh_from_db()
    assert (zone.visitor_day_fee, zone.grace_minutes) == (Decimal("3.00"), 10)
    entry = AuditEntry.objects.filter(code="parking.zone.updated").latest("pk")
    changed = {change["field"]: change for change in entry.data["changes"]}
    assert (
        changed["visitor_day_fee"]["before"] is None
        and changed["visitor_day_fee"]["after"] == "3.00"
    )
    assert changed["grace_minutes"]["after"] == 10
    client.post(url, data)  # the same again changes nothing
    assert AuditEntry.objects.filter(code="parking.zone.updated").count() == 1
    client.post(url, {**data, "visitor_day_fee": ""})
    zone.refresh_from_db()
    assert zone.visitor_day_fee is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_purchases_at_once_cannot_overrun_the_allowance(settings):
    from django.apps import apps

    from rathaus.parking_permits.bootstrap import bottrop_parking_load
    from rathaus.scheduling.tests.concurrency import race, tally

    bottrop_parking_load(apps)  # emptied by earlier transactional tests
    f.resident()
    f.vehicle()
    application = f.submit()
    f.paid(application)
    Zone.objects.filter(pk=application.zone_id).update(visitor_day_fee=FEE)
    settings.PARKING_VISITOR_DAYS_PER_YEAR = 3

    def work(index, barrier):
        barrier.wait()
        return buy(application, plate=f"E-VA {index + 1}", days=2)

    outcomes = race(4, work)
    assert tally(outcomes) == {"ok": 1, "VisitorRejected": 3}
    resident = selectors.permit_for_application(application)
    assert selectors.visitor_days_used(resident, 2027) == 2


def test_the_visitors_plate_is_erased_thirty_days_after_the_last_day(holder, client):
    from rathaus.core.jobs import jobs_registered, jobs_run

    permit = buy(holder, first=date(2027, 3, 12), days=2)  # last day 13 March
    charge = Charge.objects.get(permit=permit)
    assert "parking_visitor_plates" in jobs_registered()
    assert jobs_run(now=at(2027, 4, 12), prefix="parking_visitor")["parking_visitor_plates"] == 0
    assert jobs_run(now=at(2027, 4, 13), prefix="parking_visitor")["parking_visitor_plates"] == 1
    assert jobs_run(now=at(2027, 4, 13), prefix="parking_visitor")["parking_visitor_plates"] == 0
    permit.refresh_from_db()
    assert (permit.plate, permit.code, permit.amount) == ("–", "", Decimal("6.00"))
    assert Charge.objects.get(pk=charge.pk).amount == Decimal("6.00")  # the accounts stay
    resident = selectors.permit_for_application(holder)
    assert resident.plate == "BOT-EM 42"  # the holder's own permit is not touched
    with time_machine.travel(at(2027, 4, 13), tick=False):
        _s, _b, pdf_path, _c = _paths(holder, permit.number)
        assert client.get(pdf_path).status_code == 404
        assert pdf_path not in client.get(_s).content.decode()


def test_access_request_lists_visitor_permits_and_erasure_drops_their_plates(holder):
    from rathaus.parking_permits import privacy

    permit = buy(holder)
    (section,) = privacy.personal_data_for_email("erika@example.org")
    text = str(section.records)
    assert permit.number in text and "E-VA 77" in text
    privacy.personal_data_erase_for_email("erika@example.org", actor=None, now=f.NOW)
    permit.refresh_from_db()
    assert permit.plate == "–" and permit.code == ""


def test_visitor_permits_do_not_count_as_residents_of_the_zone(holder):
    buy(holder, first=date(2027, 3, 10), days=1)
    loads = {load.zone.slug: load.permits for load in selectors.zones_load(date(2027, 3, 10))}
    assert loads["osterfelder-strasse"] == 1


def test_the_office_sees_the_visitor_permits_of_an_application(holder, client):
    roles_ensure()
    user = User.objects.create_user("parken", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PARKING_OFFICE))
    client.force_login(user)
    permit = buy(holder)
    charge = Charge.objects.get(permit=permit)
    page = client.get(reverse("parking_staff:application", args=[holder.reference]))
    body = page.content.decode()
    assert page.status_code == 200
    assert permit.number in body and "E-VA 77" in body and charge.remittance in body
