"""Failure pages: a friendly 503 with `Retry-After` when the database is away, never a traceback.

"Away" means `OperationalError` or `InterfaceError`: the server is unreachable or restarting,
a connection broke, or SQLite stayed locked longer than its busy timeout. Two doors lead here:

- `DatabaseUnavailableMiddleware.process_exception` for errors raised in a view (the JSON API
  included: django-ninja re-raises errors it has no handler for);
- `server_error`, the project's `handler500`, for errors raised anywhere else, e.g. in a
  middleware loading the signed-in user or saving the session. Every other error gets the
  friendly `500.html`.

Both pages are rendered without a request context, so no context processor runs and nothing
touches the database; they load only the site's own stylesheet. They speak the language the
browser asks for (language cookie or Accept-Language; German by default) and carry
both texts themselves, so no catalogue is needed. The traceback goes to the
server log (`django.request`), never into the response. Settings:
`RATHAUS_RETRY_AFTER_SECONDS` (default 30).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation

logger = logging.getLogger("rathaus.failures")

DATABASE_ERRORS = (OperationalError, InterfaceError)
API_PREFIX = "/api/"
PLAIN_503 = "Der Dienst ist kurz nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.\n"
PLAIN_500 = "Es ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal.\n"


def retry_after_seconds() -> int:
    return getattr(settings, "RATHAUS_RETRY_AFTER_SECONDS", 30)


def _page(request: HttpRequest, template: str, fallback: str, status: int) -> HttpResponse:
    try:
        context = {
            "retry_after": retry_after_seconds(),
            "city_name": getattr(settings, "RATHAUS_CITY_NAME", "Bottrop"),
        }
        # From the request itself: the error may come before the locale middleware ran.
        with translation.override(translation.get_language_from_request(request)):
            body = loader.render_to_string(template, context)
    except Exception:  # the failure page itself must never fail
        logger.exception("failure page %s could not be rendered", template)
        return HttpResponse(fallback, status=status, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, status=status)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 answer: HTML for people, JSON under /api/; both say when to try again."""
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {
                "detail": "The service is briefly unavailable. Please try again shortly.",
                "code": "service_unavailable",
            },
            status=503,
        )
    else:
        response = _page(request, "503.html", PLAIN_503, 503)
    response["Retry-After"] = str(retry_after_seconds())
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 when the cause is the database, otherwise the friendly 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return database_unavailable(request)
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": "Internal server error.", "code": "server_error"}, status=500
        )
    return _page(request, "500.html", PLAIN_500, 500)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        # The class name only: driver messages can quote SQL parameters (personal data).
        logger.warning("database unavailable: %s", type(exception).__name__)
        return database_unavailable(request)
