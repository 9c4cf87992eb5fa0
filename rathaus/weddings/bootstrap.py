"""Load Bottrop's venues, registrars and default ceremony rules. Idempotent.

Only missing rows are created; an existing venue, registrar or rule set is never touched, so a
second run changes nothing and what staff edited stays as they left it. The one exception: a
venue whose status has no recorded source yet (rows from before issue 12) takes status, contact
and English texts from the data once; after that it, too, is left alone.
"""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

from dateutil.easter import easter
from django.db import transaction

from rathaus.core.timezone import local_datetime
from rathaus.scheduling.constants import SlotMode
from rathaus.scheduling.models import Closure, Resource, WeeklyRule

from .constants import KIND_CEREMONY_ROOM, KIND_REGISTRAR, District
from .models import Registrar, ReservationPolicy, Venue

DATA = Path(__file__).resolve().parent / "data"
DEFAULTS_SOURCE = "bottrop-defaults"


def _read(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _district(area: str) -> str:
    return District.KIRCHHELLEN if "kirchhellen" in area.lower() else District.ALT_BOTTROP


def _rules(resource: Resource, templates: list[dict]) -> int:
    if resource.weekly_rules.exists():
        return 0
    rules = [
        WeeklyRule(
            resource=resource,
            weekday=weekday,
            start_time=time.fromisoformat(template["start"]),
            end_time=time.fromisoformat(template["end"]),
            slot_mode=template.get("slot_mode", SlotMode.WINDOW),
            slot_minutes=template.get("slot_minutes", 30),
            buffer_minutes=template.get("buffer_minutes", 0),
            fixed_starts=template.get("fixed_starts", []),
            note=template.get("note", ""),
        )
        for template in templates
        for weekday in template["weekdays"]
    ]
    WeeklyRule.objects.bulk_create(rules)
    return len(rules)


def _sourced_fields(source: dict, extra: dict) -> dict:
    """Status with its source, contact with its source, and the English texts of the pages."""
    contact = extra.get("contact", {})
    return {
        "active": extra.get("active", True),
        "status_source": extra.get("status_source", ""),
        "phone": contact.get("phone", ""),
        "email": contact.get("email", ""),
        "website": contact.get("website", ""),
        "contact_source": contact.get("source", ""),
        "description_en": extra.get("description_en", ""),
        "accessibility_note_en": extra.get("accessibility_note_en", ""),
        "venue_costs_note_en": extra.get("venue_costs_note_en", ""),
    }


def _venue_status_backfill(venue: Venue, source: dict, extra: dict) -> None:
    if venue.status_source or not extra.get("status_source"):
        return
    for field, value in _sourced_fields(source, extra).items():
        setattr(venue, field, value)
    venue.requires_venue_agreement = extra.get("requires_venue_agreement", False)
    venue.save()


def _venue(source: dict, extra: dict, templates: dict) -> tuple[Venue, bool]:
    venue = Venue.objects.filter(slug=source["id"]).first()
    if venue:
        _venue_status_backfill(venue, source, extra)
        return venue, False
    resource, _ = Resource.objects.get_or_create(
        slug=f"venue-{source['id']}",
        defaults={"kind": KIND_CEREMONY_ROOM, "name": source["name"]},
    )
    venue = Venue.objects.create(
        resource=resource,
        slug=source["id"],
        name=source["name"],
        district=_district(source["area"] or ""),
        stadtteil=extra.get("stadtteil") or source.get("stadtteil") or "",
        address=extra.get("address") or source.get("address") or "",
        description=extra.get("description", ""),
        official_room=bool(source.get("official_room")),
        operator_name=extra.get("operator_name", source.get("operator") or ""),
        max_guests=source.get("capacity_ceremony") or extra["max_guests"],
        step_free=extra["step_free"],
        accessibility_note=extra.get("accessibility_note", ""),
        outdoor_possible=bool(source.get("outdoor_possible") or extra["outdoor_possible"]),
        fee_eur=Decimal(extra["fee_eur"]),
        fee_outside_hours_eur=Decimal(extra["fee_outside_hours_eur"]),
        venue_costs_note=extra.get("venue_costs_note", ""),
        travel_minutes=extra["travel_minutes"],
        requires_venue_agreement=extra.get("requires_venue_agreement", False),
        status_note=source.get("status") or "",
        assumptions=extra.get("assumptions", []),
        sources=source.get("sources", []),
        **_sourced_fields(source, extra),
    )
    _rules(resource, [templates[name] for name in extra["templates"]])
    return venue, True


def _registrar(entry: dict) -> bool:
    if Registrar.objects.filter(resource__slug=f"registrar-{entry['slug']}").exists():
        return False
    resource, _ = Resource.objects.get_or_create(
        slug=f"registrar-{entry['slug']}",
        defaults={"kind": KIND_REGISTRAR, "name": entry["name"]},
    )
    Registrar.objects.create(resource=resource, name=entry["name"])
    _rules(
        resource,
        [{"weekdays": days, "start": start, "end": end} for days, start, end in entry["duty"]],
    )
    return True


def _city_closures(years: list[int]) -> int:
    """Christmas week (the administration is closed) and Weiberfastnacht from 16:00."""
    created = 0
    for year in years:
        carnival_thursday = easter(year) - timedelta(days=52)
        spans = [
            (
                local_datetime(date(year, 12, 24), time.min),
                local_datetime(date(year + 1, 1, 1), time.min),
                "Weihnachtspause der Stadtverwaltung",
            ),
            (
                local_datetime(carnival_thursday, time(16, 0)),
                local_datetime(carnival_thursday + timedelta(days=1), time.min),
                "Weiberfastnacht: Dienstschluss 16 Uhr",
            ),
        ]
        for start, end, reason in spans:
            _, was_created = Closure.objects.get_or_create(
                resource=None,
                start=start,
                end=end,
                source=DEFAULTS_SOURCE,
                defaults={"reason": reason},
            )
            created += was_created
    return created


@transaction.atomic
def bottrop_data_load(*, today: date) -> dict[str, int]:
    sources = _read("venues.json")
    defaults = _read("bottrop_defaults.json")
    venues = sum(
        _venue(source, defaults["venues"][source["id"]], defaults["ceremony_templates"])[1]
        for source in sources
    )
    registrars = sum(_registrar(entry) for entry in defaults["registrars"])
    closures = _city_closures([today.year, today.year + 1, today.year + 2])
    policy = 0 if ReservationPolicy.objects.exists() else bool(ReservationPolicy.objects.create())
    return {"venues": venues, "registrars": registrars, "closures": closures, "policy": int(policy)}
