"""One gate for staff pages outside the back office (Wohngeld, Bürgerbüro): the same rules as
the back office's `BackofficeView` — signed in, the page's own access gate, the TOTP second
factor where it is required (`RATHAUS_STAFF_OTP_REQUIRED`, on in production). Their templates
extend `accounts/staff_base.html` for the staff navigation with logout."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache

from .selectors import second_factor_missing


def second_factor_redirect(request):
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('accounts:otp-verify')}?{query}")


def staff_page(
    gate: Callable[[object], bool],
    *,
    second_factor_always: bool = False,
    refused: Callable[[HttpRequest], HttpResponse] | None = None,
):
    """Decorate a function view: anonymous → login, `gate(user)` false → 403 (the page, or
    what `refused` answers, e.g. JSON for an API), password only while TOTP is required
    (`second_factor_always`: on every page of this view, whatever `RATHAUS_STAFF_OTP_REQUIRED`
    says) → the second-factor step, else the view (never cached)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not gate(user):
                if refused is not None:
                    return refused(request)
                raise PermissionDenied
            if second_factor_missing(user, always=second_factor_always):
                return second_factor_redirect(request)
            response = view(request, *args, **kwargs)
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
            return response

        return never_cache(wrapped)

    return decorator
