"""The smaller pieces: read guards, the German 429 page, cleanup command, deploy check."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone, translation

from rathaus.protection.api import api_read_guard
from rathaus.protection.checks import deploy_check
from rathaus.protection.exceptions import Throttled
from rathaus.protection.models import RateLimitBucket, SpentChallenge
from rathaus.protection.services import altcha_proof_spend
from rathaus.protection.testing import altcha_solved
from rathaus.protection.views import read_limited

pytestmark = pytest.mark.django_db


def _request():
    return RequestFactory().get("/trauung/", REMOTE_ADDR="203.0.113.7")


@pytest.mark.usefixtures("rate_window_start")
def test_read_limited_view_answers_the_german_429_page(settings):
    settings.RATHAUS_RATE_LIMIT_READ_IP = "1/1m"
    view = read_limited("weddings.search")(lambda request: HttpResponse("ok"))
    assert view(_request()).status_code == 200
    with translation.override("de"):
        refused = view(_request())
    html = refused.content.decode()
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert "Zu viele Anfragen. Bitte versuchen Sie es in 1 Minute erneut." in html


@pytest.mark.usefixtures("rate_window_start")
def test_api_read_guard_answers_json_429(settings):
    settings.RATHAUS_RATE_LIMIT_READ_IP = "1/1m"
    assert api_read_guard(_request(), scope="weddings.slots") is None
    refused = api_read_guard(_request(), scope="weddings.slots")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert api_read_guard(_request(), scope="weddings.venues") is None  # its own budget


def test_read_limits_are_off_with_the_switch(settings, rate_limits_off):
    settings.RATHAUS_RATE_LIMIT_READ_IP = "1/1m"
    assert [api_read_guard(_request(), scope="s") for _ in range(3)] == [None, None, None]
    assert not RateLimitBucket.objects.exists()


@pytest.mark.parametrize(
    ("seconds", "german"),
    [
        (1, "in 1 Minute erneut"),
        (61, "in 2 Minuten erneut"),
        (7200, "in 2 Stunden erneut"),
        (86000, "in 24 Stunden erneut"),
    ],
)
def test_the_message_speaks_in_whole_minutes_or_hours(seconds, german):
    with translation.override("de"):
        assert german in Throttled(seconds).message


def test_cleanup_command_deletes_what_ran_out(capsys):
    altcha_proof_spend(altcha_solved())
    SpentChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    call_command("protection_cleanup")
    assert "'challenges': 1" in capsys.readouterr().out
    assert not SpentChallenge.objects.exists()


def test_deploy_check_warns_when_a_protection_is_off(settings):
    assert deploy_check(None) == []
    settings.RATHAUS_BOT_PROTECTION = False
    assert [warning.id for warning in deploy_check(None)] == ["protection.W001"]
