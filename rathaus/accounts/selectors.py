"""Access gates of the staff pages in `accounts` (privacy tools, own account)."""

from __future__ import annotations

from django.conf import settings

from . import roles

PRIVACY_ROLES = (roles.REGISTRY_OFFICE, roles.CITIZEN_OFFICE_ADMIN)


def second_factor_missing(user, *, always: bool = False) -> bool:
    """Signed in with the password only while the second factor is required (`always`: the
    page requires it whatever the setting says, e.g. enforcement data under § 63g StVG)."""
    if not (always or getattr(settings, "RATHAUS_STAFF_OTP_REQUIRED", False)):
        return False
    return not getattr(user, "is_verified", lambda: False)()


def access_privacy_tools(user) -> bool:
    """Requests of data subjects: the registry office and the citizen-office administration."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=PRIVACY_ROLES).exists()
