"""The holder's renewal, new plate and automatic renewal through HTTP, under the status link."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine

from rathaus.core.timezone import local_datetime
from rathaus.parking_permits.constants import ApplicationKind, FeeKind, Status
from rathaus.parking_permits.links import status_path
from rathaus.parking_permits.models import Application, Permit

from . import factories as f

pytestmark = pytest.mark.django_db


def _issue(application: Application) -> Permit:
    f.paid(application)
    return Permit.objects.get(application=application)


@pytest.fixture
def holder():
    """Erika's permit, valid 2027-03-10 – 2028-03-09; her status link."""
    f.resident()
    f.vehicle()
    application = f.submit()
    permit = _issue(application)
    return application, permit, status_path(application)


def travel(day: date, hour: int = 10):
    return time_machine.travel(local_datetime(day, time(hour)), tick=False)


def test_the_status_page_offers_renewal_in_the_window_and_a_new_plate_always(client, holder):
    _application, _permit, path = holder
    with travel(date(2027, 9, 1)):
        page = client.get(path).content.decode()
        assert "Ab 27.01.2028 können Sie verlängern" in page
        assert path + "kennzeichen/" in page and path + "automatisch/" in page
        assert 'action="' + path + 'verlaengern/"' not in page
    with travel(date(2028, 2, 1)):
        page = client.get(path).content.decode()
        assert 'action="' + path + 'verlaengern/"' in page
        assert "10.03.2028" in page  # the new permit starts the day after
        assert "60.70 €" in page and "30.70 €" in page


def test_renew_with_one_click_and_a_second_click_shows_the_same(client, holder):
    _application, permit, path = holder
    with travel(date(2028, 2, 1)):
        page = client.get(path + "verlaengern/")  # the reminder's link changes nothing
        assert (
            page.status_code == 200
            and not Application.objects.filter(previous_permit=permit).exists()
        )
        response = client.post(path + "verlaengern/", {"fee_kind": FeeKind.PERMIT_1Y})
        assert response.status_code == 303
        renewal = Application.objects.get(previous_permit=permit)
        assert renewal.kind == ApplicationKind.RENEWAL and renewal.status == Status.APPROVED
        assert response["Location"] == status_path(renewal)
        again = client.post(path + "verlaengern/", {"fee_kind": FeeKind.PERMIT_2Y})
        assert again.status_code == 303 and again["Location"] == status_path(renewal)
        assert Application.objects.filter(previous_permit=permit).count() == 1
        new_page = client.get(status_path(renewal)).content.decode()
        assert "svg" in new_page and renewal.remittance in new_page  # the GiroCode
        assert permit.number in new_page
        old_page = client.get(path).content.decode()
        assert status_path(renewal) in old_page  # the old page links to the renewal


def test_renewal_too_early_and_after_expiry(client, holder):
    _application, permit, path = holder
    with travel(date(2027, 9, 1)):
        response = client.post(path + "verlaengern/", {"fee_kind": FeeKind.PERMIT_1Y})
        assert response.status_code == 409
        assert "Ab 27.01.2028" in response.content.decode()
    with travel(date(2028, 3, 10)):
        response = client.get(path + "verlaengern/")
        assert "neuen Ausweis" in response.content.decode()
        page = client.get(path).content.decode()
        assert "abgelaufen" in page and "/parkausweis/antrag/" in page
        assert not Application.objects.filter(previous_permit=permit).exists()


def test_a_new_plate_with_the_exact_plate_check(client, holder):
    _application, permit, path = holder
    f.vehicle(plate="BOT-A 1")
    with travel(date(2027, 9, 1)):
        assert client.get(path + "kennzeichen/").status_code == 200
        invalid = client.post(path + "kennzeichen/", {"plate": "XX"})
        assert invalid.status_code == 422
        ambiguous = client.post(path + "kennzeichen/", {"plate": "BOTA1"})
        assert ambiguous.status_code == 422
        body = ambiguous.content.decode()
        assert 'value="BO-TA 1"' in body and 'value="BOT-A 1"' in body
        same = client.post(path + "kennzeichen/", {"plate": "BOT-EM 42"})
        assert same.status_code == 409
        chosen = client.post(path + "kennzeichen/", {"plate": "BOTA1", "plate_choice": "BOT-A 1"})
        assert chosen.status_code == 303
        change = Application.objects.get(previous_permit=permit)
        assert change.kind == ApplicationKind.PLATE_CHANGE and change.plate == "BOT-A 1"
        assert change.status == Status.APPROVED and str(change.amount) == "10.20"
        page = client.get(status_path(change)).content.decode()
        assert "BOT-A 1" in page and "BOT-EM 42" in page


def test_automatic_renewal_on_and_off(client, holder):
    _application, permit, path = holder
    with travel(date(2027, 9, 1)):
        assert client.get(path + "automatisch/").status_code == 405
        response = client.post(path + "automatisch/", {"state": "on"})
        assert response.status_code == 303
        permit.refresh_from_db()
        assert permit.auto_renew
        assert "Automatische Verlängerung ist eingeschaltet" in client.get(path).content.decode()
        client.post(path + "automatisch/", {"state": "off"})
        permit.refresh_from_db()
        assert not permit.auto_renew


def test_the_new_pages_need_the_status_token(client, holder):
    application, permit, path = holder
    other = f.submit(given="Max", email="max@example.org")
    token = path.rstrip("/").rsplit("/", 1)[1]
    with travel(date(2028, 2, 1)):
        for suffix in ("verlaengern/", "kennzeichen/", "automatisch/"):
            wrong = f"/parkausweis/antrag/{application.reference}/{'A' * 32}/{suffix}"
            assert client.post(wrong, {"state": "on", "fee_kind": "permit_1y"}).status_code == 404
            foreign = f"/parkausweis/antrag/{other.reference}/{token}/{suffix}"
            assert client.post(foreign, {"state": "on"}).status_code == 404
            # an application without an issued permit has nothing to renew or change
            assert client.post(status_path(other) + suffix, {"state": "on"}).status_code == 404
    permit.refresh_from_db()
    assert not permit.auto_renew
    assert not Application.objects.filter(previous_permit__isnull=False).exists()


def test_the_office_sees_a_renewal_that_goes_to_review_and_its_permit(client, holder):
    from django.contrib.auth.models import Group, User
    from django.urls import reverse

    from rathaus.accounts import roles
    from rathaus.accounts.services import roles_ensure
    from rathaus.parking_permits.models import RegisteredVehicle

    _application, permit, path = holder
    RegisteredVehicle.objects.all().delete()  # the car was sold: the renewal needs a person
    with travel(date(2028, 2, 1)):
        client.post(path + "verlaengern/", {"fee_kind": FeeKind.PERMIT_1Y})
    renewal = Application.objects.get(previous_permit=permit)
    assert renewal.status == Status.REVIEW and renewal.reasons == ["vehicle_unknown"]
    roles_ensure()
    user = User.objects.create_user("parken", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PARKING_OFFICE))
    client.force_login(user)
    page = client.get(reverse("parking_staff:application", args=[renewal.reference]))
    assert f"Verlängerung des Ausweises {permit.number}" in page.content.decode()
