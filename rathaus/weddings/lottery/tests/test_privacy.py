"""Personal data of applications: erased 30 days after the draw (the draw stays verifiable),
and on request through the privacy registry; no names or addresses in logs."""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from rathaus.weddings.lottery import privacy as lottery_privacy
from rathaus.weddings.lottery.constants import ApplicationStatus
from rathaus.weddings.lottery.models import Application
from rathaus.weddings.lottery.replay import lottery_replay
from rathaus.weddings.lottery.services import lottery_draw, retention

from .conftest import apply, close, committed, lottery_open, slots_of

pytestmark = pytest.mark.usefixtures("town")


def _drawn_lottery():
    lottery = lottery_open()
    slot = slots_of(lottery)[0]
    apply(lottery, [slot], couple=0)
    apply(lottery, [slot], couple=1)
    with committed():
        lottery_draw(lottery=lottery, now=close(lottery))
    lottery.refresh_from_db()
    return lottery


def test_erased_30_days_after_the_draw_and_the_replay_still_matches(caplog):
    lottery = _drawn_lottery()
    caplog.set_level(logging.DEBUG)
    assert retention.applications_erase_due(now=lottery.drawn_at + timedelta(days=29)) == 0
    assert retention.applications_erase_due(now=lottery.drawn_at + timedelta(days=31)) == 2
    assert retention.applications_erase_due(now=lottery.drawn_at + timedelta(days=32)) == 0
    for application in Application.objects.all():
        assert application.email == application.partner1_given_name == ""
        assert application.preferences.exists() and application.status in ("won", "lost")
    replay = lottery_replay(lottery)
    assert replay.matches and any("erased" in note for note in replay.notes)
    assert "Öztürk" not in caplog.text and "example.org" not in caplog.text


def test_commands_print_counts_and_log_no_personal_data(caplog):
    lottery = lottery_open()
    apply(lottery, slots_of(lottery)[:1], email="geheim@example.org")
    caplog.set_level(logging.DEBUG)
    close(lottery)
    for name in (
        "lottery_schedule",
        "lottery_draw",
        "lottery_erase_personal_data",
    ):
        out = StringIO()
        with committed():
            call_command(name, stdout=out)
        assert out.getvalue().strip()
    assert "geheim" not in caplog.text and "Öztürk" not in caplog.text
    assert "TV-" not in caplog.text


def test_access_request_exports_the_applications_of_the_address():
    lottery = lottery_open()
    application = apply(lottery, slots_of(lottery)[:2], email="paar@example.org")
    apply(lottery, slots_of(lottery)[:1], couple=1, email="andere@example.org")
    (section,) = lottery_privacy.personal_data_for_email("PAAR@example.org")
    (record,) = section.records
    assert application.reference in str(record) and "Öztürk" in str(record)
    assert application.manage_token not in str(record)
    assert lottery_privacy.personal_data_for_email("nobody@example.org") == []


def test_erasure_on_request_withdraws_then_erases_only_that_address():
    lottery = lottery_open()
    application = apply(lottery, slots_of(lottery)[:1], email="paar@example.org")
    other = apply(lottery, slots_of(lottery)[:1], couple=1, email="andere@example.org")
    erasure = lottery_privacy.personal_data_erase_for_email(
        "paar@example.org", actor=None, now=timezone.now()
    )
    assert (erasure.erased, erasure.cancelled) == (1, 1)
    application.refresh_from_db()
    other.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN and application.email == ""
    assert other.email == "andere@example.org" and other.status == ApplicationStatus.ENTERED
    again = lottery_privacy.personal_data_erase_for_email(
        "paar@example.org", actor=None, now=timezone.now()
    )
    assert again.erased == 0
