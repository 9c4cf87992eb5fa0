"""Personal data never reaches the application log (DSGVO; issue 6 item 7)."""

import json
import logging
from datetime import timedelta

import pytest
from django.core import mail

from rathaus.core.timezone import local_today
from rathaus.protection.testing import altcha_solved
from rathaus.weddings import selectors
from rathaus.weddings.bootstrap import bottrop_data_load

NAMES = ["Çağla", "Öztürk-Nguyễn", "Luca", "D'Amato"]
EMAIL = "paar.datenschutz@example.org"
PHONE = "02041 555123"


@pytest.fixture
def every_log_record():
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Collect(level=logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield records
    root.removeHandler(handler)
    root.setLevel(previous)


def test_a_whole_reservation_flow_logs_no_names_addresses_or_phone_numbers(
    client, db, every_log_record, django_capture_on_commit_callbacks
):
    bottrop_data_load(today=local_today())
    first = local_today() + timedelta(days=30)
    slot = client.get(
        "/api/v1/slots", {"from": first.isoformat(), "to": (first + timedelta(days=30)).isoformat()}
    ).json()
    body = {
        "venue": slot["slots"][0]["venue"],
        "start": slot["slots"][0]["start"],
        "partners": [
            {"given_name": NAMES[0], "family_name": NAMES[1]},
            {"given_name": NAMES[2], "family_name": NAMES[3]},
        ],
        "email": EMAIL,
        "phone": PHONE,
        "guests": 10,
        "language": "de",
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/reservations",
            json.dumps(body),
            content_type="application/json",
            HTTP_X_ALTCHA=altcha_solved(),
        ).json()
        conflict = client.post(
            "/api/v1/reservations",
            json.dumps(body),
            content_type="application/json",
            HTTP_X_ALTCHA=altcha_solved(),
        )
        reservation = selectors.reservation_by_reference(created["reference"])
        client.post(
            f"/trauung/reservierung/{reservation.reference}/bestaetigen/"
            f"{reservation.confirm_token}/"
        )
        client.get(f"/trauung/reservierung/{reservation.reference}/{reservation.manage_token}/")
        client.post(
            f"/api/v1/reservations/{reservation.reference}/cancel",
            HTTP_AUTHORIZATION=f"Bearer {created['token']}",
        )
    assert conflict.status_code == 409  # a logged warning happened on the way
    assert len(mail.outbox) == 3  # the flow really ran: request, reserved, cancelled
    assert every_log_record, "nothing was logged at all: the test would prove nothing"
    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {getattr(record, 'request', '')!r}"
        for record in every_log_record
    )
    for secret in [*NAMES, EMAIL, PHONE, created["token"], reservation.confirm_token]:
        assert secret not in logged, f"{secret!r} reached the log"


# --- Paths with secret tokens (issue 12) --------------------------------------------------------

TOKEN = "q3Zx-9Kp_LmN2vB7wR4tY8uH1jF6dS0a"  # as the management links carry it


def test_a_csrf_failure_on_the_cancel_page_logs_no_token(db, caplog):
    from django.test import Client

    url = f"/trauung/reservierung/TK-2027-ABCD/{TOKEN}/stornieren/"
    with caplog.at_level(logging.WARNING):
        response = Client(enforce_csrf_checks=True).post(url, {"reason": ""})
    assert response.status_code == 403
    assert "Forbidden (CSRF" in caplog.text  # still logged, and the page still named
    assert "/trauung/reservierung/TK-2027-ABCD/[redacted]/stornieren/" in caplog.text
    assert TOKEN not in caplog.text


def test_a_not_found_feed_logs_no_token(client, db, caplog):
    with caplog.at_level(logging.WARNING):
        assert client.get(f"/verwaltung/trauungen/feed/{TOKEN}.ics").status_code == 404
    assert TOKEN not in caplog.text


@pytest.mark.parametrize(
    "path",
    [
        "/orte/rathaus-trauzimmer/",
        "/reservierung/TK-2027-ABCD/eingegangen/",
        "/lotterie/2027-06-12/",
    ],
)
def test_paths_without_a_secret_stay_readable(path):
    from rathaus.core.log_redaction import redact_paths

    assert redact_paths(f"Not Found: {path}") == f"Not Found: {path}"
    assert TOKEN not in redact_paths(f'"GET {path}{TOKEN}/ HTTP/1.1" 200')
