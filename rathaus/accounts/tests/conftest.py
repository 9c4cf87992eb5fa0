"""Fixtures of the staff-login tests: one registry-office account and a clock to advance."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure

PASSWORD = "Richtig-Geheim-2027"


@pytest.fixture
def staff(db):
    roles_ensure()
    return staff_user_ensure(
        username="standesamt",
        password=PASSWORD,
        first_name="Sina",
        last_name="Standesamt",
        role=roles.REGISTRY_OFFICE,
    )[0]


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
