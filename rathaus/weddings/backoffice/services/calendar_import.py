"""Writes of a venue's calendar import: its events become blocks (closures) on the venue, and
the calendar address the nightly import reads. Reading and fetching the file is
`ics_import` (see there for what is imported and the limits on untrusted input)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import ics
from rathaus.core.timezone import BERLIN
from rathaus.scheduling.models import Closure, Resource
from rathaus.scheduling.selectors import allocations_overlapping
from rathaus.weddings import audit_events as audit

from ...models import Venue, VenueCalendarSource
from .. import ics_import
from ..ics_import import ImportResult


def venue_calendar_import(*, actor, venue: Venue, data: bytes, now=None) -> ImportResult:
    """Bring the venue's imported blocks in line with the calendar. Idempotent."""
    now = now or timezone.now()
    today = now.astimezone(BERLIN).date()
    blocks = ics.blocks_parse(
        data, first=today, last=today + timedelta(days=ics_import.HORIZON_DAYS)
    )
    result = ImportResult()
    with transaction.atomic():
        list(Resource.objects.select_for_update().filter(pk=venue.resource_id).values_list("pk"))
        existing = {
            c.source_uid: c
            for c in Closure.objects.filter(resource_id=venue.resource_id, source=ics_import.SOURCE)
        }
        seen = set()
        for block in blocks:
            seen.add(block.uid)
            if allocations_overlapping(
                resource_ids=[venue.resource_id], start=block.start, end=block.end, now=now
            ).exists():
                result.conflicts.append(block)
                continue
            closure = existing.get(block.uid)
            if closure is None:
                Closure.objects.create(
                    resource_id=venue.resource_id,
                    start=block.start,
                    end=block.end,
                    reason=_("Event of the venue (calendar import)"),
                    source=ics_import.SOURCE,
                    source_uid=block.uid,
                )
                result.created += 1
            elif (closure.start, closure.end) != (block.start, block.end):
                closure.start, closure.end = block.start, block.end
                closure.save(update_fields=["start", "end", "updated_at"])
                result.updated += 1
            else:
                result.unchanged += 1
        gone = [c.pk for uid, c in existing.items() if uid not in seen and c.end > now]
        gone += [existing[b.uid].pk for b in result.conflicts if b.uid in existing]
        result.removed = Closure.objects.filter(pk__in=gone).delete()[0]
        if result.created or result.updated or result.removed or result.conflicts:
            _audit(actor, venue, result)
    return result


def _audit(actor, venue: Venue, result: ImportResult) -> None:
    audit.venue_calendar_imported(
        actor=actor,
        venue=venue,
        created=result.created,
        updated=result.updated,
        removed=result.removed,
        conflicts=len(result.conflicts),
    )


def venue_calendar_source_import(*, actor, source: VenueCalendarSource, now=None) -> ImportResult:
    """Fetch and import a venue's calendar address; the outcome is kept on the source."""
    now = now or timezone.now()
    try:
        result = venue_calendar_import(
            actor=actor, venue=source.venue, data=ics_import.calendar_fetch(source.url), now=now
        )
    except ics_import.ImportFailed as error:
        VenueCalendarSource.objects.filter(pk=source.pk).update(
            last_imported_at=now, last_result=str(error.message)[:300]
        )
        raise
    VenueCalendarSource.objects.filter(pk=source.pk).update(
        last_imported_at=now, last_result=result.summary()[:300]
    )
    return result


def venue_calendar_source_set(*, actor, venue: Venue, url: str) -> VenueCalendarSource | None:
    """Set (or with an empty `url`, remove) the address the nightly import reads."""
    with transaction.atomic():
        source = VenueCalendarSource.objects.select_for_update().filter(venue=venue).first()
        before = source.url if source else ""
        if before == url:
            return source
        if url:
            source, _created = VenueCalendarSource.objects.update_or_create(
                venue=venue, defaults={"url": url}
            )
        elif source:
            source.delete()
            source = None
        audit.venue_calendar_source_set(
            actor=actor,
            venue=venue,
            changes=[
                {"field": "url", "label": "calendar address (ICS)", "before": before, "after": url}
            ],
        )
    return source
