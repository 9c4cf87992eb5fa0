"""The OpenAPI document is the exact truth about the API (issue 12): valid OpenAPI, a bearer
scheme for the token operations, an enum for `status`, every status code the API answers,
and times with the Berlin offset the documentation promises."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from openapi_spec_validator import validate

from rathaus.core.timezone import local_today
from rathaus.weddings.bootstrap import bottrop_data_load
from rathaus.weddings.constants import ReservationStatus

from .test_schemathesis import imhof_reservation

pytestmark = pytest.mark.django_db
BERLIN_OFFSET = re.compile(r"\+0[12]:00$")


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").json()


@pytest.fixture
def created(db):
    bottrop_data_load(today=local_today())
    return imhof_reservation()


def _operation(document, method, path):
    return document["paths"][f"/api/v1{path}"][method]


def test_the_document_is_valid_openapi(client, document):
    validate(document)

    def unique(pairs):  # a key twice is valid to json.loads, fatal to Swagger UI's parser
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=unique)


def test_the_token_operations_declare_the_bearer_scheme(document):
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for method, path in [
        ("get", "/reservations/{reference}"),
        ("post", "/reservations/{reference}/cancel"),
    ]:
        assert _operation(document, method, path)["security"] == [{"bearerAuth": []}]
    # the confirmation token may come in the body instead
    confirm = _operation(document, "post", "/reservations/{reference}/confirm")
    assert confirm["security"] == [{"bearerAuth": []}, {}]


def test_status_is_an_enum_of_the_reservation_states(document):
    assert document["components"]["schemas"]["ReservationStatus"]["enum"] == list(
        ReservationStatus.values
    )
    for name in ["ReservationOut", "ReservationCreatedOut", "StatusOut"]:
        status = document["components"]["schemas"][name]["properties"]["status"]
        assert status == {"$ref": "#/components/schemas/ReservationStatus"}


@pytest.mark.parametrize(
    ("method", "path", "codes"),
    [
        ("get", "/slots", {"200", "400", "422", "429"}),
        ("post", "/reservations", {"201", "400", "403", "409", "422", "429"}),
        ("get", "/reservations/{reference}", {"200", "404"}),
        ("post", "/reservations/{reference}/cancel", {"200", "404"}),
        ("post", "/reservations/{reference}/confirm", {"200", "400", "404", "409", "422"}),
        ("get", "/altcha/challenge", {"200", "404", "429"}),
        ("post", "/housing-benefit/calculate", {"200", "400", "422"}),
        ("get", "/appointments/slots", {"200", "400", "422", "429"}),
        ("post", "/appointments", {"201", "400", "403", "409", "422", "429"}),
        ("get", "/appointments/{reference}", {"200", "404", "422"}),
        ("post", "/appointments/{reference}/cancel", {"200", "404", "422"}),
    ],
)
def test_every_answer_the_api_gives_is_documented(document, method, path, codes):
    assert set(_operation(document, method, path)["responses"]) == codes


def test_times_come_with_the_berlin_offset(client, created):
    reservation = created.reservation
    answer = client.get(
        f"/api/v1/reservations/{reservation.reference}",
        HTTP_AUTHORIZATION=f"Bearer {created.manage_token}",
    ).json()
    for name in ["start", "end", "expires_at"]:
        assert BERLIN_OFFSET.search(answer[name]), (name, answer[name])
    first = local_today() + timedelta(days=40)
    query = {"from": first.isoformat(), "to": (first + timedelta(days=10)).isoformat()}
    for slot in client.get("/api/v1/slots", query).json()["slots"]:
        assert BERLIN_OFFSET.search(slot["start"]) and BERLIN_OFFSET.search(slot["end"])


def test_confirming_a_cancelled_reservation_is_409(client, created):
    reference = created.reservation.reference
    cancel = client.post(
        f"/api/v1/reservations/{reference}/cancel",
        HTTP_AUTHORIZATION=f"Bearer {created.manage_token}",
    )
    assert cancel.json() == {"status": "cancelled"}

    confirm = client.post(
        f"/api/v1/reservations/{reference}/confirm",
        {"token": created.confirm_token},
        content_type="application/json",
    )

    assert confirm.status_code == 409
    assert "cancel" in confirm.json()["detail"] or "storn" in confirm.json()["detail"]


def test_confirming_twice_stays_200(client, created):
    reference = created.reservation.reference
    for _ in range(2):
        confirm = client.post(
            f"/api/v1/reservations/{reference}/confirm",
            {"token": created.confirm_token},
            content_type="application/json",
        )
        assert (confirm.status_code, confirm.json()) == (200, {"status": "reserved"})


@pytest.mark.usefixtures("rate_window_start")
def test_every_429_declares_retry_after_and_a_live_one_conforms(client, document, settings):
    limited = [
        operation
        for operations in document["paths"].values()
        for operation in operations.values()
        if "429" in operation["responses"]
    ]
    # weddings: slots, reservations, altcha; appointments: slots, create; parking: three reads
    assert len(limited) == 8
    for operation in limited:
        assert operation["responses"]["429"]["headers"]["Retry-After"]["required"] is True
    settings.RATHAUS_RATE_LIMIT_READ_IP = "1/1m"
    query = {"from": "2030-01-01", "to": "2030-01-02"}
    client.get("/api/v1/slots", query)

    refused = client.get("/api/v1/slots", query)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert set(refused.json()) == {"detail"}


def test_appointment_status_is_an_enum_of_the_appointment_states(document):
    from rathaus.appointments.constants import AppointmentStatus

    schemas = document["components"]["schemas"]
    assert schemas["AppointmentStatus"]["enum"] == list(AppointmentStatus.values)
    for name in ["AppointmentOut", "AppointmentCreatedOut", "AppointmentStatusOut"]:
        status = schemas[name]["properties"]["status"]
        assert status == {"$ref": "#/components/schemas/AppointmentStatus"}
