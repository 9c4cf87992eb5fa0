"""The gate of every /kontrolle/ page and API: signed in, the page's role, and a confirmed TOTP
second factor whatever `RATHAUS_STAFF_OTP_REQUIRED` says (enforcement data under § 63g StVG).

Pages and JSON endpoints alike send an officer without the second factor to the TOTP step
(set-up on the first login, then the code; every staff address does so, checked by
accounts/tests/test_staff_pages.py), so the app sees a redirect to an HTML page there. Anonymous
requests go to the login; other roles get 403 (JSON from the endpoints)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from rathaus.accounts.access import second_factor_redirect, staff_page
from rathaus.accounts.selectors import second_factor_missing

from .selectors import access_enforcement


def enforcement_page(gate: Callable[[object], bool] = access_enforcement):
    """A server-rendered page: `staff_page` with the second factor always required."""
    return staff_page(gate, second_factor_always=True)


def enforcement_api(gate: Callable[[object], bool] = access_enforcement):
    """A JSON endpoint of the app: login redirect for anonymous, 403 JSON otherwise."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not gate(user):
                return JsonResponse(
                    {"error": _("This is for traffic enforcement officers only.")}, status=403
                )
            if second_factor_missing(user, always=True):
                return second_factor_redirect(request)
            response = view(request, *args, **kwargs)
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
            return response

        return never_cache(wrapped)

    return decorator
