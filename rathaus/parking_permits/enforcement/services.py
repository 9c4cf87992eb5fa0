"""Writes of the enforcement app: every online plate lookup leaves one log row (kept 30 days,
§ 63g Abs. 4 StVG) and one count in the anonymous hourly tally; the job that deletes old log
rows. No plate is ever written to the application log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

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
    of an hour creates the row, and a racing second one increments what the first made)."""
    hour = _hour(now)
    with transaction.atomic():
        LookupLog.objects.create(
            officer=officer, plate=plate[:20], zone_id=zone_id, allowed=allowed, checked_at=now
        )
        if _tally_add(zone_id, hour, allowed):
            return
        try:
            with transaction.atomic():
                LookupTally.objects.create(
                    zone_id=zone_id, hour=hour, lookups=1, allowed=int(allowed)
                )
        except IntegrityError:
            _tally_add(zone_id, hour, allowed)


def _tally_add(zone_id: int | None, hour: datetime, allowed: bool) -> bool:
    return bool(
        LookupTally.objects.filter(zone_id=zone_id, hour=hour).update(
            lookups=F("lookups") + 1, allowed=F("allowed") + int(allowed)
        )
    )


def lookups_delete_old(*, now: datetime) -> int:
    """Delete the log rows older than 30 days (the anonymous tally stays). Idempotent."""
    deleted, _ = LookupLog.objects.filter(checked_at__lt=selectors.lookup_log_cutoff(now)).delete()
    return deleted
