"""The booking race on a SQLite file, run in its own process by test_concurrency_sqlite.py.

An in-memory test database cannot be shared by threads the way a file can, so this script
migrates a fresh file database (its path in TEST_DATABASE_URL), lets twenty threads race in
three ways and prints what happened as JSON:

- "service": booking_create, with the IMMEDIATE transactions of config.settings.test;
- "service-deferred": booking_create with SQLite's default DEFERRED transactions (control);
- "check-then-insert": look outside the write transaction, then insert (control).
"""

from __future__ import annotations

import json
import time as clock
from datetime import date, datetime, time, timedelta

import django

THREADS = 20
DAY = date(2027, 6, 4)  # a Friday, no holiday


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from rathaus.core.timezone import BERLIN, local_datetime
    from rathaus.scheduling.constants import BookingStatus
    from rathaus.scheduling.models import Allocation, Booking
    from rathaus.scheduling.selectors import active_allocations_q, allocations_overlapping
    from rathaus.scheduling.services import bookings as services
    from rathaus.scheduling.tests.concurrency import race, tally
    from rathaus.scheduling.tests.factories import ResourceFactory, WeeklyRuleFactory

    call_command("migrate", "scheduling", verbosity=0)
    now = datetime(2027, 5, 3, 9, 0, tzinfo=BERLIN)
    start = local_datetime(DAY, time(11))
    end = start + timedelta(minutes=30)
    check = services._check_free

    def checked_slowly(*args, **kwargs):
        check(*args, **kwargs)
        clock.sleep(0.05)  # a slow request: the window between re-check and insert is wide

    services._check_free = checked_slowly

    def service(room, index, barrier):
        barrier.wait()
        requests = [services.AllocationRequest(room.id, start, end)]
        booking = services.booking_create(
            purpose=f"wedding {index}", requests=requests, status=BookingStatus.CONFIRMED, now=now
        )
        return booking.pk

    def check_then_insert(room, index, barrier):
        seen = allocations_overlapping(
            resource_ids=[room.id], start=start, end=end, now=now
        ).exists()
        barrier.wait()  # everyone has looked before anyone writes
        if seen:
            raise services.SlotUnavailable()
        with transaction.atomic():
            booking = Booking.objects.create(
                purpose=f"naive {index}", status=BookingStatus.CONFIRMED, start=start, end=end
            )
            Allocation.objects.create(booking=booking, resource=room, start=start, end=end)
        return booking.pk

    options = settings.DATABASES["default"]["OPTIONS"]
    report = {"transaction_mode": options.get("transaction_mode")}
    for name, work, mode in [
        ("service", service, options.get("transaction_mode")),
        ("service-deferred", service, "DEFERRED"),
        ("check-then-insert", check_then_insert, options.get("transaction_mode")),
    ]:
        options["transaction_mode"] = mode  # read when each thread opens its connection
        room = ResourceFactory(slug=name)  # a fresh room for each race
        WeeklyRuleFactory(
            resource=room, weekday=DAY.weekday(), start_time=time(10), end_time=time(13)
        )
        began = clock.monotonic()
        outcomes = race(THREADS, lambda i, barrier, room=room, work=work: work(room, i, barrier))
        report[name] = {
            "outcomes": dict(tally(outcomes)),
            "errors": sorted({str(o.error) for o in outcomes if o.error}),
            "active_allocations": Allocation.objects.filter(
                active_allocations_q(now), resource=room
            ).count(),
            "seconds": round(clock.monotonic() - began, 2),
        }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
