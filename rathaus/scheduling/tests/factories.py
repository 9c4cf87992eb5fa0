"""factory-boy factories for the scheduling models.

Times are aware and in Europe/Berlin; tests pass an explicit `now` to services and selectors,
so nothing here depends on the wall clock.
"""

from datetime import time, timedelta

import factory

from rathaus.core.timezone import local_datetime, local_today
from rathaus.scheduling.constants import ACTIVE_STATUSES, BookingStatus, SlotMode
from rathaus.scheduling.models import (
    Allocation,
    Booking,
    Closure,
    ExtraOpening,
    Resource,
    WeeklyRule,
)


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    kind = "counter"
    slug = factory.Sequence(lambda n: f"resource-{n}")
    name = factory.Sequence(lambda n: f"Resource {n}")
    active = True


class WeeklyRuleFactory(factory.django.DjangoModelFactory):
    """Monday 09:00–12:00 in 30-minute slots, valid forever, closed on public holidays."""

    class Meta:
        model = WeeklyRule

    resource = factory.SubFactory(ResourceFactory)
    weekday = 0
    start_time = time(9, 0)
    end_time = time(12, 0)
    slot_mode = SlotMode.GRID
    slot_minutes = 30
    buffer_minutes = 0
    fixed_starts = factory.LazyFunction(list)
    valid_from = None
    valid_until = None
    open_on_holidays = False


class ExtraOpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtraOpening

    resource = factory.SubFactory(ResourceFactory)
    start_time = time(9, 0)
    end_time = time(12, 0)
    slot_mode = SlotMode.GRID
    slot_minutes = 30
    buffer_minutes = 0
    fixed_starts = factory.LazyFunction(list)


class ClosureFactory(factory.django.DjangoModelFactory):
    """Pass `start` and `end` (aware); `resource=None` closes every resource."""

    class Meta:
        model = Closure

    resource = factory.SubFactory(ResourceFactory)
    reason = "Closed"


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking written directly, without the service: for arranging what already exists.

    `resources` (a list) creates one allocation per resource over the booking's time range,
    mirroring the booking's status and expiry as the service does.
    """

    class Meta:
        model = Booking
        skip_postgeneration_save = True

    purpose = "test"
    status = BookingStatus.CONFIRMED
    expires_at = None
    start = factory.LazyFunction(lambda: local_datetime(_next_monday(), time(9, 0)))
    end = factory.LazyAttribute(lambda booking: booking.start + timedelta(minutes=30))

    @factory.post_generation
    def resources(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for resource in extracted:
            AllocationFactory(booking=self, resource=resource)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    booking = factory.SubFactory(BookingFactory)
    resource = factory.SubFactory(ResourceFactory)
    start = factory.SelfAttribute("booking.start")
    end = factory.SelfAttribute("booking.end")
    active = factory.LazyAttribute(lambda a: a.booking.status in ACTIVE_STATUSES)
    expires_at = factory.SelfAttribute("booking.expires_at")


def _next_monday():
    today = local_today()
    return today + timedelta(days=7 - today.weekday())
