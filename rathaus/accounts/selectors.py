"""Access gates of the staff pages in `accounts` (privacy tools, own account)."""

from __future__ import annotations

from django.conf import settings

from rathaus.core import sql

from . import roles

PRIVACY_ROLES = (roles.REGISTRY_OFFICE, roles.CITIZEN_OFFICE_ADMIN)


def role_held(user, role: str) -> bool:
    """`user` is in the group `role`: one written-out read, for gates in front of hammered
    addresses (the enforcement lookup); `user.groups.filter(name=…).exists()` elsewhere."""
    return bool(sql.rows(_ROLE_HELD, [user.pk, role]))


_ROLE_HELD = (
    "SELECT 1 FROM auth_user_groups JOIN auth_group ON auth_group.id = auth_user_groups.group_id"
    " WHERE auth_user_groups.user_id = %s AND auth_group.name = %s LIMIT 1"
)


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
