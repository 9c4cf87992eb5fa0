"""Same-day requests are personal data: deleted 30 days after their day, exported and
erased on request (Art. 15/17) — another person's request stays."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rathaus.appointments.sameday.models import SameDayRequest
from rathaus.appointments.sameday.services.retention import requests_purge
from rathaus.appointments.services.jobs import jobs_run
from rathaus.appointments.tests.factories import MONDAY
from rathaus.core.privacy import privacy_erase, privacy_export

from .helpers import ask, clock, same_day_office

pytestmark = pytest.mark.django_db


def test_requests_are_deleted_30_days_after_their_day_by_the_jobs():
    o = same_day_office()
    ask(o, "Anna")
    assert requests_purge(now=clock(12, day=MONDAY + timedelta(days=30))) == 0
    result = jobs_run(now=clock(12, day=MONDAY + timedelta(days=31)))
    assert result["same_day_requests_purged"] == 1
    assert not SameDayRequest.objects.exists()


def test_export_and_erasure_of_one_address():
    o = same_day_office()
    ask(o, "Anna", email="Anna+x@Example.org")
    ask(o, "Ben")
    export = privacy_export(email="anna@example.org", now=clock(8))
    sections = [s for _p, s in export.sections if s.key == "appointments_sameday.requests"]
    assert len(sections) == 1 and len(sections[0].records) == 1
    assert "Ben" not in export.as_json()
    erasure = privacy_erase(email="anna@example.org", actor=None, now=clock(8))
    assert erasure.by_app()["appointments_sameday"].erased == 1
    assert list(SameDayRequest.objects.values_list("email", flat=True)) == ["ben@example.org"]
