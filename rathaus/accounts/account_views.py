"""The signed-in member of staff's own account: password change and "log out everywhere"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache

from .access import second_factor_redirect
from .middleware import absolute_limit, idle_limit
from .selectors import access_privacy_tools, second_factor_missing
from .services import staff_sessions_end_all


@method_decorator(never_cache, name="dispatch")
class StaffAccountMixin(LoginRequiredMixin):
    """Signed in, and past the second factor where it is required."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and second_factor_missing(request.user):
            return second_factor_redirect(request)
        response = super().dispatch(request, *args, **kwargs)
        response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


class AccountView(StaffAccountMixin, View):
    def get(self, request):
        context = {
            "idle_minutes": int(idle_limit().total_seconds() // 60),
            "absolute_hours": int(absolute_limit().total_seconds() // 3600),
            "privacy_tools": access_privacy_tools(request.user),
        }
        return render(request, "accounts/account.html", context)


class PasswordChangeView(StaffAccountMixin, auth_views.PasswordChangeView):
    """Django's view: the other sessions end (session hash), this one stays signed in."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password has been changed. You have been logged out on all other devices."),
        )
        return response


class LogoutEverywhereView(StaffAccountMixin, View):
    """End every session of this user, this one included (POST only)."""

    def post(self, request):
        staff_sessions_end_all(user=request.user)
        logout(request)
        messages.success(request, _("You have been logged out on all devices."))
        return redirect("accounts:login")
