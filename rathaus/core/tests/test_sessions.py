"""The session backend: Django's database sessions with the load written out."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from rathaus.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_settings_use_it():
    assert settings.SESSION_ENGINE == "rathaus.core.sessions"


def test_what_was_saved_loads_again():
    store = SessionStore()
    store["answer"] = {"a": 1, "when": "2027-03-10"}
    store.save()
    again = SessionStore(store.session_key)
    assert again["answer"] == {"a": 1, "when": "2027-03-10"}
    assert again.session_key == store.session_key


def test_an_expired_session_loads_empty_and_forgets_its_key():
    store = SessionStore()
    store["answer"] = 42
    store.set_expiry(60)
    store.save()
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        expired = SessionStore(store.session_key)
        assert expired.get("answer") is None
        assert expired.session_key is None
    assert Session.objects.filter(session_key=store.session_key).exists()  # cleared by the job


def test_an_unknown_key_loads_empty():
    store = SessionStore("x" * 32)
    assert dict(store.items()) == {}
    assert store.session_key is None
