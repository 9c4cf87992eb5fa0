"""The API contract of issue 16, exactly: /api/v1/parking/zones, /precheck, /plates/check."""

from __future__ import annotations

from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


def test_zones_list_has_exactly_slug_name_and_streets(client):
    response = client.get("/api/v1/parking/zones")
    assert response.status_code == 200
    zones = response.json()
    assert [set(zone) for zone in zones] == [{"slug", "name", "streets"}] * len(zones)
    by_slug = {zone["slug"]: zone for zone in zones}
    assert by_slug["osterfelder-strasse"]["streets"] == ["Osterfelder Straße"]
    assert by_slug["brauerstrasse"]["streets"] == ["Brauerstraße"]


@pytest.mark.parametrize(
    ("street", "number", "zone"),
    [
        ("Osterfelder Straße", "15", "osterfelder-strasse"),
        ("osterfelder str.", "16a", "osterfelder-strasse"),
        ("OSTERFELDER STRASSE", "99", "osterfelder-strasse"),
        ("Osterfelder Straße", "101", None),  # beyond the odd side's range
        ("Brauerstr", "3", "brauerstrasse"),
        ("Brauerstraße", "61", None),
        ("Hochstraße", "1", None),
        ("Droste-Huelshoff-Platz", "1", None),
    ],
)
def test_precheck_finds_the_zone_or_none(client, street, number, zone):
    response = client.get("/api/v1/parking/precheck", {"street": street, "number": number})
    assert response.status_code == 200
    body = response.json()
    assert body["in_zone"] is (zone is not None)
    assert body["zone"] == zone
    if zone:
        fees = {fee["years"]: Decimal(str(fee["amount_eur"])) for fee in body["fees"]}
        assert fees == {1: Decimal("30.70"), 2: Decimal("60.70")}
        assert body["conditions"] and body["documents"]
    else:
        assert body["fees"] == [] and body["conditions"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"number": "1"},
        {"street": "", "number": "1"},
        {"street": "Unbekannter Weg", "number": "1"},
        {"street": "Brauerstraße", "number": "x"},
        {"street": "Brauerstraße"},
    ],
)
def test_precheck_answers_400_with_detail_for_a_missing_or_unknown_street(client, params):
    response = client.get("/api/v1/parking/precheck", params)
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_precheck_stores_nothing(client, django_assert_max_num_queries, rate_limits_off):
    with django_assert_max_num_queries(4) as queries:
        client.get("/api/v1/parking/precheck", {"street": "Brauerstraße", "number": "3"})
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]


@pytest.mark.parametrize(
    ("plate", "expected"),
    [
        ("BOT-AB 123", {"valid": True, "plate": "BOT-AB 123", "readings": ["BOT-AB 123"]}),
        ("bot a 12h", {"valid": True, "plate": "BOT-A 12H", "readings": ["BOT-A 12H"]}),
        ("BOTA1", {"valid": False, "plate": None, "readings": ["BO-TA 1", "BOT-A 1"]}),
        ("BOT-AB 1234", {"valid": False, "plate": None, "readings": []}),
        ("", {"valid": False, "plate": None, "readings": []}),
    ],
)
def test_plate_check_contract(client, plate, expected):
    response = client.get("/api/v1/parking/plates/check", {"plate": plate})
    assert response.status_code == 200
    assert response.json() == expected


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/parking/zones", "/api/v1/parking/precheck"):
        assert "get" in paths[path]
    assert "400" in paths["/api/v1/parking/precheck"]["get"]["responses"]
    assert "get" in paths["/api/v1/parking/plates/check"]
