"""ALTCHA challenges: made here, solved like the widget does, accepted once, never tampered."""

import base64
import json
import time

import altcha
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.protection.exceptions import ProofRejected
from rathaus.protection.models import SpentChallenge
from rathaus.protection.services import altcha_challenge_create, altcha_proof_spend
from rathaus.protection.testing import altcha_solved

pytestmark = pytest.mark.django_db


def _decode(payload: str) -> dict:
    return json.loads(base64.b64decode(payload))


def _encode(data: dict) -> str:
    return base64.b64encode(json.dumps(data).encode()).decode()


def _rejected(payload: str) -> str:
    with pytest.raises(ProofRejected) as refusal:
        altcha_proof_spend(payload)
    return refusal.value.reason


def test_challenge_is_signed_expires_and_hides_its_counter(settings):
    settings.RATHAUS_ALTCHA_COST, settings.RATHAUS_ALTCHA_MAX_COUNTER = 321, 40
    challenge = altcha_challenge_create()
    parameters = challenge["parameters"]
    assert parameters["algorithm"] == "PBKDF2/SHA-256" and parameters["cost"] == 321
    assert challenge["signature"] and parameters["keySignature"]
    assert 19 * 60 <= parameters["expiresAt"] - time.time() <= 20 * 60
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(challenge))
    assert 20 <= solution.counter <= 40  # the upper half: no free rides


def test_a_solution_is_accepted_exactly_once():
    payload = altcha_solved()
    altcha_proof_spend(payload)
    assert SpentChallenge.objects.count() == 1
    assert _rejected(payload) == "replayed"


def test_another_solution_for_a_spent_challenge_is_refused_too():
    payload = altcha_solved()
    altcha_proof_spend(payload)
    data = _decode(payload)
    data["solution"]["time"] = 1234.5  # same challenge, different bytes
    assert _rejected(_encode(data)) == "replayed"


def test_an_expired_challenge_is_refused(monkeypatch):
    payload = altcha_solved()
    later = time.time() + 21 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert _rejected(payload) == "expired"
    assert not SpentChallenge.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["challenge"]["parameters"].update(cost=1),
        lambda d: d["challenge"]["parameters"].update(expiresAt=2**31),
        lambda d: d["challenge"].update(signature="0" * 64),
        lambda d: d["challenge"].pop("signature"),
        lambda d: d["solution"].update(derivedKey="00" * 32),
    ],
    ids=["cost", "expiry", "signature", "unsigned", "derived-key"],
)
def test_a_tampered_payload_is_refused(tamper):
    data = _decode(altcha_solved())
    tamper(data)
    assert _rejected(_encode(data)) == "invalid"


def test_a_payload_signed_with_another_key_is_refused(settings):
    payload = altcha_solved()
    settings.RATHAUS_ALTCHA_HMAC_KEY = "another-key-entirely"
    assert _rejected(payload) == "invalid"


def test_a_self_made_challenge_is_refused():
    challenge = altcha.create_challenge("PBKDF2/SHA-256", 10, counter=3, hmac_secret="guess")
    solution = altcha.solve_challenge(challenge)
    assert _rejected(altcha.Payload(challenge, solution).to_base64()) == "invalid"


@pytest.mark.parametrize(
    "payload",
    [
        "kaputt",
        base64.b64encode(b"{}").decode(),
        base64.b64encode(b'{"challenge": null, "solution": null, "test": true}').decode(),
        "A" * 5000,
    ],
    ids=["not-base64", "empty-json", "widget-test-mode", "oversized"],
)
def test_garbage_is_refused(payload):
    assert _rejected(payload) == "invalid"


def test_the_spent_record_holds_a_digest_not_the_signature():
    payload = altcha_solved()
    altcha_proof_spend(payload)
    stored = SpentChallenge.objects.get()
    assert stored.digest != _decode(payload)["challenge"]["signature"]
    assert len(stored.digest) == 64


def test_challenge_endpoint_answers_json_not_cached(client):
    response = client.get("/api/v1/altcha/challenge")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert set(response.json()) == {"parameters", "signature"}


def test_challenge_endpoint_is_404_when_protection_is_off(client, protection_off):
    assert client.get("/api/v1/altcha/challenge").status_code == 404


@pytest.mark.usefixtures("rate_window_start")
def test_challenge_endpoint_is_rate_limited(client, settings):
    settings.RATHAUS_RATE_LIMIT_CHALLENGE_IP = "2/1m"
    assert [client.get("/api/v1/altcha/challenge").status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get("/api/v1/altcha/challenge")
    assert 1 <= int(refused["Retry-After"]) <= 60


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
payload_shapes = st.fixed_dictionaries(
    {
        "challenge": json_values
        | st.fixed_dictionaries({"parameters": json_values, "signature": json_values}),
        "solution": json_values,
    }
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=payload_shapes | json_values)
def test_any_json_is_refused_cleanly(data):
    with pytest.raises(ProofRejected):
        altcha_proof_spend(_encode(data))
