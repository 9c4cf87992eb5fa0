"""Staff login: lockout after failed attempts (django-axes) and the TOTP second factor."""

import pytest
from django.contrib.auth.models import User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, password):
    return client.post("/login/", {"username": "standesamt", "password": password})


def test_lockout_after_five_failures(client, staff):
    for _ in range(4):
        assert _login(client, "falsch").status_code == 200
    locked = _login(client, "falsch")
    assert locked.status_code == 429
    assert "Anmeldung gesperrt" in locked.content.decode()
    assert _login(client, PASSWORD).status_code == 429  # even the right password now
    assert "_auth_user_id" not in client.session


def test_a_success_resets_the_failures(client, staff):
    for _ in range(4):
        _login(client, "falsch")
    assert _login(client, PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        assert _login(client, "falsch").status_code == 200


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_second_factor_set_up_then_required_on_every_login(client, staff, settings):
    settings.RATHAUS_STAFF_OTP_REQUIRED = True  # as in production
    assert _login(client, PASSWORD).status_code == 302
    page = client.get("/verwaltung/trauungen/plan/tag/")
    assert page["Location"].startswith("/login/zwei-faktor/?next=")
    setup = client.get(page["Location"], follow=True)
    assert setup.redirect_chain[-1][0].startswith("/login/zwei-faktor/einrichten/")
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = client.post(
        "/login/zwei-faktor/einrichten/", {"token": "000000", "next": "/verwaltung/"}
    )
    assert wrong.status_code == 200 and "nicht gültig" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # wrong codes slow down guessing
    device.throttle_reset()
    done = client.post(
        "/login/zwei-faktor/einrichten/",
        {"token": _code(device), "next": "/verwaltung/trauungen/plan/tag/"},
    )
    assert done["Location"] == "/verwaltung/trauungen/plan/tag/"
    assert client.get("/verwaltung/trauungen/plan/tag/").status_code == 200
    client.post("/logout/")
    assert _login(client, PASSWORD).status_code == 302
    verify = client.get("/verwaltung/trauungen/plan/tag/", follow=True)
    assert verify.redirect_chain[-1][0].startswith("/login/zwei-faktor/?next=")
    device.refresh_from_db()
    device.last_t = -1  # allow the same time step again in this fast test
    device.save()
    ok = client.post(
        "/login/zwei-faktor/", {"token": _code(device), "next": "/verwaltung/trauungen/plan/tag/"}
    )
    assert ok["Location"] == "/verwaltung/trauungen/plan/tag/"
    assert client.get("/verwaltung/trauungen/plan/tag/").status_code == 200


def test_the_next_parameter_cannot_leave_the_site(client, staff):
    _login(client, PASSWORD)
    device = TOTPDevice.objects.create(user=staff, name="x", confirmed=True)
    response = client.post(
        "/login/zwei-faktor/", {"token": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] in ("/", "/verwaltung/")
    assert User.objects.count() == 1
