"""Fixtures of the staff-login tests: one registry-office account and a clock to advance."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.accounts import roles

from .factories import PASSWORD, StaffUserFactory

__all__ = ["PASSWORD"]


@pytest.fixture
def staff(db):
    return StaffUserFactory(
        username="standesamt",
        first_name="Sina",
        last_name="Standesamt",
        roles=[roles.REGISTRY_OFFICE],
    )


class Clock:
    """`timezone.now` under the test's control."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("django.utils.timezone.now", clock)
    return clock
