"""Load the citizen office's catalogue, locations, counters, opening hours and the Christmas
emergency service from `data/catalogue.json`. Idempotent.

Only missing rows are created; what staff edited (a duration, a fee, opening hours) stays as
they left it. Fees are effective-dated: a fee row of the data that is missing (a new fee from
a new date) is added beside the existing ones.
"""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from rathaus.core.timezone import local_datetime
from rathaus.scheduling.constants import SlotMode
from rathaus.scheduling.engine import is_public_holiday
from rathaus.scheduling.models import Closure, ExtraOpening, Resource, WeeklyRule

from .constants import KIND_COUNTER
from .models import Counter, Fee, Location, Service

DATA = Path(__file__).resolve().parent / "data" / "catalogue.json"
SOURCE = "bottrop-citizen-office"
EMERGENCY_COUNTER = "Notdienst"

_LOCATION_FIELDS = [
    "kind", "name_de", "name_en", "address", "phone", "email", "directions_de", "directions_en",
    "horizon_days", "same_day_percent", "parallel_counters", "order", "assumptions",
]  # fmt: skip
_SERVICE_FIELDS = [
    "name_de", "name_en", "summary_de", "summary_en", "minutes", "max_count", "presence_de",
    "presence_en", "documents", "processing_de", "processing_en", "online", "information_only",
    "min_age", "order", "keywords", "sources", "assumptions",
]  # fmt: skip


def catalogue_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def _location(entry: dict[str, Any]) -> tuple[Location, bool]:
    return Location.objects.get_or_create(
        slug=entry["slug"], defaults={name: entry[name] for name in _LOCATION_FIELDS}
    )


def _service(entry: dict[str, Any], locations: dict[str, Location]) -> tuple[Service, bool]:
    defaults = {name: entry[name] for name in _SERVICE_FIELDS}
    defaults["combination_group"] = entry["group"]
    defaults["urgent_possible"] = entry["urgent"]
    service, created = Service.objects.get_or_create(slug=entry["slug"], defaults=defaults)
    if created:
        service.locations.set([locations[slug] for slug in entry["locations"]])
    for fee in entry["fees"]:
        Fee.objects.get_or_create(
            service=service,
            variant=fee["variant"],
            valid_from=date.fromisoformat(fee["valid_from"]),
            defaults={
                "label_de": fee["label_de"],
                "label_en": fee["label_en"],
                "amount_eur": Decimal(fee["amount_eur"]),
                "min_age": fee["min_age"],
                "max_age": fee["max_age"],
                "assumed": fee["assumed"],
                "source": fee["source"],
            },
        )
    return service, created


def _counter(location: Location, name: str, *, emergency: bool = False) -> tuple[Counter, bool]:
    existing = Counter.objects.filter(location=location, name=name).first()
    if existing:
        return existing, False
    resource = Resource.objects.create(
        kind=KIND_COUNTER,
        slug=f"counter-{location.slug}-{_slug(name)}",
        name=f"{location} – {name}",
    )
    counter = Counter.objects.create(
        location=location, resource=resource, name=name, emergency_only=emergency
    )
    return counter, True


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")


def _hours(counter: Counter, entry: dict[str, Any]) -> None:
    """Staffed hours: the location's weekly hours for every counter (a roster staff edit)."""
    if counter.resource.weekly_rules.exists():
        return
    WeeklyRule.objects.bulk_create(
        WeeklyRule(
            resource=counter.resource,
            weekday=weekday,
            start_time=time.fromisoformat(start),
            end_time=time.fromisoformat(end),
            slot_mode=SlotMode.WINDOW,
            slot_minutes=0,
            note="Öffnungszeit",
        )
        for weekday, start, end in entry["hours"]
    )


def _saturdays(counter: Counter, entry: dict[str, Any], years: list[int]) -> int:
    """Extra Saturdays (the first of each month) for working people."""
    if entry.get("saturdays") != "first" or not entry.get("saturday_hours"):
        return 0
    start, end = (time.fromisoformat(value) for value in entry["saturday_hours"])
    created = 0
    for year in years:
        for month in range(1, 13):
            day = date(year, month, 1)
            day += timedelta(days=(5 - day.weekday()) % 7)
            if is_public_holiday(day):
                continue
            _, was_created = ExtraOpening.objects.get_or_create(
                resource=counter.resource,
                date=day,
                start_time=start,
                defaults={"end_time": end, "slot_mode": SlotMode.WINDOW, "slot_minutes": 0,
                          "note": "Bürgersamstag"},
            )  # fmt: skip
            created += was_created
    return created


def _emergency_service(christmas: dict[str, Any], years: list[int]) -> int:
    """The Christmas break's emergency service for urgent travel documents: its own counter,
    open on the working days between the holidays despite the city's closure."""
    location = Location.objects.get(slug=christmas["emergency_location"])
    counter, created = _counter(location, EMERGENCY_COUNTER, emergency=True)
    if created:
        counter.services.set(Service.objects.filter(slug__in=christmas["emergency_services"]))
    start, end = (time.fromisoformat(value) for value in christmas["emergency_hours"])
    made = 0
    for year in years:
        day = date(year, 12, 27)
        while day <= date(year, 12, 30):
            if day.weekday() < 5 and not is_public_holiday(day):
                _, was_created = ExtraOpening.objects.get_or_create(
                    resource=counter.resource,
                    date=day,
                    start_time=start,
                    defaults={"end_time": end, "slot_mode": SlotMode.WINDOW, "slot_minutes": 0,
                              "despite_closures": True, "note": "Notdienst Reisedokumente"},
                )  # fmt: skip
                made += was_created
            day += timedelta(days=1)
    return made


def _christmas_closures(christmas: dict[str, Any], years: list[int]) -> int:
    """Every regular counter is closed over the Christmas break (the emergency counter opens
    through it, also through the city's closure of all resources)."""
    first_month, first_day = (int(part) for part in christmas["closed_from"].split("-"))
    last_month, last_day = (int(part) for part in christmas["closed_until"].split("-"))
    made = 0
    for counter in Counter.objects.filter(emergency_only=False).select_related("resource"):
        for year in years:
            _, created = Closure.objects.get_or_create(
                resource=counter.resource,
                start=local_datetime(date(year, first_month, first_day), time.min),
                end=local_datetime(date(year, last_month, last_day) + timedelta(days=1), time.min),
                source=SOURCE,
                defaults={"reason": "Weihnachtspause"},
            )
            made += created
    return made


@transaction.atomic
def citizen_office_load(*, today: date) -> dict[str, int]:
    data = catalogue_data()
    years = [today.year, today.year + 1]
    counts = {"locations": 0, "services": 0, "counters": 0, "openings": 0, "closures": 0}
    locations: dict[str, Location] = {}
    for entry in data["locations"]:
        locations[entry["slug"]], created = _location(entry)
        counts["locations"] += created
    services = []
    for entry in data["services"]:
        service, created = _service(entry, locations)
        services.append((service, entry))
        counts["services"] += created
    for entry in data["locations"]:
        location = locations[entry["slug"]]
        offered = [
            s for s, e in services if location.slug in e["locations"] and not s.information_only
        ]
        for number in range(1, entry["counters"] + 1):
            counter, created = _counter(location, f"Schalter {number}")
            if created:
                counter.services.set(offered)
                counts["counters"] += 1
            _hours(counter, entry)
            counts["openings"] += _saturdays(counter, entry, years)
    counts["openings"] += _emergency_service(data["christmas"], years)
    counts["closures"] = _christmas_closures(data["christmas"], years)
    return counts
