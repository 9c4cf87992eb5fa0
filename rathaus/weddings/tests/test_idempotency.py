"""`Idempotency-Key` on POST /api/v1/reservations: a retry never books twice (C-5).

The concurrent race runs on PostgreSQL in threads, and on SQLite in a separate process on a
file database (threads cannot share the suite's in-memory database): `sqlite_race_main` below
is that process, and prints a JSON report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from rathaus.core.idempotency import (
    IdempotencyKeyInvalid,
    body_fingerprint,
    idempotency_key_clean,
    request_fingerprint,
)
from rathaus.core.models import IdempotencyRecord
from rathaus.core.timezone import local_today
from rathaus.protection.testing import altcha_solved, protection_off, rate_limits_off  # noqa: F401
from rathaus.scheduling.models import Booking
from rathaus.weddings.models import Reservation

URL = "/api/v1/reservations"
KEY = "4f9d1c1e-7b0a-4d0e-9a55-3c1f0b7f2a10"
PROJECT = Path(__file__).resolve().parents[3]
RACERS = 10


def _slot(client) -> dict:
    first = local_today() + timedelta(days=30)
    query = {"from": first.isoformat(), "to": (first + timedelta(days=60)).isoformat()}
    response = client.get("/api/v1/slots", query)
    assert response.status_code == 200, response.content
    return response.json()["slots"][0]


def _body(slot, **overrides) -> dict:
    body = {
        "venue": slot["venue"],
        "start": slot["start"],
        "partners": [
            {"given_name": "Çağla", "family_name": "Öztürk"},
            {"given_name": "Luca", "family_name": "D'Amato"},
        ],
        "email": "paar@example.org",
        "guests": 12,
        "language": "de",
    }
    return {**body, **overrides}


def _post(client, body, key: str | None = KEY, **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def post(client, town, django_capture_on_commit_callbacks):
    """POST like a client (with a solved ALTCHA proof) and run the on-commit hooks."""

    def send(body, key: str | None = KEY, proof: str | None = None, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return _post(client, body, key, HTTP_X_ALTCHA=proof or altcha_solved(), **headers)

    return send


def test_a_retry_after_a_lost_response_returns_the_same_reservation(client, post):
    body = _body(_slot(client))
    proof = altcha_solved()
    first = post(body, proof=proof)  # committed, but the answer never reached the client
    assert first.status_code == 201, first.content

    retry = post(body, proof=proof)  # the same request again, one-time proof included

    assert retry.status_code == 201, retry.content
    assert retry.json() == first.json()
    assert Reservation.objects.count() == 1
    assert Booking.objects.count() == 1
    assert len(mail.outbox) == 1  # one confirmation e-mail, not one per attempt
    reference, token = retry.json()["reference"], retry.json()["token"]
    detail = client.get(f"{URL}/{reference}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert detail.status_code == 200


def test_control_without_a_key_the_retry_is_refused_against_itself(client, post):
    body = _body(_slot(client))
    assert post(body, key=None).status_code == 201

    retry = post(body, key=None)

    assert retry.status_code == 409
    assert not IdempotencyRecord.objects.exists()
    assert Reservation.objects.count() == 1


def test_the_same_key_with_a_different_request_is_422(client, post):
    slot = _slot(client)
    assert post(_body(slot)).status_code == 201

    other = post(_body(slot, guests=13), HTTP_ACCEPT_LANGUAGE="en")

    assert other.status_code == 422
    assert other.json() == {"detail": "This Idempotency-Key was already used for another request."}
    assert Reservation.objects.count() == 1


def test_a_refused_request_leaves_no_record_so_its_key_can_be_used_again(client, post):
    slot = _slot(client)
    too_many = post(_body(slot, guests=1000))
    assert too_many.status_code == 422
    assert not IdempotencyRecord.objects.exists()

    corrected = post(_body(slot))

    assert corrected.status_code == 201, corrected.content
    assert IdempotencyRecord.objects.get().object_id == Reservation.objects.get().pk


def test_only_digests_are_stored(client, post):
    post(_body(_slot(client)))
    record = IdempotencyRecord.objects.get()
    assert KEY not in (record.key_digest, record.fingerprint)
    assert len(record.key_digest) == len(record.fingerprint) == 64
    assert record.scope == "weddings.reservation"


GUESSABLE = [
    "",
    " ",
    "1",
    "retry",
    "x" * 101,
    "schlüssel",
    "a\tb",
    KEY.replace("-", ""),  # the right digits, not the canonical form
    "4f9d1c1e-7b0a-1d0e-9a55-3c1f0b7f2a10",  # version 1: partly a clock, not random
    "4f9d1c1e-7b0a-4d0e-ca55-3c1f0b7f2a10",  # not the RFC 4122 variant
    "00000000-0000-4000-8000-000000000000",  # the shape of a UUIDv4 without its randomness
    "12121212-1212-4121-8121-212121212121",
]


@pytest.mark.parametrize("key", GUESSABLE)
def test_a_key_that_is_not_a_random_uuid4_is_400_in_the_clients_language(client, post, key):
    body = _body(_slot(client))

    german = post(body, key=key)
    english = post(body, key=key, HTTP_ACCEPT_LANGUAGE="en")

    assert german.status_code == english.status_code == 400
    assert "Idempotency-Key" in german.json()["detail"]
    assert english.json() == {
        "detail": "The Idempotency-Key header must be a random UUID (version 4)."
    }
    assert not Reservation.objects.exists()


def test_a_guessed_key_with_a_known_body_does_not_hand_out_the_management_token(client, post):
    """The couple's details are no secret (a wedding guest knows them); the token must be."""
    body = _body(_slot(client))
    victim = post(body, key="1")
    assert victim.status_code == 400  # before the fix: 201, and the key "1" was remembered

    attacker = post(body, key="1")

    assert attacker.status_code == 400
    assert "token" not in attacker.json()


def test_the_answer_is_bound_to_the_body_as_sent(client, post):
    """A body that differs in any member (here only the e-mail's case, which validation would
    fold) is another request: 422, never the first answer."""
    slot = _slot(client)
    first = post(_body(slot))
    assert first.status_code == 201

    other = post(_body(slot, email="PAAR@example.org"), HTTP_ACCEPT_LANGUAGE="en")

    assert other.status_code == 422
    assert "token" not in other.json()
    same = post(_body(slot))
    assert same.status_code == 201
    assert same.json()["token"] == first.json()["token"]


def test_a_key_is_forgotten_after_its_lifetime(client, post, settings):
    settings.RATHAUS_IDEMPOTENCY_HOURS = 24
    body = _body(_slot(client))
    assert post(body).status_code == 201
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))

    assert post(body).status_code == 409  # no longer a replay: the slot is simply taken
    call_command("outbox_send", stdout=StringIO())
    assert not IdempotencyRecord.objects.exists()


def test_an_expired_key_can_be_used_for_a_new_reservation(client, post, settings):
    settings.RATHAUS_IDEMPOTENCY_HOURS = 24
    day = local_today() + timedelta(days=30)
    query = {"from": day.isoformat(), "to": (day + timedelta(days=60)).isoformat()}
    one, other = client.get("/api/v1/slots", query).json()["slots"][:2]
    first = post(_body(one))
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))

    second = post(_body(other, email="zweites@example.org"))

    assert second.status_code == 201
    assert second.json()["reference"] != first.json()["reference"]
    record = IdempotencyRecord.objects.get()  # the expired record was taken over
    assert record.object_id == Reservation.objects.get(reference=second.json()["reference"]).pk


def test_key_rules_and_canonical_fingerprint():
    assert idempotency_key_clean(None) is None
    assert idempotency_key_clean(KEY.upper()) == KEY
    for _ in range(200):
        fresh = str(uuid.uuid4())
        assert idempotency_key_clean(fresh) == fresh
    for bad in [*GUESSABLE, KEY + "\n", " " + KEY]:
        with pytest.raises(IdempotencyKeyInvalid):
            idempotency_key_clean(bad)
    assert body_fingerprint(b'{"a": 1, "altcha": "x"}', ignore=("altcha",)) == (
        body_fingerprint(b'{"altcha": "y", "a": 1}', ignore=("altcha",))
    )
    assert body_fingerprint(b'{"a": 1}') != body_fingerprint(b'{"a": 1, "b": null}')
    assert request_fingerprint({"a": 1, "b": [1, 2]}) == request_fingerprint({"b": [1, 2], "a": 1})
    assert request_fingerprint({"a": 1}) != request_fingerprint({"a": 2})


# --- ten identical requests at once ------------------------------------------------------------


def race_one_key(body: dict) -> dict:
    """POST `body` with one key from RACERS threads at once; each thread has its own connection."""
    barrier = threading.Barrier(RACERS, timeout=60)
    answers: list = [None] * RACERS

    def run(index: int) -> None:
        try:
            barrier.wait()
            response = _post(Client(), body)
            answers[index] = [response.status_code, response.json().get("reference")]
        except BaseException as error:  # reported through the answers
            answers[index] = [type(error).__name__, str(error)[:200]]
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return {
        "answers": answers,
        "reservations": list(Reservation.objects.values_list("reference", flat=True)),
        "bookings": Booking.objects.count(),
        "mails": len(mail.outbox),
    }


def _assert_exactly_one(report: dict) -> None:
    assert len(report["reservations"]) == 1, report
    assert report["bookings"] == 1, report
    assert report["answers"] == [[201, report["reservations"][0]]] * RACERS, report
    assert report["mails"] == 1, report


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("protection_off", "rate_limits_off")
def test_ten_identical_requests_at_once_make_one_reservation_on_postgres(town):
    _assert_exactly_one(race_one_key(_body(_slot(Client()))))


def test_ten_identical_requests_at_once_make_one_reservation_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from rathaus.weddings.tests.test_idempotency import sqlite_race_main as main; main()",
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    _assert_exactly_one(json.loads(done.stdout.strip().splitlines()[-1]))


def sqlite_race_main() -> None:
    from django.conf import settings
    from django.test.utils import setup_test_environment

    from rathaus.weddings.tests.factories import town

    assert settings.DATABASES["default"]["NAME"] != ":memory:"
    setup_test_environment()  # the locmem mail outbox
    settings.RATHAUS_BOT_PROTECTION = False  # one proof is single-use: see docs/api.md
    settings.RATHAUS_RATE_LIMITS = False
    call_command("migrate", verbosity=0)
    town()
    print(json.dumps(race_one_key(_body(_slot(Client())))))
