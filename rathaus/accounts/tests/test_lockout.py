"""Login lockout per account and client address, the ceilings, and the e-mail to the holder."""

import pytest
from django.core import mail
from django.test import RequestFactory

from rathaus.core.models import OutboxMessage
from rathaus.protection.services import client_address

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
STRANGER = "203.0.113.66"
OFFICE = "198.51.100.7"


def _login(client, password, address, username="standesamt"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client, address, times, username="standesamt"):
    return [_login(client, "falsch", address, username).status_code for _ in range(times)]


def test_a_stranger_locks_only_himself_out(client, staff):
    assert _fail(client, STRANGER, 5) == [200, 200, 200, 200, 429]
    assert _login(client, PASSWORD, STRANGER).status_code == 429
    assert _login(client, PASSWORD, OFFICE).status_code == 302


def test_the_holders_login_does_not_unlock_the_stranger(client, staff, settings):
    settings.RATHAUS_LOGIN_ACCOUNT_CEILING = 12
    _fail(client, STRANGER, 5)
    assert _login(client, PASSWORD, OFFICE).status_code == 302
    client.post("/logout/")
    assert _login(client, PASSWORD, STRANGER).status_code == 429
    _fail(client, "203.0.113.67", 5)
    _fail(client, "203.0.113.68", 2)  # 12 failures of the account in the window
    assert _login(client, PASSWORD, OFFICE).status_code == 429


def test_failures_while_locked_count_for_nothing(client, staff, settings):
    settings.RATHAUS_LOGIN_ACCOUNT_CEILING = 10
    _fail(client, STRANGER, 5)
    assert _fail(client, STRANGER, 20)[-1] == 429
    assert _login(client, PASSWORD, OFFICE).status_code == 302


def test_the_account_ceiling_locks_the_account_from_everywhere(client, staff, settings):
    settings.RATHAUS_LOGIN_ACCOUNT_CEILING = 10
    assert _fail(client, "203.0.113.1", 5)[-1] == 429
    assert _fail(client, "203.0.113.2", 5)[-1] == 429
    assert _login(client, PASSWORD, OFFICE).status_code == 429


def test_the_address_ceiling_stops_trying_many_accounts(client, staff, settings):
    settings.RATHAUS_LOGIN_ADDRESS_CEILING = 6
    for number in range(6):
        _fail(client, STRANGER, 1, username=f"user{number}")
    assert _login(client, PASSWORD, STRANGER).status_code == 429
    assert _login(client, PASSWORD, OFFICE).status_code == 302


def test_the_holder_is_told_once_without_the_address(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, STRANGER, 4)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, STRANGER, 3)
        _fail(client, "203.0.113.67", 5)  # a second address in the same window: no second one
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [staff.email]
    assert "Anmeldung gesperrt" in message.subject
    assert "„standesamt“" in message.body and "15 Minuten" in message.body
    assert STRANGER not in message.body and STRANGER not in message.alternatives[0][0]


def test_no_mail_for_a_name_without_an_account(client, staff):
    _fail(client, STRANGER, 5, username="niemand")
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        (
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.9"},
            "203.0.113.9",
        ),
        ({"REMOTE_ADDR": "2001:db8:1:2:aaaa::1"}, "2001:db8:1:2::"),
        ({"REMOTE_ADDR": "kaputt"}, None),
    ],
)
def test_the_lockout_uses_the_rate_limits_client_address(settings, meta, expected):
    settings.RATHAUS_CLIENT_IP_HEADER = "X-Forwarded-For"
    request = RequestFactory().post("/login/")
    request.META.update(meta)
    assert client_address(request) == expected
    assert settings.AXES_CLIENT_IP_CALLABLE == "rathaus.protection.services.client_address"
