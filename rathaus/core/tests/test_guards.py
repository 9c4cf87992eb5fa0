"""Core's public form is protected through the guard an app registers, and refuses without."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from rathaus.core import guards
from rathaus.core.forms import AccessibilityFeedbackForm


class _Flooded(guards.SubmissionRefused):
    status = 429
    retry_after = 120
    message = "Zu viele Anfragen."


@pytest.fixture
def registered(monkeypatch):
    """Replace the registered guard for one test: `registered(guard)`."""

    def register(guard):
        monkeypatch.setattr(guards, "_registered", guards._Registered(guard, "guard.html"))

    return register


def _form():
    form = AccessibilityFeedbackForm({"problem": "Der Kontrast ist zu gering."})
    assert form.is_valid()
    return form


def test_without_a_registered_guard_a_protected_form_refuses_to_work(monkeypatch):
    monkeypatch.setattr(guards, "_registered", None)
    request = RequestFactory().post("/")
    with pytest.raises(ImproperlyConfigured, match=r"rathaus\.protection"):
        _form().protect(request, scope="test")


def test_a_refusal_becomes_a_form_error_with_status_and_retry_after(registered):
    calls = []

    def guard(request, *, scope, email, noscript_fallback):
        calls.append((scope, email, noscript_fallback))
        raise _Flooded()

    registered(guard)
    request = RequestFactory().post("/")
    form = _form()
    assert form.protect(request, scope="test", email="a@example.org") is False
    assert calls == [("test", "a@example.org", True)]  # HTML forms keep the no-script budget
    assert form.non_field_errors() == ["Zu viele Anfragen."]
    assert form.protection_status == 429
    assert form.protection_response(HttpResponse())["Retry-After"] == "120"
    assert form.protection_widget == "guard.html"


def test_a_passed_check_lets_the_form_go_on(registered):
    registered(lambda request, **kwargs: None)
    request = RequestFactory().post("/")
    assert _form().protect(request, scope="test") is True
