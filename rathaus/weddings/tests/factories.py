"""factory-boy factories of the Traukalender: venues, registrars, the policy, reservations.

A venue and a registrar each come with their scheduling resource and their weekly rules, as
the bootstrap and the back office create them. A reservation is always booked through the real
service (`reservation_create`), so the no-overlap guarantee, the registrar's travel and the
per-couple limit apply to it as to a couple's own request; its slot is the first free one the
selectors offer, never a date written into the test (docs/decisions/0008-tests-and-time.md).

`town()` builds a small town of five venues and four registrars, enough for most tests; only
the few integration tests named in docs/decisions/0015-test-data.md load Bottrop's real data.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import factory
from django.db import transaction

from rathaus.core.timezone import local_datetime, local_today
from rathaus.scheduling.constants import SlotMode
from rathaus.scheduling.models import Closure, WeeklyRule
from rathaus.scheduling.tests.factories import ResourceFactory
from rathaus.weddings import services
from rathaus.weddings.constants import (
    KIND_CEREMONY_ROOM,
    KIND_REGISTRAR,
    District,
    ReservationStatus,
)
from rathaus.weddings.models import Registrar, ReservationPolicy, Venue
from rathaus.weddings.selectors import SlotFilter, ceremony_slots_free

MONDAY_TO_FRIDAY = (0, 1, 2, 3, 4)
FRIDAY, SATURDAY = 4, 5

# Weekly rules as Bottrop's defaults have them (weddings/data/bottrop_defaults.json).
TRAUZIMMER_RULES = (
    {"weekdays": MONDAY_TO_FRIDAY, "start": time(8, 30), "end": time(12, 30), "minutes": 20},
    {"weekdays": (FRIDAY,), "start": time(13, 30), "end": time(17, 30), "minutes": 20},
    {"weekdays": (SATURDAY,), "start": time(10), "end": time(14), "minutes": 20},
)
EXTERNAL_RULES = (
    {
        "weekdays": (FRIDAY,),
        "start": time(14),
        "end": time(18),
        "fixed": ["14:00", "15:30", "17:00"],
    },
    {
        "weekdays": (SATURDAY,),
        "start": time(10),
        "end": time(17),
        "fixed": ["10:30", "12:00", "13:30", "15:00"],
    },
)
# A registrar on duty whenever a ceremony can take place.
FULL_DUTY = (
    (MONDAY_TO_FRIDAY, time(8), time(13)),
    ((FRIDAY,), time(13), time(18, 30)),
    ((SATURDAY,), time(9), time(17)),
)

VENUE_NAMES = ("Wasserschloss", "Alte Mühle", "Gutshof", "Zechenhalle", "Parkpavillon")
REGISTRAR_NAMES = ("Anna Schneider", "Markus Becker", "Sabine Krüger", "Jan Kowalski")
COUPLES = (
    (("Çağla", "Öztürk"), ("Luca", "D'Amato")),
    (("Anna", "Schmidt"), ("Ben", "Schmidt")),
    (("Mia", "Nowak"), ("Lea", "Kowalski")),
    (("Jonas", "Weber"), ("Emma", "Fischer")),
    (("Noah", "Wagner"), ("Sofia", "Becker")),
    (("Elias", "Hoffmann"), ("Marie", "Schulz")),
    (("Paul", "Koch"), ("Hannah", "Richter")),
    (("Finn", "Klein"), ("Lina", "Wolf")),
    (("Jürgen", "Müller"), ("Renate", "Groß")),
)


def _weekly_rules(resource, rules) -> None:
    for rule in rules:
        for weekday in rule["weekdays"]:
            fixed = rule.get("fixed")
            WeeklyRule.objects.create(
                resource=resource,
                weekday=weekday,
                start_time=rule["start"],
                end_time=rule["end"],
                slot_mode=SlotMode.FIXED if fixed else SlotMode.GRID,
                slot_minutes=45 if fixed else rule["minutes"],
                buffer_minutes=0 if fixed else 10,
                fixed_starts=list(fixed or []),
            )


class VenueFactory(factory.django.DjangoModelFactory):
    """An external venue (Fridays and Saturdays at fixed times); `rules=TRAUZIMMER_RULES` or
    any tuple of rule dicts gives other hours, `rules=()` none."""

    class Meta:
        model = Venue
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    class Params:
        official = factory.Trait(
            official_room=True,
            fee_eur=Decimal("40.00"),
            fee_outside_hours_eur=Decimal("106.00"),
            travel_minutes=0,
            operator_name="",
        )

    slug = factory.Sequence(lambda n: f"trauort-{n}")
    name = factory.Sequence(lambda n: f"{VENUE_NAMES[n % len(VENUE_NAMES)]} {n}")
    resource = factory.SubFactory(
        ResourceFactory,
        kind=KIND_CEREMONY_ROOM,
        slug=factory.LazyAttribute(lambda r: f"venue-{r.factory_parent.slug}"),
        name=factory.SelfAttribute("..name"),
    )
    district = District.ALT_BOTTROP
    stadtteil = "Stadtmitte"
    address = factory.Sequence(lambda n: f"Hauptstraße {n + 1}, 46236 Bottrop")
    description = "Ein Trauort mit Saal und Garten."
    operator_name = "Familie Brinkmann"
    max_guests = 50
    step_free = True
    outdoor_possible = True
    fee_eur = Decimal("160.00")
    fee_outside_hours_eur = Decimal("160.00")
    travel_minutes = 10
    active = True

    @factory.post_generation
    def rules(self, create, extracted, **kwargs):
        if create and not self.resource.weekly_rules.exists():
            _weekly_rules(self.resource, EXTERNAL_RULES if extracted is None else extracted)


class RegistrarFactory(factory.django.DjangoModelFactory):
    """A registrar on duty at every ceremony time; `duty=((weekdays, start, end), …)` narrows it."""

    class Meta:
        model = Registrar
        django_get_or_create = ("resource",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: REGISTRAR_NAMES[n % len(REGISTRAR_NAMES)])
    resource = factory.SubFactory(
        ResourceFactory,
        kind=KIND_REGISTRAR,
        slug=factory.LazyAttribute(
            lambda r: "registrar-" + r.factory_parent.name.lower().replace(" ", "-")
        ),
        name=factory.SelfAttribute("..name"),
    )
    active = True

    @factory.post_generation
    def duty(self, create, extracted, **kwargs):
        if not create or self.resource.weekly_rules.exists():
            return
        for weekdays, start, end in FULL_DUTY if extracted is None else extracted:
            for weekday in weekdays:
                WeeklyRule.objects.create(
                    resource=self.resource,
                    weekday=weekday,
                    start_time=start,
                    end_time=end,
                    slot_mode=SlotMode.WINDOW,
                )


class ReservationPolicyFactory(factory.django.DjangoModelFactory):
    """The one policy row, with the model's defaults (14 days lead, 12 months ahead)."""

    class Meta:
        model = ReservationPolicy

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        policy = model_class.objects.first() or model_class()
        for field, value in kwargs.items():
            setattr(policy, field, value)
        policy.save()
        return policy


def city_closures_create(today: date) -> None:
    """The administration's Christmas closure, this year and the next two (as in Bottrop)."""
    for year in (today.year, today.year + 1, today.year + 2):
        Closure.objects.get_or_create(
            resource=None,
            start=local_datetime(date(year, 12, 24), time.min),
            end=local_datetime(date(year + 1, 1, 1), time.min),
            defaults={"reason": "Weihnachtspause der Stadtverwaltung"},
        )


@transaction.atomic
def town(*, today: date | None = None) -> dict[str, Venue]:
    """A small town: the Trauzimmer, three external venues (two need the venue's agreement),
    one closed venue, four registrars, the policy and the Christmas closure. Slugs, names and
    the details tests look for are Bottrop's, so a test reads the same with either data."""
    venues = {
        "rathaus-trauzimmer": VenueFactory(
            slug="rathaus-trauzimmer",
            name="Trauzimmer im Rathaus",
            official=True,
            max_guests=30,
            outdoor_possible=False,
            rules=TRAUZIMMER_RULES,
        ),
        "schloss-beck": VenueFactory(
            slug="schloss-beck",
            name="Schloss Beck",
            district=District.KIRCHHELLEN,
            stadtteil="Feldhausen",
            max_guests=60,
            travel_minutes=25,
            requires_venue_agreement=True,
            operator_name="Freizeitpark Schloss Beck GmbH",
            venue_costs_note="Raummiete nach Vereinbarung mit Schloss Beck",
        ),
        "hof-juenger": VenueFactory(
            slug="hof-juenger",
            name="Hof Jünger",
            district=District.KIRCHHELLEN,
            stadtteil="Kirchhellen",
            max_guests=80,
            travel_minutes=20,
            operator_name="Bürgerverein Hof Jünger e.V.",
        ),
        "brauhaus-am-ring": VenueFactory(
            slug="brauhaus-am-ring",
            name="Brauhaus am Ring",
            district=District.KIRCHHELLEN,
            outdoor_possible=False,
            travel_minutes=20,
            requires_venue_agreement=True,
            operator_name="",
        ),
        "forsthaus-specht": VenueFactory(
            slug="forsthaus-specht",
            name="Forsthaus Specht",
            step_free=False,
            travel_minutes=15,
            active=False,
            operator_name="",
        ),
    }
    for name in REGISTRAR_NAMES:
        RegistrarFactory(name=name)
    ReservationPolicyFactory()
    city_closures_create(today or local_today())
    return venues


def free_slots(venue: Venue, *, days_ahead: int = 40, span: int = 60, weekdays=None):
    """The venue's free slots from `days_ahead` days on, taken from the rules and the policy."""
    first = local_today() + timedelta(days=days_ahead)
    return ceremony_slots_free(
        first=first,
        last=first + timedelta(days=span),
        filters=SlotFilter(venues=[venue], weekdays=set(weekdays) if weekdays else None),
    )


class ReservationFactory(factory.Factory):
    """A reservation booked through `reservation_create` at the venue's first free slot
    (`skip` more slots on), confirmed by e-mail (status reserved). Traits: `pending` (not
    confirmed by e-mail), `confirmed` (the office recorded the notice; needs a venue without
    agreement) and `cancelled`. Pass `slot` to book a particular free slot."""

    class Meta:
        model = services.ReservationRequest

    class Params:
        pending = factory.Trait(outcome=ReservationStatus.PENDING)
        confirmed = factory.Trait(outcome=ReservationStatus.CONFIRMED)
        cancelled = factory.Trait(outcome=ReservationStatus.CANCELLED)

    venue = factory.LazyFunction(
        lambda: Venue.objects.filter(active=True).first() or VenueFactory()
    )
    email = factory.Sequence(lambda n: f"paar{n}@example.org")
    guests = 10
    language = "de"
    # not fields of the request: how to find the slot and how far to take the reservation
    skip = 0
    days_ahead = 40
    slot = None
    couple = 0
    outcome = ReservationStatus.RESERVED

    @classmethod
    def _create(cls, model_class, *, skip, days_ahead, slot, couple, outcome, **kwargs):
        if not Registrar.objects.exists():
            RegistrarFactory()
        ReservationPolicyFactory()
        slot = slot or free_slots(kwargs["venue"], days_ahead=days_ahead)[skip]
        (g1, f1), (g2, f2) = COUPLES[couple % len(COUPLES)]
        kwargs.update(
            venue=slot.venue,
            start=slot.start,
            partners=(services.Partner(g1, f1), services.Partner(g2, f2)),
        )
        created = services.reservation_create(request=model_class(**kwargs))
        reservation = created.reservation
        if outcome != ReservationStatus.PENDING:
            reservation = services.reservation_confirm_email(
                reservation=reservation, token=created.confirm_token
            )
        if outcome == ReservationStatus.CONFIRMED:
            from rathaus.weddings.backoffice.services import reservation_confirm

            reservation = reservation_confirm(
                actor=None, reservation=reservation, notice_filed_on=local_today()
            )
        if outcome == ReservationStatus.CANCELLED:
            reservation = services.reservation_cancel(reservation=reservation, reason="Test")
        return reservation
