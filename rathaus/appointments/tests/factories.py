"""factory-boy factories of the appointments app, and `office()`: a small citizen office.

Tests pass an explicit `now`; nothing here reads the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory

from rathaus.appointments.constants import KIND_COUNTER, LocationKind
from rathaus.appointments.models import Counter, Fee, Location, Service
from rathaus.core.timezone import BERLIN
from rathaus.scheduling.constants import SlotMode
from rathaus.scheduling.models import Resource, WeeklyRule

MONDAY = date(2027, 6, 7)  # no holiday near it
NOW = datetime(2027, 6, 1, 9, tzinfo=BERLIN)  # the Tuesday before


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"location-{n}")
    kind = LocationKind.CITIZEN_OFFICE
    name_de = factory.Sequence(lambda n: f"Bürgerbüro {n}")
    name_en = factory.Sequence(lambda n: f"Citizens' office {n}")
    address = "Ernst-Wilczok-Platz 1, 46236 Bottrop"
    horizon_days = 42
    same_day_percent = 0


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"service-{n}")
    name_de = factory.Sequence(lambda n: f"Dienstleistung {n}")
    name_en = factory.Sequence(lambda n: f"Service {n}")
    minutes = 10
    max_count = 1
    combination_group = "identity"


class FeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fee

    service = factory.SubFactory(ServiceFactory)
    variant = "standard"
    amount_eur = Decimal("10.00")
    valid_from = date(2020, 1, 1)


def counter_make(
    location: Location,
    name: str,
    services: list[Service],
    *,
    hours: tuple[time, time] = (time(8), time(12)),
    weekdays: range = range(5),
) -> Counter:
    resource = Resource.objects.create(
        kind=KIND_COUNTER, slug=f"c-{location.slug}-{name}".lower().replace(" ", "-"), name=name
    )
    for weekday in weekdays:
        WeeklyRule.objects.create(
            resource=resource,
            weekday=weekday,
            start_time=hours[0],
            end_time=hours[1],
            slot_mode=SlotMode.WINDOW,
            slot_minutes=0,
        )
    counter = Counter.objects.create(location=location, resource=resource, name=name)
    counter.services.set(services)
    return counter


@dataclass
class Office:
    location: Location
    id_card: Service
    passport: Service
    registration: Service
    consultation: Service
    counters: list[Counter]


def office(*, counters: int = 2, parallel: bool = False, same_day_percent: int = 0) -> Office:
    """One location with identity card (20 min), passport (15), registration (10), a
    consultation that combines with nothing, and `counters` counters open 08–12 Mon–Fri."""
    location = LocationFactory(
        slug="rathaus", parallel_counters=parallel, same_day_percent=same_day_percent
    )
    id_card = ServiceFactory(slug="personalausweis", minutes=20, max_count=6)
    passport = ServiceFactory(slug="reisepass", minutes=15, max_count=6)
    registration = ServiceFactory(slug="anmeldung", minutes=10, max_count=6)
    consultation = ServiceFactory(slug="beratung", minutes=30, combination_group="other")
    for service in (id_card, passport, registration, consultation):
        service.locations.add(location)
    FeeFactory(service=id_card, variant="24-plus", amount_eur=Decimal("46.00"), min_age=24,
               valid_from=date(2026, 2, 7))  # fmt: skip
    FeeFactory(service=id_card, variant="under-24", amount_eur=Decimal("27.60"), max_age=24,
               valid_from=date(2026, 2, 7))  # fmt: skip
    FeeFactory(service=passport, amount_eur=Decimal("70.00"))
    made = [
        counter_make(location, f"Schalter {n}", [id_card, passport, registration, consultation])
        for n in range(1, counters + 1)
    ]
    return Office(location, id_card, passport, registration, consultation, made)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def later(moment: datetime, **delta: float) -> datetime:
    return moment + timedelta(**delta)
