"""Own 404, 403 and 500 pages in the request's language, never Django's bare English ones
(issue 12). The test settings run with DEBUG=False, as production does."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation

from rathaus.core.failures import database_unavailable

ACCESSIBILITY = 'href="/barrierefreiheit/"'
DJANGO_BARE = ("<h1>Not Found</h1>", "<h1>Forbidden <span>(403)</span></h1>", "Server Error (500)")


def _get(path: str, language: str, **client_options):
    client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False, **client_options)
    return client.get(path)


def _text(response) -> str:
    body = response.content.decode()
    for bare in DJANGO_BARE:
        assert bare not in body
    return body


def test_debug_is_off_in_the_tests():
    assert settings.DEBUG is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "other"),
    [("de", "Seite nicht gefunden", "Page not found"), ("en", "Page not found", "Seite nicht")],
)
def test_404_in_the_requests_language(language, heading, other):
    response = _get("/gibt-es-nicht/", language)
    body = _text(response)
    assert response.status_code == 404
    assert f'<html lang="{language}">' in body
    assert heading in body and other not in body
    assert ACCESSIBILITY in body and 'href="/trauung/"' in body


@pytest.mark.django_db
@pytest.mark.urls("rathaus.core.tests.error_urls")
@pytest.mark.parametrize(
    ("language", "heading"), [("de", "Zugriff verweigert"), ("en", "Access denied")]
)
def test_403_on_a_permission_denial(language, heading):
    response = _get("/test-fehler/verweigert/", language)
    assert response.status_code == 403
    body = _text(response)
    assert heading in body and f'<html lang="{language}">' in body
    assert ACCESSIBILITY in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "other"),
    [
        ("de", "Das Formular konnte nicht gesendet werden", "The form could not"),
        ("en", "The form could not be sent", "Das Formular"),
    ],
)
def test_403_on_a_csrf_failure(language, heading, other):
    client = Client(
        HTTP_ACCEPT_LANGUAGE=language, enforce_csrf_checks=True, raise_request_exception=False
    )
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = _text(response)
    assert heading in body and other not in body
    assert f'<html lang="{language}">' in body
    assert ACCESSIBILITY in body
    assert "CSRF" not in body  # no jargon, and nothing of Django's debug explanation


@pytest.mark.django_db
@pytest.mark.urls("rathaus.core.tests.error_urls")
@pytest.mark.parametrize(
    ("language", "heading", "other"),
    [
        ("de", "Es ist ein Fehler aufgetreten", "Something went wrong"),
        ("en", "Something went wrong", "Es ist ein Fehler"),
    ],
)
def test_500_in_the_requests_language_without_a_traceback(language, heading, other):
    response = _get("/test-fehler/kaputt/", language)
    assert response.status_code == 500
    body = _text(response)
    assert heading in body and other not in body
    assert f'<html lang="{language}">' in body
    assert "boom" not in body and "Traceback" not in body
    assert ACCESSIBILITY in body
    assert 'href="tel:+492041700"' in body


@pytest.mark.parametrize(
    ("language", "link_text"),
    [("de", "Erklärung zur Barrierefreiheit"), ("en", "Accessibility statement")],
)
def test_the_static_503_page_links_to_the_accessibility_statement(language, link_text):
    other = "de" if language == "en" else "en"
    with translation.override(other):  # a leftover of another request must not decide
        request = RequestFactory(HTTP_ACCEPT_LANGUAGE=language).get("/trauung/")
        response = database_unavailable(request)
    body = response.content.decode()
    assert response.status_code == 503
    assert f'<html lang="{language}">' in body
    assert f"{ACCESSIBILITY}>{link_text}</a>" in body
