"""Ending a wish: shared by the couple's withdrawal, the offers' outcomes and the sweep."""

from __future__ import annotations

from datetime import datetime

from ..constants import (
    WAITING_STATUSES,
)
from ..models import Wish


def wish_end(*, wish: Wish, status: str, now: datetime) -> None:
    """End a waiting wish (withdrawn, fulfilled, ended); one that has ended already stays."""
    Wish.objects.filter(pk=wish.pk, status__in=WAITING_STATUSES).update(
        status=status, ended_at=now, updated_at=now
    )
    wish.refresh_from_db(fields=["status", "ended_at"])
