"""Reads of the enforcement app."""

from __future__ import annotations

from typing import Any

from rathaus.accounts import roles


def access_enforcement(user: Any) -> bool:
    """Officers of the traffic enforcement (Verkehrsüberwachung)."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=roles.TRAFFIC_ENFORCEMENT).exists()
