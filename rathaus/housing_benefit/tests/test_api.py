"""POST /calculate, tested on the router (the project mounts it at /api/v1/housing-benefit/)."""

import json
from datetime import date
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ninja import NinjaAPI
from ninja.testing import TestClient

from rathaus.housing_benefit.api import router

from .official_examples import BMWSB_EXAMPLES

client = TestClient(router)


def post(payload):
    return client.post("/calculate", json=payload)


def test_direct_path_bmwsb_example_1():
    response = post(
        {
            "on": "2025-07-01",
            "rent_level": 1,
            "household_members": 1,
            "rent_eur": 335,
            "monthly_income_eur": 1162.35,
        }
    )
    assert response.status_code == 200
    body = response.json()
    assert body["wohngeld_eur"] == 110
    assert body["entitled"] is True
    steps = body["steps"]
    assert steps["legal_period"]["key"] == "2025"
    assert steps["rent"]["m_eur"] == "445.40"
    assert steps["rent"]["rent_cap_eur"] == "380.20"
    assert steps["formula"]["a"] == "0.04"
    assert steps["formula"]["z4"] == "109.7525903523"
    assert steps["formula"]["rounded_eur"] == 110
    assert steps["income"] is None


def test_mixed_household_bmwsb_example_10():
    response = post(
        {
            "on": "2025-07-01",
            "rent_level": 4,
            "household_members": 2,
            "members_counted": 1,
            "rent_eur": "570",
            "monthly_income_eur": "784.35",
        }
    )
    assert response.json()["wohngeld_eur"] == 191
    assert response.json()["steps"]["rent"]["share"] == "1/2"


def test_gross_path_bmwsb_example_5():
    payload = {
        "on": "2025-07-01",
        "rent_level": 6,
        "household_members": 3,
        "rent_eur": 700,
        "incomes": [
            {
                "incomes": [{"kind": "employment", "monthly_gross_eur": 1530}],
                "pays_health_insurance": True,
                "pays_pension_insurance": True,
                "single_parent": True,
            },
            {"incomes": [{"kind": "maintenance_advance", "monthly_gross_eur": 696}]},
        ],
    }
    body = post(payload).json()
    assert body["wohngeld_eur"] == 372
    income = body["steps"]["income"]
    assert income["y_eur"] == "1728.00"
    assert income["members"][0]["deduction_percent"] == 20
    assert income["allowances"] == [{"code": "single_parent", "member": 1, "amount_eur": "110.00"}]


def test_gross_path_with_maintenance_paid():
    payload = {
        "on": "2025-07-01",
        "rent_level": 3,
        "household_members": 1,
        "rent_eur": 500,
        "incomes": [
            {
                "incomes": [{"kind": "self_employment", "monthly_gross_eur": 1400}],
                "maintenance_paid": [{"recipient": "former_spouse", "monthly_eur": 300}],
            }
        ],
    }
    body = post(payload).json()
    assert body["steps"]["income"]["y_eur"] == "1100.00"


def test_below_threshold_answers_zero():
    response = post(
        {
            "on": "2025-07-01",
            "rent_level": 3,
            "household_members": 1,
            "rent_eur": 900,
            "monthly_income_eur": "1509.40",
        }
    )
    body = response.json()
    assert response.status_code == 200
    assert body["wohngeld_eur"] == 0 and body["entitled"] is False
    assert body["steps"]["reason"] == "below_minimum"
    assert body["steps"]["before_minimum_eur"] == 9


def test_default_date_is_today_in_berlin():
    with mock.patch("rathaus.housing_benefit.api.local_today", return_value=date(2024, 3, 1)):
        body = post(
            {"rent_level": 3, "household_members": 1, "rent_eur": 400, "monthly_income_eur": 900}
        ).json()
    assert body["steps"]["on"] == "2024-03-01"
    assert body["steps"]["legal_period"]["key"] == "2023"


def test_members_counted_defaults_to_household():
    body = post(
        {
            "on": "2025-01-01",
            "rent_level": 3,
            "household_members": 4,
            "rent_eur": 700,
            "monthly_income_eur": 2000,
        }
    ).json()
    assert body["steps"]["members_counted"] == 4


BASE = {
    "on": "2025-07-01",
    "rent_level": 3,
    "household_members": 2,
    "rent_eur": 500,
    "monthly_income_eur": 1000,
}


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"rent_eur": -1}, "rent_eur"),
        ({"monthly_income_eur": -5}, "monthly_income_eur"),
        ({"members_counted": 3}, "members_counted must not exceed"),
        ({"members_counted": 0}, "members_counted"),
        ({"rent_level": 8}, "rent_level"),
        ({"rent_level": 0}, "rent_level"),
        ({"on": "2022-12-31"}, "before 2023-01-01"),
        ({"on": "2025-02-30"}, "on"),
        ({"household_members": 0}, "household_members"),
        ({"monthly_income_eur": None}, "either monthly_income_eur or incomes"),
        ({"incomes": []}, "either monthly_income_eur or incomes"),
        ({"rent_eur": "abc"}, "rent_eur"),
        ({"rent_eur": 1e300}, "rent_eur"),
        ({"unknown": 1}, "unknown"),
        ({"subsidy_type": "gift"}, "subsidy_type"),
    ],
)
def test_invalid_input_answers_422_with_details(change, needle):
    payload = {**BASE, **change}
    if change.get("monthly_income_eur", 0) is None:
        payload.pop("monthly_income_eur")
    response = post(payload)
    assert response.status_code == 422
    assert needle in json.dumps(response.json()["detail"])


def test_too_many_income_entries():
    payload = {**BASE, "members_counted": 1, "incomes": [{}, {}]}
    payload.pop("monthly_income_eur")
    response = post(payload)
    assert response.status_code == 422
    assert "more entries than counted members" in json.dumps(response.json())


def test_negative_gross_income_answers_422():
    payload = {**BASE, "incomes": [{"incomes": [{"kind": "pension", "monthly_gross_eur": -1}]}]}
    payload.pop("monthly_income_eur")
    assert post(payload).status_code == 422


def test_body_that_is_not_json_answers_400():
    response = client.post("/calculate", data=b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_every_bmwsb_example_over_the_api_gross_path():
    for example in BMWSB_EXAMPLES:
        members = []
        for member in example.members:
            entry = {k: v for k, v in member.__dict__.items() if isinstance(v, bool)}
            entry["incomes"] = [
                {"kind": str(i.kind), "monthly_gross_eur": str(i.monthly_gross)}
                for i in member.incomes
            ]
            members.append(entry)
        payload = {
            "on": example.on.isoformat(),
            "rent_level": example.rent_level,
            "household_members": example.household_members,
            "members_counted": example.members_counted,
            "rent_eur": str(example.rent),
            "subsidy_type": str(example.subsidy_type),
            "incomes": members,
        }
        assert post(payload).json()["wohngeld_eur"] == example.wohngeld, example.number


def test_openapi_document_describes_the_endpoint():
    api = NinjaAPI(urls_namespace="housing-benefit-openapi-test")
    api.add_router("/housing-benefit/", router)
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    operation = schema["paths"]["/api/v1/housing-benefit/calculate"]["post"]
    assert set(operation["responses"]) >= {200, 422}
    body = schema["components"]["schemas"]["CalculateIn"]["properties"]
    assert {
        "on",
        "rent_level",
        "household_members",
        "members_counted",
        "rent_eur",
        "monthly_income_eur",
        "incomes",
    } <= set(body)


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["2025-01-01", "2019-05-05", "1.5", "NaN", "Infinity", "-0", "1e999"]),
)
keys = st.sampled_from(
    [
        "on",
        "rent_level",
        "household_members",
        "members_counted",
        "rent_eur",
        "monthly_income_eur",
        "incomes",
        "subsidy_type",
    ]
)
income_entries = st.lists(
    st.dictionaries(
        st.sampled_from(["incomes", "pays_income_tax", "single_parent", "maintenance_paid"]),
        st.one_of(
            values,
            st.lists(
                st.dictionaries(
                    st.sampled_from(["kind", "monthly_gross_eur", "recipient", "monthly_eur"]),
                    st.one_of(values, st.sampled_from(["employment", "pension", "other_person"])),
                ),
                max_size=2,
            ),
        ),
    ),
    max_size=3,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, st.one_of(values, income_entries)), st.booleans())
def test_never_a_500(payload, start_valid):
    body = {**BASE, **payload} if start_valid else payload
    response = post(body)
    assert response.status_code in {200, 400, 422}


@pytest.mark.parametrize("raw", [b"[]", b"null", b"1", b'"x"', b"", b"{}", b'{"rent_eur": 1e999}'])
def test_odd_bodies_never_give_a_500(raw):
    response = client.post("/calculate", data=raw, content_type="application/json")
    assert response.status_code in {400, 422}


@pytest.mark.urls("rathaus.housing_benefit.tests.api_urls")
def test_mounted_at_the_contract_path_with_the_django_client(client):
    response = client.post(
        "/api/v1/housing-benefit/calculate",
        data={
            "on": "2025-01-01",
            "rent_level": 3,
            "household_members": 14,
            "rent_eur": 1600,
            "monthly_income_eur": "4688.25",
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["wohngeld_eur"] == 1335
    bad = client.post(
        "/api/v1/housing-benefit/calculate", data={"rent_level": 3}, content_type="application/json"
    )
    assert bad.status_code == 422
