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


def test_a_new_fee_applies_from_its_first_day(client):
    from datetime import date

    from rathaus.parking_permits.models import FeeRule
    from rathaus.parking_permits.selectors import permit_fees_on

    FeeRule.objects.create(
        kind="permit_1y", amount=Decimal("45.00"), valid_from=date(2030, 1, 1), basis="VO 2029"
    )
    before = {f.kind: f.amount for f in permit_fees_on(date(2029, 12, 31))}
    after = {f.kind: f.amount for f in permit_fees_on(date(2030, 1, 1))}
    assert before == {"permit_1y": Decimal("30.70"), "permit_2y": Decimal("60.70")}
    assert after == {"permit_1y": Decimal("45.00"), "permit_2y": Decimal("60.70")}


@pytest.mark.django_db(transaction=True)
def test_the_cached_address_index_follows_every_edit():
    from datetime import date

    from django.apps import apps

    from rathaus.core.revision import cache_clear
    from rathaus.parking_permits.bootstrap import bottrop_parking_load
    from rathaus.parking_permits.models import ZoneSegment
    from rathaus.parking_permits.selectors import precheck

    bottrop_parking_load(apps)  # a transactional test starts from emptied tables
    cache_clear()
    day = date(2027, 3, 1)
    assert precheck("Brauerstraße", "61", on=day).zone is None
    assert precheck("Brauerstraße", "61", on=day).zone is None  # now from the cache
    ZoneSegment.objects.filter(street__name="Brauerstraße").update(last_number=70)
    assert precheck("Brauerstraße", "61", on=day).zone.slug == "brauerstrasse"
