"""Writes of the enforcement app: every online plate lookup leaves one log row (kept 30 days,
§ 63g Abs. 4 StVG) and one count in the anonymous hourly tally; the job that deletes old log
rows. No plate is ever written to the application log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from rathaus.core import sql
from rathaus.core.revision import RevisionMoved, revision_unchanged
from rathaus.core.timezone import to_local

from ..plates import plate_check
from . import selectors
from .models import LookupLog


class LookupInvalid(ValueError):
    """The input is no plate (nothing was looked up, nothing logged)."""


class ZoneUnknown(ValueError):
    pass


@dataclass(frozen=True)
class LookupAnswer:
    query: str
    checked_at: datetime
    readings: list[selectors.Reading]
    zone: selectors.ZoneFacts | None  # the zone asked about

    @property
    def allowed(self) -> bool:
        return any(reading.allowed for reading in self.readings)

    @property
    def logged_zone(self) -> selectors.ZoneFacts | None:
        """The zone of the log: of the first permit found, else the zone asked about."""
        for reading in self.readings:
            for permit in reading.permits:
                return permit.zone
        return self.zone


def plate_lookup(
    *,
    officer: Any,
    text: str,
    zone_slug: str = "",
    now: datetime,
    facts: selectors.Zones | None = None,
) -> LookupAnswer:
    """Look a typed plate up (every reading of it) and log the lookup; LookupInvalid for an
    input that is no plate, ZoneUnknown for a zone that does not exist. `facts`: the zones,
    when the caller has read them already."""
    query = (text or "").strip()
    facts = facts or selectors.zones()
    zone = None
    if zone_slug:
        zone = facts.by_slug.get(zone_slug)
        if zone is None:
            raise ZoneUnknown(zone_slug)
    check = plate_check(query)
    if not check.readings:
        raise LookupInvalid(query)
    readings = selectors.readings_lookup(check.readings, now=now, zone=zone, facts=facts)
    answer = LookupAnswer(query, now, readings, zone)
    logged = answer.logged_zone
    lookup_record(
        officer=officer,
        plate=query,
        zone_id=logged.pk if logged else None,
        allowed=answer.allowed,
        now=now,
    )
    return answer


def _hour(now: datetime) -> datetime:
    return to_local(now).replace(minute=0, second=0, microsecond=0)


def lookup_record(
    *, officer: Any, plate: str, zone_id: int | None, allowed: bool, now: datetime
) -> None:
    """One log row and one count in the hour's tally (the first lookup of an hour creates the
    tally row, a racing second one adds to it: an upsert). Every online lookup runs this, so
    it is written out: one statement on PostgreSQL (a data-modifying CTE, committed alone),
    two in one transaction on SQLite. Under `revision_assumed` the log row is written only
    while the configuration is the one the lookup used; RevisionMoved otherwise."""
    log_values = [getattr(officer, "pk", None), plate[:20], zone_id, allowed, now]
    hour = _hour(now)
    condition = revision_unchanged()
    where, extra = ("WHERE " + condition[0], condition[1]) if condition else ("", [])
    conflict = _conflict(zone_id)
    if connection.vendor == "postgresql":
        query = _LOG_AND_TALLY.replace("{where}", where).replace("{conflict}", conflict)
        written = sql.rows(query, [*log_values, *extra, hour])
    else:
        with transaction.atomic():
            written = sql.rows(_LOG.replace("{where}", where), [*log_values, *extra])
            if written:
                tally_values = [zone_id, hour, 1, int(allowed)]
                sql.rows(_TALLY.replace("{conflict}", conflict), tally_values)
    if not written:
        raise RevisionMoved("the configuration changed while the plate was looked up")


_LOG = (
    "INSERT INTO parking_enforcement_lookuplog (officer_id, plate, zone_id, allowed, checked_at)"
    " SELECT %s, %s, %s, %s, %s {where} RETURNING id"
)
_TALLY = (
    "INSERT INTO parking_enforcement_lookuptally (zone_id, hour, lookups, allowed)"
    " VALUES (%s, %s, %s, %s) ON CONFLICT {conflict} DO UPDATE SET"
    " lookups = parking_enforcement_lookuptally.lookups + 1,"
    " allowed = parking_enforcement_lookuptally.allowed + excluded.allowed RETURNING id"
)
_LOG_AND_TALLY = (
    "WITH logged AS ("
    "INSERT INTO parking_enforcement_lookuplog (officer_id, plate, zone_id, allowed, checked_at)"
    " SELECT %s, %s, %s, %s, %s {where} RETURNING zone_id, allowed"
    ") INSERT INTO parking_enforcement_lookuptally (zone_id, hour, lookups, allowed)"
    " SELECT zone_id, %s, 1, CASE WHEN allowed THEN 1 ELSE 0 END FROM logged"
    " ON CONFLICT {conflict} DO UPDATE SET"
    " lookups = parking_enforcement_lookuptally.lookups + 1,"
    " allowed = parking_enforcement_lookuptally.allowed + excluded.allowed RETURNING id"
)


def _conflict(zone_id: int | None) -> str:
    # the two unique constraints of LookupTally (NULLs are distinct in the first one)
    return "(zone_id, hour)" if zone_id is not None else "(hour) WHERE zone_id IS NULL"


def lookups_delete_old(*, now: datetime) -> int:
    """Delete the log rows older than 30 days (the anonymous tally stays). Idempotent."""
    deleted, _ = LookupLog.objects.filter(checked_at__lt=selectors.lookup_log_cutoff(now)).delete()
    return deleted
