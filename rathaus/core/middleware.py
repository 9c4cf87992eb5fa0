"""Security headers on every response (ASVS V14.4, BSI APP.3.1): see docs/security.md."""

from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
# Django's admin sets a few inline style attributes; it is staff-only and behind login.
ADMIN_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@cache
def _with_live_origin(csp: str, site_url: str, live_url: str) -> str:
    """The live server's streams (RATHAUS_LIVE_URL) on another origin than the site's, as
    under `make run` (PORT + 1), are allowed to connect; behind nginx they share the origin."""
    live = _origin(live_url)
    if not live_url or live == _origin(site_url):
        return csp
    return csp.replace("connect-src 'self'", f"connect-src 'self' {live}")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        is_admin = request.path.startswith(self.admin_prefix)
        csp = _with_live_origin(
            ADMIN_CSP if is_admin else CSP,
            settings.SITE_URL,
            getattr(settings, "RATHAUS_LIVE_URL", ""),
        )
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Referrer-Policy", settings.SECURE_REFERRER_POLICY or "same-origin"
        )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Nothing a signed-in member of staff sees may stay in a shared browser's cache.
            response.headers["Cache-Control"] = "no-store"
        return response


class NoNulInPathMiddleware:
    """A path with a NUL character names nothing: 404 before any view looks it up.

    PostgreSQL text cannot hold NUL, so a lookup by such a path argument (a reference, a
    slug) would fail with a database error instead of "not found"; SQLite would simply find
    nothing. One check here keeps every view's lookup the same on both engines."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404
        return self.get_response(request)
