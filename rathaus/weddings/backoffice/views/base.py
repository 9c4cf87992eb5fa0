"""What every back-office view shares: login, the back-office gate, and small helpers.

The base class runs `access_backoffice` before any handler; each view then calls the narrower
`access_*` gate for what it shows (a venue, a reservation, a registrar).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from rathaus.core.redirects import see_other

from ..selectors import SecondFactorRequired, access_backoffice


@method_decorator(never_cache, name="dispatch")
class BackofficeView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            access_backoffice(request.user)
        except SecondFactorRequired:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:otp-verify')}?{query}")
        response = super().dispatch(request, *args, **kwargs)
        response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


def done(request, url: str, text) -> HttpResponseRedirect:
    messages.success(request, text)
    return see_other(url)
