"""The gate of every /kontrolle/ page and API: signed in, the page's role, and a confirmed TOTP
second factor whatever `RATHAUS_STAFF_OTP_REQUIRED` says (enforcement data under § 63g StVG).

Pages and JSON endpoints alike send an officer without the second factor to the TOTP step
(set-up on the first login, then the code; every staff address does so, checked by
accounts/tests/test_staff_pages.py), so the app sees a redirect to an HTML page there. Anonymous
requests go to the login; other roles get 403 (JSON from the endpoints)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from rathaus.accounts.access import staff_page

from .selectors import access_enforcement


def enforcement_page(gate: Callable[[object], bool] = access_enforcement):
    """A server-rendered page: `staff_page` with the second factor always required."""
    return staff_page(gate, second_factor_always=True)


def _refused(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"error": _("This is for traffic enforcement officers only.")}, status=403)


def enforcement_api(gate: Callable[[object], bool] = access_enforcement):
    """A JSON endpoint of the app: login redirect for anonymous, 403 JSON otherwise."""
    return staff_page(gate, second_factor_always=True, refused=_refused)
