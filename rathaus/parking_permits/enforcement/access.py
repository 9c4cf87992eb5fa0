"""The gate of every /kontrolle/ page and API: signed in, the page's role, and a confirmed TOTP
second factor whatever `RATHAUS_STAFF_OTP_REQUIRED` says (enforcement data under § 63g StVG).

Pages send an officer without the second factor to the TOTP step (set-up on the first login,
then the code); the JSON endpoints answer 403 JSON instead, with the address of that step, so
the app can send the officer there. Anonymous requests go to the login either way."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from rathaus.accounts.access import staff_page
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
                query = urlencode({"next": reverse("enforcement:app")})
                return JsonResponse(
                    {
                        "error": _("Please confirm your login with the second factor."),
                        "second_factor": f"{reverse('accounts:otp-verify')}?{query}",
                    },
                    status=403,
                )
            response = view(request, *args, **kwargs)
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
            return response

        return never_cache(wrapped)

    return decorator
