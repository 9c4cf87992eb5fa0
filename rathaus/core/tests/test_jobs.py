from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rathaus.core import jobs


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(jobs, "_jobs", {})
    return jobs


def test_every_domain_job_is_registered_in_the_one_loop():
    names = jobs.jobs_registered()
    assert "reminders" in names  # citizen office
    assert "same_day_drawn" in names  # its sub-app


def test_a_failing_job_is_reported_and_the_others_still_run(registry):
    seen = []

    def broken(*, now):
        raise RuntimeError("boom")

    def counting(*, now):
        seen.append(now)
        return 2

    registry.job_register("a_broken", broken)
    registry.job_register("b_counting", counting)
    now = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert registry.jobs_run(now=now) == {"a_broken": -1, "b_counting": 2}
    assert seen == [now]
    assert registry.jobs_run(now=now, prefix="b_") == {"b_counting": 2}


def test_two_jobs_cannot_share_a_name(registry):
    def one(*, now):
        return 0

    def other(*, now):
        return 0

    registry.job_register("same", one)
    registry.job_register("same", one)  # registering again (a second ready()) is harmless
    with pytest.raises(ValueError):
        registry.job_register("same", other)
