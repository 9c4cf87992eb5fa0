"""The appointments API contract (issue 14, item 11), exactly."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
import time_machine

from rathaus.appointments.constants import AppointmentStatus
from rathaus.appointments.models import Appointment
from rathaus.protection.testing import protection_off, rate_limits_off  # noqa: F401

from .factories import MONDAY, NOW, at, office

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("protection_off", "rate_limits_off")]

SLOTS = "/api/v1/appointments/slots"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def o():
    return office(counters=3)


def body(when, **extra):
    return {
        "location": "rathaus",
        "start": when.isoformat(),
        "services": [{"service": "personalausweis", "count": 1}, {"service": "reisepass"}],
        "person": {"given_name": "Anna", "family_name": "Schmidt", "date_of_birth": "1990-05-01"},
        "email": "anna@example.org",
        "language": "de",
        **extra,
    }


def post(client, payload, **headers):
    return client.post(
        "/api/v1/appointments",
        data=json.dumps(payload) if not isinstance(payload, str) else payload,
        content_type="application/json",
        **headers,
    )


def test_services_and_locations(client, o):
    services = client.get("/api/v1/appointments/services").json()
    card = next(s for s in services if s["slug"] == "personalausweis")
    assert card == {
        "slug": "personalausweis",
        "name": o.id_card.name_de,
        "minutes": 20,
        "fee_eur": 46.0,  # the adult fee since 7 Feb 2026
        "locations": ["rathaus"],
        "online": True,
    }
    assert client.get("/api/v1/appointments/locations").json() == [
        {"slug": "rathaus", "name": o.location.name_de, "address": o.location.address}
    ]


def test_slots_are_sorted_aware_long_enough_and_count_free_counters(client, o):
    day = MONDAY.isoformat()
    answer = client.get(SLOTS, {"location": "rathaus", "from": day, "to": day,
                                "services": "personalausweis:2,reisepass:1"})  # fmt: skip
    assert answer.status_code == 200
    slots = answer.json()["slots"]
    starts = [datetime.fromisoformat(s["start"]) for s in slots]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(s["start"].endswith("+02:00") and s["location"] == "rathaus" for s in slots)
    for slot in slots:
        length = datetime.fromisoformat(slot["end"]) - datetime.fromisoformat(slot["start"])
        assert length >= timedelta(minutes=2 * 20 + 15)
    assert {s["free"] for s in slots} == {3}
    assert starts[0] == at(8)


@pytest.mark.parametrize(
    "params",
    [
        {"location": "nirgendwo"},
        {"services": "gibtsnicht:1"},
        {"services": "personalausweis:x"},
        {"from": "2027-06-10", "to": "2027-06-09"},
        {"from": "2027-06-01", "to": "2027-09-01"},  # 93 days
        {"from": "07.06.2027"},
    ],
)
def test_slots_refuse_bad_input_with_400_and_a_detail(client, o, params):
    query = {"location": "rathaus", "from": "2027-06-07", "to": "2027-06-07",
             "services": "reisepass:1", **params}  # fmt: skip
    answer = client.get(SLOTS, query, HTTP_ACCEPT_LANGUAGE="de")
    assert answer.status_code == 400
    assert isinstance(answer.json()["detail"], str) and answer.json()["detail"]


def test_92_days_are_allowed(client, o):
    query = {"location": "rathaus", "from": "2027-06-01", "to": "2027-08-31",
             "services": "reisepass:1"}  # fmt: skip
    assert client.get(SLOTS, query).status_code == 200


def test_exactly_free_bookings_of_one_start_succeed_then_409(client, o):
    start = at(9)
    day = MONDAY.isoformat()
    free = next(
        s["free"]
        for s in client.get(SLOTS, {"location": "rathaus", "from": day, "to": day,
                                    "services": "personalausweis:1,reisepass:1"}).json()["slots"]
        if datetime.fromisoformat(s["start"]) == start
    )  # fmt: skip
    assert free == 3
    created = []
    for n in range(free + 1):
        person = {"given_name": f"P{n}", "family_name": "X", "date_of_birth": "1980-01-01"}
        created.append(post(client, body(start, person=person, email=f"p{n}@example.org")))
    assert [r.status_code for r in created] == [201, 201, 201, 409]
    first = created[0].json()
    assert set(first) == {"reference", "token", "status", "start", "end"}
    assert first["status"] == "pending"
    assert datetime.fromisoformat(first["start"]) == start
    assert datetime.fromisoformat(first["end"]) == start + timedelta(minutes=35)
    assert "detail" in created[-1].json()


def test_a_token_never_opens_another_appointment(client, o):
    a = post(client, body(at(9))).json()
    b_person = {"given_name": "Ben", "family_name": "B", "date_of_birth": "1970-01-01"}
    b = post(client, body(at(10), person=b_person, email="ben@example.org")).json()
    for method, suffix in (("get", ""), ("post", "/cancel")):
        url = f"/api/v1/appointments/{b['reference']}{suffix}"
        answer = getattr(client, method)(url, HTTP_AUTHORIZATION=f"Bearer {a['token']}")
        assert answer.status_code == 404
        assert "Ben" not in answer.content.decode()
    assert Appointment.objects.get(reference=b["reference"]).status == AppointmentStatus.PENDING


def test_get_and_cancel_with_the_bearer_token_only(client, o):
    created = post(client, body(at(10))).json()
    reference, token = created["reference"], created["token"]
    url = f"/api/v1/appointments/{reference}"
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_AUTHORIZATION="Bearer " + token[:-1] + "A").status_code == 404
    assert (
        client.get(
            "/api/v1/appointments/BB-AAAAAA", HTTP_AUTHORIZATION=f"Bearer {token}"
        ).status_code
        == 404
    )
    detail = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert detail.status_code == 200 and detail.json()["status"] == "pending"
    assert client.post(f"{url}/cancel").status_code == 404
    cancelled = client.post(f"{url}/cancel", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert cancelled.status_code == 200 and cancelled.json() == {"status": "cancelled"}
    again = client.post(f"{url}/cancel", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert again.json() == {"status": "cancelled"}
    assert Appointment.objects.get(reference=reference).status == AppointmentStatus.CANCELLED


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        "[]",
        {},
        body(at(9), location=5),
        body(at(9), start="morgen"),
        body(at(9), services=[]),
        body(at(9), services=[{"service": "reisepass", "count": 0}]),
        body(at(9), services=[{"service": "reisepass", "count": "2"}]),
        body(at(9), services=[{"service": "unbekannt"}]),
        body(at(9), person={"given_name": "A"}),
        body(at(9), person={"given_name": "A", "family_name": "B", "date_of_birth": "01.01.1990"}),
        body(at(9), email="keine-adresse"),
        body(at(9), language="fr"),
        body(at(9), location="nirgendwo"),
        body(at(7)),  # before opening
        body(at(9, 3)),  # off the grid
        body(datetime(2027, 5, 1, 9).astimezone()),  # in the past
        body(at(9), person={"given_name": "A", "family_name": "B", "date_of_birth": "2030-01-01"}),
    ],
)
def test_every_invalid_body_gets_a_german_4xx_never_a_5xx(client, o, payload):
    answer = post(client, payload, HTTP_ACCEPT_LANGUAGE="de")
    assert 400 <= answer.status_code < 500, answer.content
    detail = answer.json()["detail"]
    assert isinstance(detail, str) and detail
    assert not Appointment.objects.exclude(status=AppointmentStatus.LAPSED).exists()


def test_the_per_person_limit_is_a_4xx_with_a_reason(client, o):
    o.location.max_active_per_person = 1
    o.location.save()
    assert post(client, body(at(9))).status_code == 201
    second = post(client, body(at(10), email="other@example.org"))
    assert second.status_code == 400 and "aktive" in second.json()["detail"].lower()


def test_the_contract_is_in_the_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/appointments"]["post"]["responses"]) >= {"201", "400", "409"}
    assert "requestBody" in paths["/api/v1/appointments"]["post"]
    for path in ("/api/v1/appointments/services", "/api/v1/appointments/locations",
                 "/api/v1/appointments/slots", "/api/v1/appointments/{reference}",
                 "/api/v1/appointments/{reference}/cancel"):  # fmt: skip
        assert path in paths


def test_a_date_of_birth_in_the_future_is_refused(client, o):
    future = (date(2027, 6, 8)).isoformat()
    person = {"given_name": "A", "family_name": "B", "date_of_birth": future}
    assert post(client, body(at(9), person=person)).status_code == 400
