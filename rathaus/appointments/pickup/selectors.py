"""Reads of the pick-up sub-app."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, QuerySet

from rathaus.accounts import roles
from rathaus.appointments.selectors import (
    FreeTime,
    PersonNeed,
    Plan,
    PlanInvalid,
    free_times,
    plan_make,
)
from rathaus.core.timezone import BERLIN
from rathaus.core.tokens import token_verify

from .constants import SERVICE_SLUG, SLOT_DAYS, TOKEN_NAMESPACE, PickupStatus
from .models import Pickup


def access_pickup_staff(user: object) -> bool:
    """The citizen-office administration (and superusers)."""
    if not (getattr(user, "is_active", False) and getattr(user, "is_staff", False)):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return bool(user.groups.filter(name=roles.CITIZEN_OFFICE_ADMIN).exists())  # type: ignore[attr-defined]


def pickup_for_token(reference: str, token: str) -> Pickup | None:
    pickup = (
        Pickup.objects.select_related("location", "appointment")
        .filter(reference=reference[:20], erased_at__isnull=True)
        .first()
    )
    if pickup is None or not token_verify(
        token,
        namespace=TOKEN_NAMESPACE,
        purpose="manage",
        reference=pickup.reference,
        nonce=pickup.token_nonce,
    ):
        return None
    return pickup


def pickup_get(reference: str) -> Pickup | None:
    return (
        Pickup.objects.select_related("location", "appointment")
        .filter(reference=reference[:20])
        .first()
    )


def pickups_for_staff(status: str = "", q: str = "") -> QuerySet[Pickup]:
    pickups = Pickup.objects.select_related("location", "appointment").filter(
        erased_at__isnull=True
    )
    if status:
        pickups = pickups.filter(status=status)
    if q:
        pickups = pickups.filter(document_number__iexact=q.strip()) | pickups.filter(
            family_name__iexact=q.strip()
        )
    return pickups.order_by("-ready_at", "pk")[:500]


def pickup_counts() -> dict[str, int]:
    rows = Pickup.objects.filter(erased_at__isnull=True).values("status").annotate(n=Count("pk"))
    counts = {status.value: 0 for status in PickupStatus}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def pickup_plan(pickup: Pickup) -> Plan:
    return plan_make(pickup.location, [PersonNeed(((SERVICE_SLUG, 1),))])


def pickup_times(pickup: Pickup, now: datetime) -> list[FreeTime]:
    try:
        plan = pickup_plan(pickup)
    except PlanInvalid:
        return []
    first = now.astimezone(BERLIN).date()
    return free_times(plan, first, first + timedelta(days=SLOT_DAYS), now=now)
