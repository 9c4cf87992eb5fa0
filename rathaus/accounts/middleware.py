"""Staff sessions end after idle time, after an absolute lifetime and on "log out everywhere".

The session of a signed-in user carries `{"user", "start", "seen"}` (Unix seconds), written
on the first answer after the login. Before each request the session ends, with a message on
the login page, when

- nothing happened for `RATHAUS_STAFF_SESSION_IDLE_MINUTES` (default 30),
- it began more than `RATHAUS_STAFF_SESSION_ABSOLUTE_HOURS` ago (default 10), or
- it began at or before the user's `StaffSessionRevocation` ("log out everywhere"; also set
  when an account is deactivated, see `signals.py`).

A password change ends the other sessions through Django's session hash, and a deactivated
account is refused by the authentication backend; this middleware adds the limits above.
Place it after the authentication, OTP and message middleware. Requests without a session
cookie are not looked at, so public pages stay free of `Vary: Cookie`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.core import sql

SESSION_KEY = "_rathaus_staff_session"
EXPIRY_MARGIN = timedelta(minutes=5)
SEEN_RESOLUTION = 60  # seconds; fewer session writes, idle limit exact to the minute
WARNING_LEAD = timedelta(minutes=2)  # the session warning shows this long before the end
API_PREFIX = "/api/"

IDLE, ABSOLUTE, REVOKED = "idle", "absolute", "revoked"
MESSAGES = {
    IDLE: _(
        "You have been logged out because nothing happened for %(minutes)s minutes. "
        "Please log in again."
    ),
    ABSOLUTE: _(
        "You have been logged out because your session may last at most %(hours)s hours. "
        "Please log in again."
    ),
    REVOKED: _(
        "You have been logged out because your sessions on all devices were ended. "
        "Please log in again."
    ),
}


def idle_limit() -> timedelta:
    return timedelta(minutes=getattr(settings, "RATHAUS_STAFF_SESSION_IDLE_MINUTES", 30))


def absolute_limit() -> timedelta:
    return timedelta(hours=getattr(settings, "RATHAUS_STAFF_SESSION_ABSOLUTE_HOURS", 10))


def _revoked_at(user) -> datetime | None:
    # written out: every signed-in request asks, and the ORM's query building cost more than
    # the primary-key read (the enforcement lookup's budget, docs/benchmarks.md "Issue 17")
    found = sql.rows(_REVOKED_AT, [user.pk])
    return sql.datetime_read(found[0][0]) if found else None


_REVOKED_AT = "SELECT revoked_at FROM accounts_staffsessionrevocation WHERE user_id = %s"


def session_end_reason(session, user, now: datetime) -> str | None:
    """Why this signed-in session must end now, or None."""
    stamp = session.get(SESSION_KEY)
    revoked_at = _revoked_at(user)
    if not stamp or stamp.get("user") != user.pk:
        # No stamp yet (the login answer failed, or a session older than this middleware):
        # it counts as begun before any revocation.
        return REVOKED if revoked_at is not None else None
    if revoked_at is not None and stamp["start"] <= revoked_at.timestamp():
        return REVOKED
    now_ts = now.timestamp()
    if now_ts - stamp["start"] > absolute_limit().total_seconds():
        return ABSOLUTE
    if now_ts - stamp["seen"] > idle_limit().total_seconds():
        return IDLE
    return None


def _seen_resolution() -> float:
    # At most a tenth of the idle limit, so that short limits (tests) stay exact enough.
    return min(SEEN_RESOLUTION, idle_limit().total_seconds() / 10)


def session_touch(request, now: datetime, *, force: bool = False) -> None:
    """Stamp a new session; note activity on an existing one (at most once a minute unless
    `force`, as for "stay logged in")."""
    user = request.user
    stamp = request.session.get(SESSION_KEY)
    now_ts = now.timestamp()
    if not stamp or stamp.get("user") != user.pk:
        request.session[SESSION_KEY] = {"user": user.pk, "start": now_ts, "seen": now_ts}
        # The cookie and the stored session end with the absolute lifetime, too (a little
        # later, so that the next request still learns why it was logged out).
        request.session.set_expiry(now + absolute_limit() + EXPIRY_MARGIN)
    elif force or now_ts - stamp["seen"] >= _seen_resolution():
        request.session[SESSION_KEY] = {**stamp, "seen": now_ts}


def session_remaining(session, now: datetime) -> timedelta:
    """How long the session lasts after this request without further activity: the idle
    limit from the activity this request notes, at most until the absolute limit."""
    stamp = session.get(SESSION_KEY) or {}
    now_ts = now.timestamp()
    seen = stamp.get("seen", now_ts)
    if now_ts - seen >= _seen_resolution():
        seen = now_ts
    idle_end = seen + idle_limit().total_seconds()
    absolute_end = stamp.get("start", now_ts) + absolute_limit().total_seconds()
    return timedelta(seconds=max(0.0, min(idle_end, absolute_end) - now_ts))


def session_warning_lead() -> timedelta:
    """How long before the end the warning shows: two minutes, or half of a shorter limit."""
    return min(WARNING_LEAD, idle_limit() / 2)


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = timezone.now()
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            reason = session_end_reason(request.session, request.user, now)
            if reason is not None:
                return self._end(request, reason)
            # For the session warning of the staff pages (accounts/_session_warning.html).
            request.staff_session_remaining = session_remaining(request.session, now)
        response = self.get_response(request)
        if (
            response.status_code < 500
            and request.session.accessed
            and request.user.is_authenticated
        ):
            session_touch(request, now)
        return response

    def _end(self, request, reason: str):
        logout(request)
        if request.path.startswith(API_PREFIX):
            return self.get_response(request)  # the API answers as for anyone not signed in
        limits = {
            "minutes": int(idle_limit().total_seconds() // 60),
            "hours": int(absolute_limit().total_seconds() // 3600),
        }
        messages.warning(request, MESSAGES[reason] % limits)
        login_url = settings.LOGIN_URL
        if request.method in ("GET", "HEAD") and request.path != login_url:
            login_url = f"{login_url}?{urlencode({'next': request.get_full_path()})}"
        return redirect(login_url)
