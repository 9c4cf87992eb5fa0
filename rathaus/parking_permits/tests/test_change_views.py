"""The holder's change pages by the secret link, and the office's pages of charges, refunds
and permits flagged as moved out."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.urls import reverse

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure
from rathaus.audit.models import AuditEntry
from rathaus.parking_permits import selectors
from rathaus.parking_permits.constants import EndReason, FeeKind, PaymentSource, PermitKind
from rathaus.parking_permits.links import status_path
from rathaus.parking_permits.models import Charge, Permit, Refund
from rathaus.parking_permits.services.changes import permit_cancel
from rathaus.parking_permits.services.charges import charge_bill
from rathaus.parking_permits.services.office import register_import
from rathaus.parking_permits.services.payments import payment_record

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(f.NOW, tick=False):
        yield


@pytest.fixture
def permit() -> Permit:
    f.resident()
    f.vehicle()
    application = f.submit()
    payment_record(
        application=application,
        amount=application.amount,
        source=PaymentSource.COUNTER,
        booked_on=f.NOW.date(),
        actor=None,
        now=f.NOW,
    )
    found = selectors.permit_for_application(application)
    assert found is not None
    return found


@pytest.fixture
def office(client):
    roles_ensure()
    user = User.objects.create_user("parken", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PARKING_OFFICE))
    client.force_login(user)
    return user


def _status(permit: Permit) -> str:
    return status_path(permit.application)


def test_the_status_page_offers_the_changes(client, permit):
    page = client.get(_status(permit)).content.decode()
    for name in ("temporary", "lost", "cancel"):
        url = reverse(f"parking_permits:{name}", args=_status(permit).strip("/").split("/")[-2:])
        assert url in page


def test_a_replacement_car_from_the_status_page(client, permit):
    url = _status(permit) + "ersatzfahrzeug/"
    assert client.get(url).status_code == 200
    data = {"plate": "BOTA1", "starts": "2027-03-11", "days": "5", "reason": "repair"}
    response = client.post(url, data)
    assert response.status_code == 422  # BO-TA 1 or BOT-A 1: the holder chooses
    assert 'value="BOT-A 1"' in response.content.decode()
    response = client.post(url, {**data, "days": "40", "plate_choice": "BOT-A 1"})
    assert response.status_code == 422 and "28" in response.content.decode()
    response = client.post(url, {**data, "plate_choice": "BOT-A 1"})
    assert response.status_code == 303 and response["Location"] == _status(permit)
    temporary = Permit.objects.get(kind=PermitKind.TEMPORARY)
    assert temporary.plate == "BOT-A 1" and temporary.valid_until == date(2027, 3, 15)
    page = client.get(_status(permit)).content.decode()
    pdf_url = _status(permit) + f"ausweis/{temporary.number}.pdf"
    assert temporary.number in page and pdf_url in page
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(url).status_code == 200  # says there is one already, no form
    response = client.post(url, {**data, "plate": "BOT-R 2"})
    assert Permit.objects.filter(kind=PermitKind.TEMPORARY).count() == 1
    end = client.post(_status(permit) + f"ersatzfahrzeug/{temporary.number}/beenden/")
    assert end.status_code == 303
    temporary.refresh_from_db()
    assert temporary.revoked_at is not None
    assert client.get(pdf_url).status_code == 404


def test_a_lost_permit_from_the_status_page(client, permit):
    url = _status(permit) + "verloren/"
    assert client.post(url, {"what": "lost"}).status_code == 422  # the confirmation
    response = client.post(url, {"what": "lost", "confirm": "on"})
    assert response.status_code == 303
    permit.refresh_from_db()
    assert permit.end_reason == EndReason.LOST
    new = selectors.permit_for_application(permit.application)
    assert new.replaces == permit
    page = client.get(_status(permit)).content.decode()
    assert new.number in page and "10,20" in page  # the replacement fee with its reference
    charge = Charge.objects.get()
    assert charge.remittance in page and "epc-qr" in page
    pdf = client.get(_status(permit) + "ausweis.pdf")
    assert pdf.status_code == 200


def test_cancel_shows_the_refund_and_checks_the_iban(client, permit):
    url = _status(permit) + "rueckgabe/"
    page = client.get(url).content.decode()
    assert "30,70" in page  # the first day: 12 of 12 months
    page = client.get(url + "?ends=2027-05-20").content.decode()
    assert "23,02" in page and "9" in page  # 10 June … 10 February
    data = {"reason": "cancel", "ends": "2027-05-20", "account_holder": "Erika Muster"}
    response = client.post(url, {**data, "iban": "DE89 3704 0044 0532 0130 01"})
    assert response.status_code == 422
    assert "Prüfziffer" in response.content.decode()
    response = client.post(url, {**data, "iban": "DE89 3704 0044 0532 0130 00"})
    assert response.status_code == 303
    refund = Refund.objects.get()
    assert refund.amount == Decimal("23.02")
    permit.refresh_from_db()
    assert permit.ends_on == date(2027, 5, 20) and permit.end_reason == EndReason.CANCELLED
    page = client.get(_status(permit)).content.decode()
    assert "23,02" in page and "DE89 … 3000" in page and "DE89370400440532013000" not in page
    assert client.get(url).status_code == 404  # cancelled once


def test_change_links_need_their_own_token(client, permit):
    other = f.submit(given="Max", email="max@example.org")
    token = _status(permit).rstrip("/").rsplit("/", 1)[1]
    blocked = (404, 405)  # 405: a POST-only address asked with GET, or the other way
    for suffix in (
        "ersatzfahrzeug/",
        "verloren/",
        "rueckgabe/",
        f"ausweis/{permit.number}.pdf",
        f"ersatzfahrzeug/{permit.number}/beenden/",
    ):
        theirs = f"/parkausweis/antrag/{other.reference}/{token}/{suffix}"
        made_up = f"/parkausweis/antrag/{permit.application.reference}/{'A' * 32}/{suffix}"
        for url in (theirs, made_up):
            assert client.get(url).status_code in blocked, url
            assert client.post(url).status_code in blocked, url
    assert client.get(_status(permit) + f"ausweis/{permit.number}.pdf").status_code == 200
    # a permit of another application through one's own link
    stranger = Permit.objects.create(
        number="BOT-ZZZZZZ",
        application=other,
        zone=permit.zone,
        plate="BOT-ZZ 1",
        valid_from=permit.valid_from,
        valid_until=permit.valid_until,
        amount=permit.amount,
        key_id=permit.key_id,
        code="x",
        issued_at=f.NOW,
    )
    assert client.get(_status(permit) + f"ausweis/{stranger.number}.pdf").status_code == 404


def test_office_lists_open_and_overdue_charges_and_takes_a_counter_payment(client, office, permit):
    charge = charge_bill(
        application=permit.application,
        permit=permit,
        kind=FeeKind.REPLACEMENT,
        amount=Decimal("10.20"),
        fee_rule=None,
        now=f.NOW - timedelta(days=20),
    )
    page = client.get(reverse("parking_staff:charges")).content.decode()
    assert charge.remittance in page and "überfällig" in page
    response = client.post(
        reverse("parking_staff:charge-pay", args=[charge.pk]), {"booked_on": "2027-03-10"}
    )
    assert response.status_code == 302
    charge.refresh_from_db()
    assert charge.paid_at is not None and charge.payments.get().recorded_by == office
    assert charge.remittance not in client.get(reverse("parking_staff:charges")).content.decode()


def test_office_exports_refunds_and_marks_them_paid(client, office, permit):
    refund = permit_cancel(
        permit=permit,
        ends=date(2027, 3, 10),
        moved_out=False,
        account_holder="Erika Muster",
        iban="DE89370400440532013000",
        now=f.NOW,
    )
    page = client.get(reverse("parking_staff:refunds")).content.decode()
    assert "30,70" in page and "DE89370400440532013000" in page
    csv = client.get(reverse("parking_staff:refunds-csv"))
    lines = csv.content.decode().splitlines()
    assert lines[0] == "name;iban;amount;currency;remittance;end_to_end_id"
    assert lines[1].startswith("Erika Muster;DE89370400440532013000;30.70;EUR;")
    assert client.post(reverse("parking_staff:refund-paid", args=[refund.pk])).status_code == 302
    refund.refresh_from_db()
    assert refund.status == "paid" and refund.paid_by == office
    assert AuditEntry.objects.filter(code="parking.refund.paid", actor=office).exists()
    assert len(client.get(reverse("parking_staff:refunds-csv")).content.decode().splitlines()) == 1


def test_office_clears_a_move_out_flag_or_ends_the_permit(client, office, permit):
    content = "family_name;given_name;birth_date;street;house_number;residence\n"
    register_import(register="residents", content=content, actor=office, now=f.NOW)
    permit.refresh_from_db()
    assert permit.move_out_flagged_at is not None
    page = client.get(reverse("parking_staff:move-outs")).content.decode()
    assert permit.number in page
    client.post(reverse("parking_staff:move-out-clear", args=[permit.number]))
    permit.refresh_from_db()
    assert permit.move_out_flagged_at is None and permit.ends_on is None
    assert (
        client.post(reverse("parking_staff:move-out-end", args=[permit.number])).status_code == 404
    )
    register_import(register="residents", content=content, actor=office, now=f.NOW)
    client.post(reverse("parking_staff:move-out-end", args=[permit.number]))
    permit.refresh_from_db()
    assert permit.revoked_at is not None and permit.end_reason == EndReason.MOVED_OUT
    status = client.get(_status(permit)).content.decode()
    assert "rueckgabe/" in status  # the refund of the unused months can still be asked for


def test_office_sees_every_permit_and_charge_and_a_revocation_ends_the_temporary(
    client, office, permit
):
    from rathaus.parking_permits.services.changes import permit_reprint, temporary_issue

    temporary = temporary_issue(
        permit=permit, plate="BOT-R 1", starts=date(2027, 3, 10), days=3, reason="repair", now=f.NOW
    )
    new = permit_reprint(permit=permit, damaged=True, now=f.NOW)
    charge = Charge.objects.get()
    url = reverse("parking_staff:application", args=[permit.application.reference])
    page = client.get(url).content.decode()
    for text in (permit.number, new.number, temporary.number, charge.remittance):
        assert text in page
    client.post(reverse("parking_staff:revoke", args=[permit.application.reference]))
    new.refresh_from_db()
    temporary.refresh_from_db()
    assert new.end_reason == EndReason.REVOKED
    assert temporary.revoked_at is not None and temporary.end_reason == EndReason.REVOKED
