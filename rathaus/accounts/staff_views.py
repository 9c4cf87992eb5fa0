"""The staff shell's start page at /verwaltung/: the domains the person's roles allow."""

from __future__ import annotations

from django.shortcuts import render

from .access import staff_page


def _staff_account(user) -> bool:
    return user.is_active and user.is_staff


@staff_page(_staff_account)
def staff_home(request):
    return render(request, "accounts/staff_home.html")  # the domains: `{% staff_domains %}`
