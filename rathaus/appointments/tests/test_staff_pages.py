"""The back office's pages: who may open them, the day plan, and every action through the
forms, with refusals shown in German."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure
from rathaus.appointments.constants import AppointmentStatus, Channel
from rathaus.appointments.models import Appointment, Fee
from rathaus.appointments.selectors import PersonNeed
from rathaus.appointments.services.booking import PersonDetails
from rathaus.appointments.services.staff import appointment_book_by_staff
from rathaus.audit.models import AuditEntry
from rathaus.scheduling.models import Closure, ExtraOpening

from .factories import MONDAY, NOW, at, office

pytestmark = pytest.mark.django_db

PASSPORT = [PersonNeed((("reisepass", 1),))]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _user(username, role):
    roles_ensure()
    user, _created = staff_user_ensure(
        username=username,
        password="Richtig-Geheim-2027",
        first_name="Bea",
        last_name="B",
        role=role,
    )
    return user


@pytest.fixture
def clerk():
    return _user("buergerbuero", roles.CITIZEN_OFFICE_ADMIN)


@pytest.fixture
def o():
    return office()


@pytest.fixture
def staff(client, clerk):
    client.force_login(clerk)
    return client


def booked(o, clerk, hour, given="Anna", email="anna@example.org"):
    return appointment_book_by_staff(
        location=o.location,
        needs=PASSPORT,
        start=at(hour),
        persons=[PersonDetails(given, "Schmidt", date(1990, 5, 1))],
        channel=Channel.PHONE,
        actor=clerk,
        email=email,
        phone="0151 123",
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def day_url(o, day=MONDAY):
    return reverse("appointments_staff:day") + f"?ort={o.location.slug}&tag={day.isoformat()}"


# --- access -----------------------------------------------------------------------------


def test_anonymous_goes_to_the_login_and_other_roles_are_refused(client, o):
    url = reverse("appointments_staff:day")
    assert client.get(url)["Location"].startswith("/login/?next=")
    client.force_login(_user("wohngeld", roles.HOUSING_BENEFIT_STAFF))
    assert client.get(url).status_code == 403
    assert client.post(reverse("appointments_staff:done", args=["BB-AAAAAA"])).status_code == 403


def test_the_domain_is_on_the_staff_start_page(staff, o):
    page = staff.get(reverse("staff:home")).content.decode()
    assert reverse("appointments_staff:home") in page
    assert staff.get(reverse("appointments_staff:home"))["Location"] == reverse(
        "appointments_staff:day"
    )


# --- the day plan ------------------------------------------------------------------------


def test_the_day_plan_shows_persons_services_channel_and_status(staff, clerk, o):
    first = booked(o, clerk, 9)
    first.urgent_reason = "travel"
    first.carried_over = {"wohngeld": "Anspruch wahrscheinlich"}
    first.save()
    counter = first.persons.get().counter
    counter.resource.weekly_rules.filter(weekday=0).update(note="Frau Kaya")
    response = staff.get(day_url(o))
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "09:00",
        "Anna Schmidt",
        o.passport.name,
        "Telefon",
        "Bestätigt",
        "travel",
        "Anspruch wahrscheinlich",
        "0151 123",
        first.reference,
        "Besetzung des Tages",
        "08:00–12:00 (Frau Kaya)",
    ):
        assert text in page, text
    assert "Nicht erschienen" not in page  # only after the start
    other_day = staff.get(day_url(o, MONDAY + timedelta(days=1))).content.decode()
    assert first.reference not in other_day
    other = next(c for c in o.counters if c != counter)
    by_counter = staff.get(day_url(o) + f"&schalter={other.pk}").content.decode()
    assert first.reference not in by_counter
    assert "Frau Kaya" not in by_counter


def test_the_day_plan_defaults_to_today_and_survives_a_bad_date(staff, o):
    assert staff.get(reverse("appointments_staff:day")).context["plan"].day == NOW.date()
    response = staff.get(reverse("appointments_staff:day") + "?tag=kaputt&ort=nirgends")
    assert response.status_code == 200 and response.context["plan"].day == NOW.date()


# --- actions -----------------------------------------------------------------------------


def test_done_and_no_show_from_the_day_plan(staff, clerk, o, frozen):
    first, second = booked(o, clerk, 9), booked(o, clerk, 10, given="Ben", email="")
    here = day_url(o)
    early = staff.post(
        reverse("appointments_staff:no-show", args=[first.reference]), {"next": here}, follow=True
    )
    assert messages_of(early) == [
        "Ein Nichterscheinen kann erst nach Beginn des Termins eingetragen werden."
    ]
    frozen.move_to(at(10, 5))
    staff.force_login(clerk)  # days later: a new staff session
    response = staff.post(
        reverse("appointments_staff:no-show", args=[first.reference]), {"next": here}
    )
    assert response.status_code == 303 and response["Location"] == here
    staff.post(reverse("appointments_staff:done", args=[second.reference]), {"next": here})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (AppointmentStatus.NO_SHOW, AppointmentStatus.DONE)


def test_cancel_needs_a_reason_and_tells_the_citizen(staff, clerk, o):
    first = booked(o, clerk, 9)
    url = reverse("appointments_staff:cancel", args=[first.reference])
    staff.post(url, {"reason": ""})
    first.refresh_from_db()
    assert first.is_active
    staff.post(url, {"reason": "Stromausfall"})
    first.refresh_from_db()
    assert first.status == AppointmentStatus.CANCELLED
    assert first.cancelled_reason == "Stromausfall"
    page = staff.get(reverse("appointments_staff:appointment", args=[first.reference]))
    assert "Stromausfall" in page.content.decode()


def test_move_shows_free_times_and_moves(staff, clerk, o):
    first = booked(o, clerk, 9)
    url = reverse("appointments_staff:move", args=[first.reference])
    page = staff.get(url)
    assert page.status_code == 200
    assert at(11).isoformat() in page.content.decode()
    response = staff.post(f"{url}?tag={MONDAY.isoformat()}", {"start": at(11).isoformat()})
    assert response.status_code == 303
    first.refresh_from_db()
    assert first.start == at(11) and first.ics_sequence == 1


def test_a_move_to_a_time_not_offered_is_not_made(staff, clerk, o):
    first = booked(o, clerk, 9)
    url = reverse("appointments_staff:move", args=[first.reference])
    response = staff.post(f"{url}?tag={MONDAY.isoformat()}", {"start": at(13).isoformat()})
    assert response.status_code == 200  # the form shows the choice as invalid
    first.refresh_from_db()
    assert first.start == at(9)


def test_book_for_a_caller_through_the_form(staff, o):
    query = f"?ort={o.location.slug}&tag={MONDAY.isoformat()}&kanal=phone"
    query += "&p1=reisepass&p2=reisepass"
    url = reverse("appointments_staff:book") + query
    page = staff.get(url)
    assert page.status_code == 200 and "30" in page.content.decode()  # 2 × 15 minutes
    data = {
        "start": at(9).isoformat(),
        "phone": "0204 1",
        "email": "",
        "given_1": "Anna",
        "family_1": "Schmidt",
        "born_1": "1990-05-01",
        "given_2": "Ben",
        "family_2": "Schmidt",
        "born_2": "2019-03-02",
    }
    response = staff.post(url, data)
    assert response.status_code == 303
    made = Appointment.objects.get()
    assert (made.channel, made.status, made.minutes) == ("phone", "confirmed", 30)
    assert response["Location"] == reverse("appointments_staff:appointment", args=[made.reference])


def test_book_refuses_services_that_do_not_combine(staff, o):
    query = f"?ort={o.location.slug}&tag={MONDAY.isoformat()}&kanal=walk_in"
    query += "&p1=reisepass&p1=beratung"
    page = staff.get(reverse("appointments_staff:book") + query)
    assert page.status_code == 200
    assert page.context["details"] is None
    assert page.context["needs_form"].non_field_errors()


# --- catalogue, location, counter --------------------------------------------------------


def _service_post(o, **changes):
    data = {
        "minutes": "15",
        "max_count": "1",
        "combination_group": "identity",
        "documents": "[]",
        "online": "on",
        "assumptions": "",
        "locations": [str(o.location.pk)],
    }
    return {**data, **changes}


def test_edit_a_service_and_read_its_history(staff, o):
    url = reverse("appointments_staff:service", args=["reisepass"])
    assert staff.get(url).status_code == 200
    response = staff.post(url, _service_post(o, minutes="20", assumptions="minutes"))
    assert response.status_code == 303
    o.passport.refresh_from_db()
    assert (o.passport.minutes, o.passport.assumptions) == (20, ["minutes"])
    page = staff.get(url).content.decode()
    assert "15 → 20" in page
    bad = staff.post(url, _service_post(o, documents="kein json", minutes="0"))
    assert bad.status_code == 200 and bad.context["form"].errors


def test_add_a_fee_but_never_in_the_past(staff, o):
    url = reverse("appointments_staff:fee-create", args=["reisepass"])
    staff.post(url, {"variant": "standard", "amount_eur": "75,00", "valid_from": "2020-01-01"})
    assert Fee.objects.filter(service=o.passport).count() == 1
    staff.post(url, {"variant": "standard", "amount_eur": "75.00", "valid_from": "2027-07-01"})
    assert Fee.objects.filter(service=o.passport).count() == 2
    coming = Fee.objects.get(service=o.passport, valid_from=date(2027, 7, 1))
    page = staff.get(reverse("appointments_staff:service", args=["reisepass"])).content.decode()
    assert reverse("appointments_staff:fee-delete", args=["reisepass", coming.pk]) in page
    old = Fee.objects.exclude(pk=coming.pk).get(service=o.passport)
    for fee in (old, coming):
        staff.post(reverse("appointments_staff:fee-delete", args=["reisepass", fee.pk]))
    assert list(Fee.objects.filter(service=o.passport)) == [old]  # history stays
    assert AuditEntry.objects.filter(code="appointments.fee_deleted").count() == 1


def test_edit_location_settings(staff, o):
    url = reverse("appointments_staff:location", args=[o.location.slug])
    assert staff.get(url).status_code == 200
    data = {
        "phone": "",
        "email": "",
        "horizon_days": "42",
        "online_booking": "on",
        "same_day_percent": "25",
        "same_day_opens": "07:00",
        "same_day_closes": "07:45",
        "same_day_urgent_percent": "50",
        "max_active_per_person": "2",
        "max_active_per_email": "3",
        "assumptions": "",
    }
    assert staff.post(url, data).status_code == 303
    o.location.refresh_from_db()
    assert o.location.same_day_percent == 25
    bad = staff.post(url, {**data, "same_day_closes": "06:00"})
    assert bad.status_code == 200


def test_counter_services_hours_and_absence(staff, clerk, o):
    counter = o.counters[0]
    url = reverse("appointments_staff:counter", args=[counter.pk])
    assert staff.get(url).status_code == 200
    staff.post(url, {"services": [str(o.passport.pk), str(o.id_card.pk)]})
    assert set(counter.services.all()) == {o.passport, o.id_card}
    staff.post(
        reverse("appointments_staff:hours-create", args=[counter.pk]),
        {
            "neu-weekday": "5",
            "neu-start_time": "09:00",
            "neu-end_time": "12:00",
            "neu-staff": "Frau Kaya",
        },
    )
    rule = counter.resource.weekly_rules.get(weekday=5)
    assert rule.note == "Frau Kaya"
    staff.post(
        reverse("appointments_staff:hours-change", args=[counter.pk, rule.pk]),
        {
            f"r{rule.pk}-weekday": "5",
            f"r{rule.pk}-start_time": "09:00",
            f"r{rule.pk}-end_time": "13:00",
            f"r{rule.pk}-staff": "Herr Nowak",
        },
    )
    rule.refresh_from_db()
    assert (rule.end_time.hour, rule.note) == (13, "Herr Nowak")
    staff.post(reverse("appointments_staff:hours-delete", args=[counter.pk, rule.pk]))
    assert not counter.resource.weekly_rules.filter(weekday=5).exists()
    closure = {"start": "2027-06-08T08:00", "end": "2027-06-08T12:00", "reason": "Urlaub"}
    staff.post(reverse("appointments_staff:counter-closure", args=[counter.pk]), closure)
    made = Closure.objects.get(resource=counter.resource)
    staff.post(reverse("appointments_staff:closure-delete", args=[counter.pk, made.pk]))
    assert not Closure.objects.exists()
    assert AuditEntry.objects.filter(code__startswith="scheduling.").count() >= 5


def test_refusals_are_shown_in_german(staff, clerk, o):
    first = booked(o, clerk, 9)
    counter = first.persons.get().counter
    closure = {"start": "2027-06-07T08:00", "end": "2027-06-07T12:00", "reason": "krank"}
    response = staff.post(
        reverse("appointments_staff:counter-closure", args=[counter.pk]), closure, follow=True
    )
    assert messages_of(response) == [
        "1 Reservierung fällt in diese Zeit. Bitte verlegen oder stornieren Sie sie zuerst."
    ]
    rule = counter.resource.weekly_rules.get(weekday=0)
    response = staff.post(
        reverse("appointments_staff:hours-delete", args=[counter.pk, rule.pk]), follow=True
    )
    assert counter.resource.weekly_rules.filter(pk=rule.pk).exists()
    assert messages_of(response) == [
        "Gebuchte Termine, die außerhalb der Zeiten lägen: 1. "
        "Bitte verlegen oder sagen Sie sie zuerst ab."
    ]


def test_location_closure_and_extra_saturday_through_the_forms(staff, o):
    url = reverse("appointments_staff:location-closure", args=[o.location.slug])
    staff.post(url, {"start": "2027-06-08T08:00", "end": "2027-06-08T12:00", "reason": "Ausflug"})
    assert Closure.objects.count() == 2
    url = reverse("appointments_staff:location-opening", args=[o.location.slug])
    staff.post(
        url,
        {
            "date": "2027-06-12",
            "start_time": "10:00",
            "end_time": "13:00",
            "note": "Bürgersamstag",
            "counters": [str(o.counters[0].pk)],
        },
    )
    opening = ExtraOpening.objects.get()
    staff.post(reverse("appointments_staff:opening-delete", args=[o.counters[0].pk, opening.pk]))
    assert not ExtraOpening.objects.exists()


def test_unknown_objects_are_404(staff, o):
    for url in (
        reverse("appointments_staff:appointment", args=["BB-NICHTS"]),
        reverse("appointments_staff:service", args=["gibtsnicht"]),
        reverse("appointments_staff:location", args=["nirgends"]),
        reverse("appointments_staff:counter", args=[999999]),
    ):
        assert staff.get(url).status_code == 404, url


def test_every_back_office_page_renders(staff, clerk, o):
    first = booked(o, clerk, 9)
    for url in (
        reverse("appointments_staff:day"),
        reverse("appointments_staff:book"),
        reverse("appointments_staff:appointment", args=[first.reference]),
        reverse("appointments_staff:move", args=[first.reference]),
        reverse("appointments_staff:services"),
        reverse("appointments_staff:locations"),
    ):
        assert staff.get(url).status_code == 200, url


def test_book_counts_a_service_several_times(staff, o):
    from .factories import ServiceFactory

    copies = ServiceFactory(slug="beglaubigung", minutes=5, max_count=10)
    copies.locations.add(o.location)
    for counter in o.counters:
        counter.services.add(copies)
    query = f"?ort={o.location.slug}&tag={MONDAY.isoformat()}&kanal=walk_in"
    url = reverse("appointments_staff:book") + query + "&p1=beglaubigung&p1_beglaubigung=3"
    page = staff.get(url)
    assert page.context["plan"].minutes == 15
    data = {
        "start": at(9).isoformat(),
        "given_1": "Anna",
        "family_1": "Schmidt",
        "born_1": "1990-05-01",
        "phone": "",
        "email": "",
    }
    assert staff.post(url, data).status_code == 303
    made = Appointment.objects.get()
    assert (made.minutes, made.channel) == (15, "walk_in")
    request = made.persons.get().requests.get()
    assert request.count == 3
    too_many = staff.get(
        reverse("appointments_staff:book") + query + "&p1=beglaubigung&p1_beglaubigung=11"
    )
    assert too_many.context["details"] is None


def test_add_a_service_and_a_counter(staff, o):
    url = reverse("appointments_staff:services")
    data = {
        "slug": "fuehrerschein",
        "name_de": "Führerschein",
        "name_en": "Driving licence",
        "minutes": "10",
        "max_count": "1",
        "combination_group": "identity",
        "online": "on",
        "locations": [str(o.location.pk)],
    }
    response = staff.post(url, data)
    assert response.status_code == 303
    again = staff.post(url, data)
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert AuditEntry.objects.filter(code="appointments.service_created").count() == 1
    url = reverse("appointments_staff:counter-create", args=[o.location.slug])
    response = staff.post(
        url, {"schalter-name": "Schalter 9", "schalter-services": [str(o.passport.pk)]}
    )
    counter = o.location.counters.get(name="Schalter 9")
    assert response["Location"].startswith(reverse("appointments_staff:counter", args=[counter.pk]))
    assert list(counter.services.all()) == [o.passport]
    assert not counter.resource.weekly_rules.exists()  # bookable once hours are added
    staff.post(url, {"schalter-name": "Schalter 9"})
    assert o.location.counters.filter(name="Schalter 9").count() == 1
    assert AuditEntry.objects.filter(code="appointments.counter_created").count() == 1
