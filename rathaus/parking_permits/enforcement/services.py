"""Writes of the enforcement app: every online plate lookup leaves one log row (kept 30 days,
§ 63g Abs. 4 StVG) and one count in the anonymous hourly tally; the job that deletes old log
rows. No plate is ever written to the application log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction

from rathaus.core.timezone import to_local

from ..plates import plate_check
from . import selectors
from .models import LookupLog, LookupTally


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
    """One log row and one count in the hour's tally (an atomic increment; the first lookup
    of an hour creates the row, and a racing second one increments what the first made).
    Plain statements: this runs on every lookup, and the ORM's query building cost more than
    the database's work here."""
    hour = _hour(now)
    checked_at = _db_datetime(now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _LOG_INSERT.format(table=LookupLog._meta.db_table),
            [getattr(officer, "pk", None), plate[:20], zone_id, allowed, checked_at],
        )
        if _tally_add(cursor, zone_id, _db_datetime(hour), allowed):
            return
        try:
            with transaction.atomic():
                LookupTally.objects.create(
                    zone_id=zone_id, hour=hour, lookups=1, allowed=int(allowed)
                )
        except IntegrityError:
            _tally_add(cursor, zone_id, _db_datetime(hour), allowed)


_LOG_INSERT = (
    "INSERT INTO {table} (officer_id, plate, zone_id, allowed, checked_at)"
    " VALUES (%s, %s, %s, %s, %s)"
)
_TALLY_ADD = (
    "UPDATE {table} SET lookups = lookups + 1, allowed = allowed + %s WHERE hour = %s AND {zone}"
)


def _db_datetime(moment: datetime) -> Any:
    return LookupLog._meta.get_field("checked_at").get_db_prep_value(moment, connection)


def _tally_add(cursor: Any, zone_id: int | None, hour: Any, allowed: bool) -> bool:
    table = LookupTally._meta.db_table
    if zone_id is None:
        cursor.execute(_TALLY_ADD.format(table=table, zone="zone_id IS NULL"), [int(allowed), hour])
    else:
        cursor.execute(
            _TALLY_ADD.format(table=table, zone="zone_id = %s"), [int(allowed), hour, zone_id]
        )
    return bool(cursor.rowcount)


def lookups_delete_old(*, now: datetime) -> int:
    """Delete the log rows older than 30 days (the anonymous tally stays). Idempotent."""
    deleted, _ = LookupLog.objects.filter(checked_at__lt=selectors.lookup_log_cutoff(now)).delete()
    return deleted
