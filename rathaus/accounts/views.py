"""Staff login and logout, and the TOTP second factor.

The django-otp models are imported inside the views: the app works (and its tests run) before
`django_otp` is in INSTALLED_APPS, and the second factor is switched on by settings
(`RATHAUS_STAFF_OTP_REQUIRED`, see docs/runbooks/staff-login.md).
"""

from __future__ import annotations

import segno
from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache

from . import services
from .middleware import session_remaining, session_touch


def _home(user=None) -> str:
    """Where staff start after logging in: the staff shell's start page."""
    if user is None or (user.is_authenticated and user.is_staff):
        return reverse("staff:home")
    return "/"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return _home(getattr(request, "user", None))


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return _home(self.request.user)


class StaffLogoutView(auth_views.LogoutView):
    next_page = "accounts:login"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _devices(user, confirmed=True):
    from django_otp import devices_for_user

    return list(devices_for_user(user, confirmed=confirmed))


@method_decorator(never_cache, name="dispatch")
class SecondFactorVerifyView(LoginRequiredMixin, View):
    template_name = "accounts/otp_verify.html"

    def get(self, request):
        if not _devices(request.user):
            return redirect(f"{reverse('accounts:otp-setup')}?next={_next(request)}")
        return render(request, self.template_name, {"form": TokenForm(), "next": _next(request)})

    def post(self, request):
        from django_otp import login as otp_login
        from django_otp import match_token

        form = TokenForm(request.POST)
        device = match_token(request.user, form.cleaned_data["token"]) if form.is_valid() else None
        if device is None:
            form.add_error("token", _("The code is not valid. Please try the current one."))
            return render(request, self.template_name, {"form": form, "next": _next(request)})
        otp_login(request, device)
        return redirect(_next(request))


@method_decorator(never_cache, name="dispatch")
class SecondFactorSetupView(LoginRequiredMixin, View):
    """Set up the first authenticator: shows the secret as QR code (SVG) and text, once."""

    template_name = "accounts/otp_setup.html"

    def _device(self, request):
        return services.totp_device_pending_ensure(user=request.user)

    def _render(self, request, form):
        device = self._device(request)
        qr = segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=False)
        context = {
            "form": form,
            "qr_svg": qr,
            "secret": device.config_url.split("secret=")[1].split("&")[0],
            "next": _next(request),
        }
        return render(request, self.template_name, context)

    def get(self, request):
        if _devices(request.user):
            return redirect(_next(request))
        return self._render(request, TokenForm())

    def post(self, request):
        from django_otp import login as otp_login

        if _devices(request.user):
            return redirect(_next(request))
        form = TokenForm(request.POST)
        device = self._device(request)
        if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
            services.totp_device_confirm(device=device)
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("The code is not valid. Please try the current one."))
        return self._render(request, form)


@method_decorator(never_cache, name="dispatch")
class SessionExtendView(View):
    """The session warning's "stay logged in": notes activity now. The script gets JSON with
    the seconds left; without the script the form posts here and goes back to the page."""

    def post(self, request):
        wants_json = "application/json" in request.headers.get("Accept", "")
        if not request.user.is_authenticated:
            if wants_json:
                return JsonResponse({"remaining": 0}, status=401)
            return redirect_to_login(_next(request))
        now = timezone.now()
        session_touch(request, now, force=True)
        remaining = int(session_remaining(request.session, now).total_seconds())
        if wants_json:
            return JsonResponse({"remaining": remaining})
        response = HttpResponseRedirect(_next(request))
        response.status_code = 303
        return response
