"""Fixtures shared by the scheduling tests: one ceremony room and one registrar."""

from datetime import time

import pytest

from rathaus.scheduling.constants import SlotMode

from .factories import ResourceFactory, WeeklyRuleFactory


@pytest.fixture
def room():
    room = ResourceFactory(kind="ceremony_room", slug="trauzimmer")
    WeeklyRuleFactory(resource=room, weekday=0, start_time=time(9), end_time=time(12))
    return room


@pytest.fixture
def registrar():
    registrar = ResourceFactory(kind="registrar", slug="standesbeamtin")
    WeeklyRuleFactory(
        resource=registrar,
        weekday=0,
        start_time=time(8),
        end_time=time(16),
        slot_mode=SlotMode.WINDOW,
    )
    return registrar
