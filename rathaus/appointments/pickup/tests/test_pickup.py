"""Pick-up without a queue: ready one by one or by a list (all or nothing), the citizen's
choice of a 5-minute time or the post, staff's hand-over, retention and Art. 15/17."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from rathaus.accounts import roles
from rathaus.appointments.constants import RETENTION_DAYS, AppointmentStatus
from rathaus.appointments.models import Appointment
from rathaus.appointments.pickup.constants import PickupStatus
from rathaus.appointments.pickup.models import Pickup
from rathaus.appointments.pickup.selectors import pickup_times
from rathaus.appointments.pickup.services import (
    ImportInvalid,
    PickupRefused,
    ReadyDocument,
    pickup_book,
    pickup_hand_over,
    pickup_mark_ready,
    pickup_request_postal,
    pickup_token,
    pickups_erase,
    pickups_import,
)
from rathaus.appointments.services.jobs import jobs_run
from rathaus.appointments.tests.factories import NOW, ServiceFactory, at, office
from rathaus.core.models import OutboxMessage
from rathaus.core.privacy import privacy_erase, privacy_export

pytestmark = pytest.mark.django_db

CSV = """nummer;vorname;nachname;e-mail;standort;dokument;geburtsdatum
L01X00T471;Anna;Schmidt;anna@example.org;rathaus;personalausweis;01.05.1990
C4J8R9TZ1;Ben;Berg;ben@example.org;rathaus;reisepass;
"""


@pytest.fixture
def desk():
    o = office()
    pickup_service = ServiceFactory(slug="abholung", minutes=5, combination_group="pickup")
    pickup_service.locations.add(o.location)
    for counter in o.counters:
        counter.services.add(pickup_service)
    return o


def ready(o, number="L01X00T471", kind="personalausweis", born=date(1990, 5, 1)):
    return pickup_mark_ready(
        ReadyDocument(o.location, kind, number, "Anna", "Schmidt", "anna@example.org", born),
        now=NOW,
    )


def test_a_list_is_imported_whole_and_everyone_is_told(desk):
    imported = pickups_import(CSV, now=NOW)
    assert [p.status for p in imported] == [PickupStatus.READY] * 2
    assert imported[0].date_of_birth == date(1990, 5, 1) and imported[1].date_of_birth is None
    assert sorted(OutboxMessage.objects.values_list("to", flat=True)) == [
        "anna@example.org",
        "ben@example.org",
    ]


def test_a_list_with_one_bad_line_imports_nothing_and_names_every_line(desk):
    bad = CSV + (
        "X1;Cem;;cem@example;mars;fuehrerschein;31.02.2000\n"
        "L01X00T471;Anna;Schmidt;anna@example.org;rathaus;personalausweis;\n"
    )
    with pytest.raises(ImportInvalid) as invalid:
        pickups_import(bad, now=NOW)
    errors = invalid.value.errors
    assert errors[0].startswith("Zeile 4:")
    assert "nachname fehlt" in errors[0] and "unbekannter Standort" in errors[0]
    assert "unbekanntes Dokument" in errors[0] and "ungültige E-Mail" in errors[0]
    assert "Geburtsdatum" in errors[0]
    assert errors[1].startswith("Zeile 5:") and "doppelt (wie Zeile 2)" in errors[1]
    assert not Pickup.objects.exists() and not OutboxMessage.objects.exists()
    with pytest.raises(ImportInvalid) as missing:
        pickups_import("nummer;vorname\n1;A\n", now=NOW)
    assert missing.value.errors[0].startswith("Zeile 1: Spalte fehlt")


def test_the_citizen_books_a_five_minute_pick_up_time(desk):
    pickup = ready(desk)
    with pytest.raises(PickupRefused):
        ready(desk)  # the same document twice
    times = pickup_times(pickup, NOW)
    assert times and times[0].end - times[0].start == timedelta(minutes=5)
    pickup = pickup_book(pickup=pickup, start=at(8, 5), now=NOW)
    assert pickup.status == PickupStatus.BOOKED
    appointment = pickup.appointment
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert (appointment.start, appointment.end) == (at(8, 5), at(8, 10))
    with pytest.raises(PickupRefused):
        pickup_request_postal(pickup=pickup, address="Anna Schmidt\nWeg 1\n46236 Bottrop")
    # the appointment's data stays while the document waits
    late = at(8) + timedelta(days=RETENTION_DAYS + 1)
    assert jobs_run(now=late)["erased"] == 0
    pickup_hand_over(pickup=pickup, posted=False, now=at(8, 10))
    done = jobs_run(now=late)
    assert (done["erased"], done["pickups_erased"]) == (1, 1)
    assert pickups_erase(now=late) == 0
    pickup.refresh_from_db()
    assert pickup.status == PickupStatus.PICKED_UP and pickup.email == "" and pickup.erased_at


def test_postal_delivery_costs_15_euro_and_respects_the_minimum_age(desk):
    young = ready(desk, "P1", kind="reisepass", born=date(2010, 1, 1))
    with pytest.raises(PickupRefused) as refused:
        pickup_request_postal(pickup=young, address="A\nWeg 1\n46236 Bottrop", now=NOW)
    assert "18" in str(refused.value.message)
    id_card = ready(desk, "P2", kind="personalausweis", born=date(2010, 1, 1))
    posted = pickup_request_postal(pickup=id_card, address="A\nWeg 1\n46236 Bottrop", now=NOW)
    assert posted.status == PickupStatus.POSTAL and str(posted.postal_fee_eur) == "15.00"
    mail = OutboxMessage.objects.order_by("-pk").first()
    assert posted.reference in mail.text and "15" in mail.text
    with pytest.raises(PickupRefused):
        pickup_hand_over(pickup=young, posted=True, now=NOW)  # not requested
    pickup_hand_over(pickup=posted, posted=True, now=NOW)
    posted.refresh_from_db()
    assert posted.status == PickupStatus.POSTED


def test_citizen_pages_with_token_only(client, desk):
    pickup = ready(desk, born=None)
    page = reverse("pickup:detail", args=[pickup.reference, pickup_token(pickup)])
    with time_machine.travel(NOW, tick=False):
        assert (
            client.get(reverse("pickup:detail", args=[pickup.reference, "A" * 32])).status_code
            == 404
        )
        response = client.get(page)
        assert response.status_code == 200 and b"15" in response.content
        slot = reverse("pickup:slot", args=[pickup.reference, pickup_token(pickup)])
        start = int(at(9).timestamp())
        assert client.post(slot, {"slot-start": start}).status_code == 400  # date of birth missing
        response = client.post(slot, {"slot-start": start, "slot-date_of_birth": "01.05.1990"})
        assert response.status_code == 302
        assert response["Location"] == page  # on the form's own origin, not SITE_URL's
    pickup.refresh_from_db()
    assert pickup.status == PickupStatus.BOOKED and pickup.appointment.start == at(9)
    other = ready(desk, "P9")
    postal = reverse("pickup:postal", args=[other.reference, pickup_token(other)])
    address = {"post-street": "Weg 1", "post-postcode": "46236", "post-town": "Bottrop"}
    with time_machine.travel(NOW, tick=False):
        assert client.post(postal, address).status_code == 400  # the fee not accepted
        response = client.post(postal, {**address, "post-fee": "on"})
        assert response.status_code == 302 and response["Location"].startswith("/")
        page = client.get(reverse("pickup:detail", args=[other.reference, pickup_token(other)]))
    other.refresh_from_db()
    assert other.status == PickupStatus.POSTAL
    assert other.postal_address == "Anna Schmidt\nWeg 1\n46236 Bottrop"
    assert other.reference in page.content.decode()  # the payment reference


def test_staff_pages_need_the_citizen_office_role(client, desk, django_user_model, settings):
    settings.RATHAUS_STAFF_OTP_REQUIRED = False
    url = reverse("pickup_staff:list")
    assert client.get(url).status_code == 302  # to the login
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    clerk.groups.add(Group.objects.get_or_create(name=roles.CITIZEN_OFFICE_ADMIN)[0])
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("pickup_staff:ready"),
        {
            "location": desk.location.slug,
            "document_kind": "reisepass",
            "document_number": "C1",
            "given_name": "Ben",
            "family_name": "Berg",
            "email": "ben@example.org",
        },
    )
    assert response.status_code == 302
    pickup = Pickup.objects.get()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("liste.csv", (b"nummer;vorname\n1;A\n"))
    response = client.post(reverse("pickup_staff:import"), {"file": upload})
    assert response.status_code == 400 and "Zeile 1" in response.content.decode()
    upload = SimpleUploadedFile("liste.csv", CSV.encode())
    assert client.post(reverse("pickup_staff:import"), {"file": upload}).status_code == 302
    assert Pickup.objects.count() == 3
    client.post(reverse("pickup_staff:handed-over", args=[pickup.reference]))
    pickup.refresh_from_db()
    assert pickup.status == PickupStatus.PICKED_UP


def test_art_15_and_17(desk):
    waiting = ready(desk, "W1")
    done = ready(desk, "D1")
    pickup_hand_over(pickup=done, posted=False, now=NOW)
    export = privacy_export(email="anna@example.org", now=NOW).as_json()
    assert waiting.reference in export and done.reference in export
    result = privacy_erase(email="anna@example.org", now=NOW).by_app()["appointments_pickup"]
    assert result.erased == 1 and result.retained
    waiting.refresh_from_db()
    done.refresh_from_db()
    assert waiting.email and not done.email
    assert not Appointment.objects.exists()


def test_the_pages_speak_german(client, desk):
    pickup = ready(desk)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("pickup:detail", args=[pickup.reference, pickup_token(pickup)]))
    text = page.content.decode()
    assert "Abholzeit buchen" in text and "Postversand beantragen" in text
    mail = OutboxMessage.objects.get()
    assert "zur Abholung bereit" in mail.text
