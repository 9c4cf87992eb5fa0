"""The JSON API contract of the Traukalender, including every error path."""

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from rathaus.core.timezone import local_today
from rathaus.protection.testing import altcha_solved
from rathaus.scheduling.models import Allocation
from rathaus.weddings import selectors, services
from rathaus.weddings.models import Venue

pytestmark = pytest.mark.usefixtures("town")
_capture: Callable


def _window():
    first = local_today() + timedelta(days=30)
    return first, first + timedelta(days=60)


def _slots(client, **params):
    first, last = _window()
    query = {"from": first.isoformat(), "to": last.isoformat(), **params}
    response = client.get("/api/v1/slots", query)
    assert response.status_code == 200, response.content
    return response.json()["slots"]


def _body(slot, **overrides):
    body = {
        "venue": slot["venue"],
        "start": slot["start"],
        "partners": [
            {"given_name": "Çağla", "family_name": "Öztürk-Nguyễn"},
            {"given_name": "Luca", "family_name": "D'Amato"},
        ],
        "email": "paar@example.org",
        "guests": 12,
        "language": "de",
    }
    return {**body, **overrides}


@pytest.fixture(autouse=True)
def _commit_hooks(django_capture_on_commit_callbacks):
    global _capture
    _capture = django_capture_on_commit_callbacks


def _post(client, body, url="/api/v1/reservations"):
    """POST (with a solved ALTCHA challenge) and run the on-commit hooks as a commit would."""
    proof = {"HTTP_X_ALTCHA": altcha_solved()} if url == "/api/v1/reservations" else {}
    with _capture(execute=True):
        return client.post(url, json.dumps(body), content_type="application/json", **proof)


def _reserve(client, **params):
    slot = _slots(client, **params)[0]
    response = _post(client, _body(slot))
    assert response.status_code == 201, response.content
    return slot, response.json()


def test_venues_list_has_the_contract_fields(client):
    venues = client.get("/api/v1/venues").json()
    assert len(venues) == Venue.objects.count()  # every venue, the closed one too
    beck = next(v for v in venues if v["slug"] == "schloss-beck")
    assert set(beck) == {
        "slug",
        "name",
        "district",
        "address",
        "max_guests",
        "step_free",
        "outdoor_possible",
        "active",
    }
    assert beck["district"] == "kirchhellen"
    assert any(not v["active"] for v in venues)  # Forsthaus Specht is closed


def test_slots_are_free_sorted_and_carry_offsets(client):
    slots = _slots(client)
    assert slots
    keys = [(datetime.fromisoformat(s["start"]), s["venue"]) for s in slots]
    assert keys == sorted(keys)
    for slot in slots:
        start = datetime.fromisoformat(slot["start"])
        assert start.utcoffset() is not None
        assert datetime.fromisoformat(slot["end"]) > start
        assert slot["fee_eur"] > 0


def test_slots_filter_by_venue_weekday_and_guests(client):
    saturdays = _slots(client, venue="schloss-beck", weekday=6)
    assert saturdays
    assert {s["venue"] for s in saturdays} == {"schloss-beck"}
    assert {datetime.fromisoformat(s["start"]).isoweekday() for s in saturdays} == {6}
    both = _slots(client, weekday=[5, 6])
    assert {datetime.fromisoformat(s["start"]).isoweekday() for s in both} <= {5, 6}
    big = _slots(client, guests=70)
    capacities = {v.slug: v.max_guests for v in Venue.objects.all()}
    assert big and all(capacities[s["venue"]] >= 70 for s in big)


@pytest.mark.parametrize(
    "query, fragment",
    [
        ({"from": "2027-13-01", "to": "2027-12-31"}, "from"),
        ({"from": "2027-01-01", "to": "gestern"}, "to"),
        ({"from": "2027-02-01", "to": "2027-01-01"}, "before"),
        ({"from": "2027-01-01", "to": "2028-01-03"}, "366"),
        ({"from": "2027-01-01", "to": "2027-01-31", "venue": "mond"}, "mond"),
        ({"from": "2027-01-01", "to": "2027-01-31", "weekday": "8"}, "weekday"),
    ],
)
def test_slots_bad_queries_are_400_with_detail(client, query, fragment):
    response = client.get("/api/v1/slots", query)
    assert response.status_code == 400
    assert fragment in response.json()["detail"]


def test_a_full_366_day_range_is_allowed(client):
    response = client.get("/api/v1/slots", {"from": "2027-01-01", "to": "2028-01-01"})
    assert response.status_code == 200


def test_reserve_returns_pending_hold_and_sends_confirmation_mail(client):
    slot, created = _reserve(client)
    assert created["status"] == "pending"
    assert created["reference"].startswith(f"TK-{slot['start'][:4]}-")
    assert len(created["token"]) >= 32  # 24 random bytes, base64: 192 bits
    assert created["venue"] == slot["venue"]
    assert datetime.fromisoformat(created["start"]) == datetime.fromisoformat(slot["start"])
    expires = datetime.fromisoformat(created["expires_at"])
    assert timedelta(minutes=119) < expires - timezone.now() <= timedelta(minutes=120)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["paar@example.org"]
    assert "bestätigen" in message.subject.lower()
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    assert slot not in _slots(client)  # the hold takes the slot out of the free list


def test_reserving_a_held_slot_is_409(client):
    slot, _ = _reserve(client)
    response = _post(client, _body(slot, email="andere@example.org"))
    assert response.status_code == 409
    assert response.json()["detail"]


def test_no_slot_at_that_time_is_409(client):
    slot = _slots(client)[0]
    odd = (datetime.fromisoformat(slot["start"]) + timedelta(minutes=7)).isoformat()
    response = _post(client, _body(slot, start=odd))
    assert response.status_code == 409


@pytest.mark.parametrize(
    "override",
    [
        {"email": "kein-at-zeichen"},
        {"guests": 0},
        {"guests": 500},  # beyond the venue's capacity
        {"language": "fr"},
        {"partners": [{"given_name": "Eine", "family_name": "Person"}]},
        {
            "partners": [
                {"given_name": "", "family_name": "X"},
                {"given_name": "Y", "family_name": "Z"},
            ]
        },
        {
            "partners": [
                {"given_name": "A\x00B", "family_name": "X"},
                {"given_name": "Y", "family_name": "Z"},
            ]
        },
        {"start": "nicht-ein-datum"},
        {"phone": "call me"},
    ],
)
def test_invalid_input_is_422_with_details(client, override):
    slot = _slots(client)[0]
    response = _post(client, _body(slot, **override))
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert not Allocation.objects.exists()


def test_past_and_too_far_dates_are_rejected(client):
    slot = _slots(client)[0]
    past = _post(client, _body(slot, start="2020-07-04T12:00:00+02:00"))
    far = _post(
        client,
        _body(slot, start=(local_today() + timedelta(days=500)).isoformat() + "T12:00:00+02:00"),
    )
    assert past.status_code == 422
    assert far.status_code == 422


def test_unknown_venue_and_broken_json_are_400(client):
    slot = _slots(client)[0]
    assert _post(client, _body(slot, venue="mond")).status_code == 400
    response = client.post("/api/v1/reservations", "{kaputt", content_type="application/json")
    assert response.status_code == 400


def test_read_with_bearer_token_and_same_404_for_wrong_token_or_reference(client):
    _, created = _reserve(client)
    url = f"/api/v1/reservations/{created['reference']}"
    ok = client.get(url, HTTP_AUTHORIZATION=f"Bearer {created['token']}")
    assert ok.status_code == 200
    assert ok.json()["status"] == "pending"
    assert date.fromisoformat(ok.json()["deadline"]) > local_today()
    wrong_token = client.get(url, HTTP_AUTHORIZATION="Bearer falsch")
    unknown = client.get(
        "/api/v1/reservations/TK-2099-ZZZZ", HTTP_AUTHORIZATION=f"Bearer {created['token']}"
    )
    no_header = client.get(url)
    assert wrong_token.status_code == unknown.status_code == no_header.status_code == 404
    assert wrong_token.json() == unknown.json()


def test_cancel_frees_the_slot_after_the_reappear_delay(client, settings):
    settings.RATHAUS_CANCELLED_SLOT_DELAY_MINUTES = (0, 0)
    slot, created = _reserve(client)
    url = f"/api/v1/reservations/{created['reference']}/cancel"
    assert client.post(url, HTTP_AUTHORIZATION="Bearer falsch").status_code == 404
    response = client.post(url, HTTP_AUTHORIZATION=f"Bearer {created['token']}")
    assert response.status_code == 200
    assert response.json() == {"status": "cancelled"}
    assert slot in _slots(client)
    assert _post(client, _body(slot, email="zweites@example.org")).status_code == 201


def test_a_cancelled_slot_cannot_be_handed_over_at_once(client):
    slot, created = _reserve(client)
    url = f"/api/v1/reservations/{created['reference']}/cancel"
    assert client.post(url, HTTP_AUTHORIZATION=f"Bearer {created['token']}").status_code == 200
    assert slot not in _slots(client)
    assert _post(client, _body(slot, email="zweites@example.org")).status_code == 409


def test_confirm_needs_the_confirmation_token_not_the_management_token(client):
    _, created = _reserve(client)
    reference = created["reference"]
    url = f"/api/v1/reservations/{reference}/confirm"
    wrong = _post(client, {"token": created["token"]}, url)
    assert wrong.status_code == 404
    confirm_token = selectors.reservation_by_reference(reference).confirm_token
    assert confirm_token in mail.outbox[0].body
    response = _post(client, {"token": confirm_token}, url)
    assert response.status_code == 200
    assert response.json() == {"status": "reserved"}
    again = _post(client, {"token": confirm_token}, url)
    assert again.json() == {"status": "reserved"}
    assert len(mail.outbox) == 2
    reserved_mail = mail.outbox[1]
    assert reserved_mail.attachments[0][0] == f"{reference}.ics"


def test_a_lapsed_hold_never_blocks_even_before_cleanup(client):
    slot = _slots(client)[0]
    venue = Venue.objects.get(slug=slot["venue"])
    three_hours_ago = timezone.now() - timedelta(hours=3)
    with _capture(execute=True):
        services.reservation_create(
            request=services.ReservationRequest(
                venue=venue,
                start=datetime.fromisoformat(slot["start"]),
                partners=(services.Partner("A", "B"), services.Partner("C", "D")),
                email="frueher@example.org",
                guests=2,
                language="de",
            ),
            now=three_hours_ago,
        )
    assert slot in _slots(client)
    assert _post(client, _body(slot)).status_code == 201


def test_english_couples_get_english_mail(client):
    slot = _slots(client)[0]
    assert _post(client, _body(slot, language="en")).status_code == 201
    assert "confirm" in mail.outbox[0].subject.lower()


def test_openapi_document_lists_the_contract(client):
    document = client.get("/api/v1/openapi.json").json()
    for path in [
        "/api/v1/venues",
        "/api/v1/slots",
        "/api/v1/reservations",
        "/api/v1/reservations/{reference}",
        "/api/v1/reservations/{reference}/cancel",
        "/api/v1/reservations/{reference}/confirm",
    ]:
        assert path in document["paths"]


@pytest.mark.parametrize("reference", ["\x00", "TK-2027-\x00AB", "tk-2027-abcd'--", "x" * 300])
def test_impossible_references_are_simply_not_found(client, reference):
    from urllib.parse import quote

    response = client.get(
        f"/api/v1/reservations/{quote(reference, safe='')}", HTTP_AUTHORIZATION="Bearer x"
    )
    assert response.status_code == 404


def test_impossible_venue_slugs_are_unknown_venues(client):
    response = client.get(
        "/api/v1/slots", {"from": "2027-01-01", "to": "2027-01-31", "venue": "schloss\x00beck"}
    )
    assert response.status_code == 400


def test_the_couples_own_steps_are_in_the_audit_log(client):
    from rathaus.audit.models import AuditEntry
    from rathaus.audit.selectors import audit_lines_for

    _, created = _reserve(client)
    reservation = selectors.reservation_by_reference(created["reference"])
    _post(
        client,
        {"token": reservation.confirm_token},
        f"/api/v1/reservations/{created['reference']}/confirm",
    )
    client.post(
        f"/api/v1/reservations/{created['reference']}/cancel",
        HTTP_AUTHORIZATION=f"Bearer {created['token']}",
    )
    codes = list(AuditEntry.objects.order_by("id").values_list("code", flat=True))
    assert codes == [
        "weddings.reservation.requested",
        "weddings.reservation.email_confirmed",
        "weddings.reservation.cancelled_by_couple",
    ]
    sentences = " ".join(line.sentence for line in audit_lines_for(reservation))
    assert "paar@example.org" not in sentences and "Çağla" not in sentences


def test_slot_answers_are_shared_for_the_cache_time_then_recomputed(client, settings):
    from django.core.cache import cache

    settings.RATHAUS_SLOTS_CACHE_SECONDS = 60
    cache.clear()
    before = _slots(client, venue="schloss-beck")
    slot, _created = _reserve(client, venue="schloss-beck")

    assert _slots(client, venue="schloss-beck") == before  # the shared answer
    cache.clear()
    assert slot not in _slots(client, venue="schloss-beck")  # recomputed


@pytest.mark.usefixtures("rate_window_start")  # the three requests once straddled a minute
def test_polling_the_slots_api_beyond_the_read_limit_gets_429_with_retry_after(client, settings):
    settings.RATHAUS_RATE_LIMIT_READ_IP = "2/1m"
    first, last = _window()
    query = {"from": first.isoformat(), "to": last.isoformat()}
    assert [client.get("/api/v1/slots", query).status_code for _ in range(2)] == [200, 200]
    refused = client.get("/api/v1/slots", query)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60


@pytest.mark.usefixtures("rate_window_start")
def test_only_held_slots_use_up_the_addresss_daily_allowance(client, settings):
    settings.RATHAUS_RATE_LIMIT_SUBMIT_EMAIL = "1/1d"
    settings.RATHAUS_RATE_LIMIT_SUBMIT_IP = "50/1m"
    taken, free, another = _slots(client)[:3]
    assert _post(client, _body(taken, email="andere@example.org")).status_code == 201

    for _attempt in range(3):  # the slot is held by another couple: nothing held, nothing used
        assert _post(client, _body(taken)).status_code == 409
    assert _post(client, _body(free)).status_code == 201

    refused = _post(client, _body(another, email="Paar+zwei@Example.org"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 3600
    assert "höchstens 1 Termin pro Tag" in refused.json()["detail"]  # says what the limit is
