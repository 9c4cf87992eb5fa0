"""Reads of the enforcement app: who may use it, the zones, the revocation list, the plate
lookup (one query for every reading of a plate) and the lookup log for the data-protection
officer.

When a permit counts: not revoked, begun (`valid_from` ≤ today), and now is no later than the
end of its last day — `valid_until`, or `ends_on` when the holder moved out and that is
earlier — plus the zone's grace period. Days end at midnight Europe/Berlin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django.db.models import Q, QuerySet

from rathaus.accounts import roles
from rathaus.accounts.selectors import role_held
from rathaus.core import sql
from rathaus.core.revision import cached
from rathaus.core.timezone import local_datetime, to_local

from ..constants import PERMIT_PREFIX
from ..models import Permit, Zone
from ..plates import Plate
from .models import LookupLog

REVOCATION_FORMAT = 1
NUMBER_WIDTH = 6  # the random part of a permit number (services/permits.py)
LOG_RETENTION_DAYS = 30  # § 63g Abs. 4 StVG
LOG_PAGE_SIZE = 50


def access_enforcement(user: Any) -> bool:
    """Officers of the traffic enforcement (Verkehrsüberwachung)."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or role_held(user, roles.TRAFFIC_ENFORCEMENT)


def access_lookup_log(user: Any) -> bool:
    """The data-protection officer (and superusers): the log of the online lookups."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or role_held(user, roles.DATA_PROTECTION_OFFICER)


# --- Zones ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneFacts:
    pk: int
    slug: str
    name: str
    grace_minutes: int


@dataclass(frozen=True)
class Zones:
    by_pk: dict[int, ZoneFacts]
    by_slug: dict[str, ZoneFacts]

    @property
    def max_grace(self) -> timedelta:
        return timedelta(minutes=max((z.grace_minutes for z in self.by_pk.values()), default=0))


def _zones_load() -> Zones:
    facts = [
        ZoneFacts(pk, slug, name, grace)
        for pk, slug, name, grace in Zone.objects.order_by("name").values_list(
            "pk", "slug", "name", "grace_minutes"
        )
    ]
    return Zones({z.pk: z for z in facts}, {z.slug: z for z in facts})


def zones() -> Zones:
    """Every zone (also inactive ones: their permits run out), cached until the configuration
    changes (rathaus/core/revision.py)."""
    return cached("parking_enforcement.zones", _zones_load)


def zone_choices(facts: Zones | None = None) -> list[tuple[str, str]]:
    return [(z.slug, z.name) for z in (facts or zones()).by_slug.values()]


# --- When a permit counts ---------------------------------------------------------------------


def last_day(valid_until: date, ends_on: date | None) -> date:
    return min(valid_until, ends_on) if ends_on is not None else valid_until


@lru_cache(maxsize=4096)
def end_of(day: date) -> datetime:
    """The instant a permit whose last day is `day` stops being valid (midnight, Berlin)."""
    return local_datetime(day + timedelta(days=1), time(0))


# --- The revocation list ----------------------------------------------------------------------


def revocation_list(*, now: datetime) -> dict[str, Any]:
    """What the app keeps offline next to the public keys (docs/parking-permits.md,
    "Enforcement (server side)"): the number suffixes of every permit that was revoked,
    replaced or ended before its printed validity, as long as that validity (plus the zone's
    grace) has not passed, sorted for a binary search; and the last day of every permit whose
    holder moved out."""
    facts = zones()
    today = to_local(now).date()
    # A permit whose printed validity has passed checks as expired by itself: leave it out.
    earliest = today - timedelta(days=facts.max_grace.days + 2)
    prefix = f"{PERMIT_PREFIX}-"
    rows = (
        Permit.objects.filter(
            Q(revoked_at__isnull=False) | Q(ends_on__isnull=False), valid_until__gte=earliest
        )
        .order_by()
        .values_list("number", "valid_until", "ends_on", "revoked_at", "zone_id")
    )
    revoked: list[str] = []
    ends: dict[str, str] = {}
    for number, valid_until, ends_on, revoked_at, zone_id in rows:
        suffix = number[len(prefix) :]
        if not number.startswith(prefix) or len(suffix) != NUMBER_WIDTH:
            continue
        zone = facts.by_pk.get(zone_id)
        grace = timedelta(minutes=zone.grace_minutes if zone else 0)
        if end_of(valid_until) + grace < now:
            continue
        ended = ends_on is not None and end_of(ends_on) + grace < now
        if revoked_at is not None or ended:
            revoked.append(suffix)
        elif ends_on is not None and ends_on < valid_until:
            ends[suffix] = ends_on.isoformat()
    revoked.sort()
    return {
        "format": REVOCATION_FORMAT,
        "generated_at": to_local(now).isoformat(timespec="seconds"),
        "permit_prefix": prefix,
        "width": NUMBER_WIDTH,
        "revoked": "".join(revoked),
        "ends": dict(sorted(ends.items())),
        "zones": {
            z.slug: {"name": z.name, "grace_minutes": z.grace_minutes}
            for z in facts.by_slug.values()
        },
    }


# --- The plate lookup -------------------------------------------------------------------------


@dataclass(frozen=True)
class PermitFound:
    kind: str
    zone: ZoneFacts
    valid_until: date  # the last day it counts (ends_on when earlier)
    in_grace: bool


@dataclass(frozen=True)
class Reading:
    plate: str
    permits: tuple[PermitFound, ...]

    @property
    def allowed(self) -> bool:
        return bool(self.permits)


# Written out (rathaus/core/sql.py): every online lookup runs it, and building the ORM query
# cost more than PostgreSQL needs to answer it (docs/benchmarks.md, "Issue 17").
_READINGS = (
    "SELECT plate, kind, zone_id, valid_until, ends_on FROM parking_permits_permit"
    " WHERE plate IN ({plates}) AND revoked_at IS NULL AND valid_from <= %s"
    " AND valid_until >= %s"
)


def readings_lookup(
    plates: tuple[Plate, ...],
    *,
    now: datetime,
    zone: ZoneFacts | None = None,
    facts: Zones | None = None,
) -> list[Reading]:
    """Every reading with the permits that allow it now (in `zone` when given): one query."""
    facts = facts or zones()
    canonical = [plate.canonical for plate in plates]
    today = to_local(now).date()
    earliest = today - timedelta(days=facts.max_grace.days + 2)
    query = _READINGS.replace("{plates}", sql.placeholders(len(canonical)))
    params: list[object] = [*canonical, today, earliest]
    if zone is not None:
        query += " AND zone_id = %s"
        params.append(zone.pk)
    found: dict[str, list[PermitFound]] = {plate: [] for plate in canonical}
    for plate, kind, zone_id, valid_until, ends_on in sql.rows(query, params):
        valid_until, ends_on = sql.date_read(valid_until), sql.date_read(ends_on)
        permit_zone = facts.by_pk.get(zone_id)
        if permit_zone is None:
            continue
        day = last_day(valid_until, ends_on)
        end = end_of(day)
        if now > end + timedelta(minutes=permit_zone.grace_minutes):
            continue
        found[plate].append(PermitFound(kind, permit_zone, day, in_grace=now > end))
    return [
        Reading(plate, tuple(sorted(found[plate], key=lambda p: (p.in_grace, p.zone.name))))
        for plate in canonical
    ]


# --- The log for the data-protection officer ---------------------------------------------------


def lookup_log(*, plate: str = "", officer: str = "") -> QuerySet[LookupLog]:
    entries = LookupLog.objects.select_related("officer", "zone").order_by("-checked_at", "-pk")
    if plate:
        entries = entries.filter(plate__icontains=plate.strip())
    if officer:
        entries = entries.filter(officer__username__icontains=officer.strip())
    return entries


def lookup_log_cutoff(now: datetime) -> datetime:
    """Entries checked before this are deleted: 30 days back on the Berlin wall clock."""
    return to_local(now) - timedelta(days=LOG_RETENTION_DAYS)
