"""Hypothesis against the Traukalender API: whatever arrives, the answer is never a 5xx."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.protection.testing import protection_off, rate_limits_off  # noqa: F401

# Input handling, not bot protection (rathaus/protection/tests) is under test here.
pytestmark = pytest.mark.usefixtures("town", "protection_off", "rate_limits_off")
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "Çağla Öztürk-Nguyễn",
            "D'Amato",
            "<script>alert(1)</script>",
            "'; DROP TABLE weddings_reservation; --",
            "\u202eRTL",
            "e\u0301\u0301\u0301",
            "x" * 10000,
        ]
    ),
)
dates = st.one_of(
    st.dates().map(str),
    st.sampled_from(["2027-02-30", "2027-3-28", "28.03.2027", "", "null"]),
    nasty_text,
)
datetimes = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "2027-03-28T02:30:00",
            "2027-03-28T02:30:00+01:00",
            "2027-13-01T10:00",
            "2027-07-07T10:30:00+02:00",
            "2027-10-31T02:30:00",
        ]
    ),
    nasty_text,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | nasty_text,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(nasty_text, children, max_size=3)
    ),
    max_leaves=8,
)
partners = st.one_of(
    st.lists(
        st.fixed_dictionaries({"given_name": nasty_text, "family_name": nasty_text}), max_size=3
    ),
    json_values,
)
bodies = st.one_of(
    st.fixed_dictionaries(
        {
            "venue": st.sampled_from(["schloss-beck", "rathaus-trauzimmer", "mond", ""])
            | nasty_text,
            "start": datetimes,
            "partners": partners,
            "email": nasty_text | st.emails(),
            "guests": st.integers(-5, 10**6) | json_values,
            "language": st.sampled_from(["de", "en", "fr"]),
        },
        optional={"phone": nasty_text | json_values, "note": nasty_text | json_values},
    ),
    json_values,
)


@FUZZ
@given(body=bodies)
def test_reservation_post_never_answers_5xx(client, body):
    response = client.post(
        "/api/v1/reservations", json.dumps(body), content_type="application/json"
    )
    assert response.status_code < 500
    assert response.status_code in (201, 400, 409, 422)
    assert "detail" in response.json() or response.status_code == 201


@FUZZ
@given(raw=st.binary(max_size=200))
def test_unreadable_bodies_never_answer_5xx(client, raw):
    response = client.post("/api/v1/reservations", raw, content_type="application/json")
    assert response.status_code in (400, 422)


@FUZZ
@given(
    first=dates,
    last=dates,
    venue=st.none() | nasty_text,
    guests=st.none() | st.integers(-10, 10**7).map(str) | nasty_text,
    weekday=st.lists(st.integers(-3, 12).map(str) | nasty_text, max_size=3),
)
def test_slots_query_never_answers_5xx(client, first, last, venue, guests, weekday):
    params = {"from": first, "to": last, "weekday": weekday}
    if venue is not None:
        params["venue"] = venue
    if guests is not None:
        params["guests"] = guests
    response = client.get("/api/v1/slots", params)
    assert response.status_code in (200, 400, 422)


@FUZZ
@given(
    reference=nasty_text.filter(lambda r: "/" not in r and "?" not in r and "#" not in r),
    token=nasty_text,
)
def test_reservation_lookup_never_answers_5xx(client, reference, token):
    from urllib.parse import quote

    path = f"/api/v1/reservations/{quote(reference, safe='')}"
    header = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for response in (
        client.get(path, **header),
        client.post(f"{path}/cancel", **header),
        client.post(
            f"{path}/confirm", json.dumps({"token": token}), content_type="application/json"
        ),
    ):
        assert response.status_code in (404, 405, 422, 400)
