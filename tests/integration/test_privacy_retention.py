"""The retention job under a frozen clock (reliability F-7): exactly the due reservations lose
their personal data, the anonymous statistics stay, and a second run changes nothing.

The clock is Django's `timezone.now`, frozen and moved by hand: the services, the `auto_now`
timestamps and the commands all read it, so the job runs exactly as cron would run it.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone

from rathaus.core.timezone import local_today
from rathaus.weddings import services
from rathaus.weddings.backoffice import services as office_services
from rathaus.weddings.backoffice.statistics import statistics_compute
from rathaus.weddings.models import Reservation

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def set(self, moment):
        self.now = moment


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("django.utils.timezone.now", clock)
    return clock


def _erase() -> int:
    out = StringIO()
    call_command("weddings_erase_personal_data", stdout=out)
    return int(out.getvalue().split(":")[1])


def _erased(reservation: Reservation) -> bool:
    reservation.refresh_from_db()
    return reservation.email == "" and reservation.partner1_family_name == ""


def _numbers():
    today = local_today()
    total = statistics_compute(first=today - timedelta(days=1), last=today + timedelta(days=365))
    cell = total.total()
    return (cell.ceremonies, cell.reservations, cell.confirmed, cell.cancelled, cell.expired)


def test_retention_erases_exactly_the_due_reservations(clock, make_reservation, office):
    start = clock.now
    wedding = make_reservation(skip=0)
    office_services.reservation_confirm(
        actor=office, reservation=wedding, notice_filed_on=local_today()
    )
    cancelled = make_reservation(skip=1)
    services.reservation_cancel_by_couple(reservation=cancelled)
    hold = make_reservation(skip=2, confirm_email=False)
    active = make_reservation(days_ahead=200)  # still ahead when the wedding is erased
    clock.set(start + timedelta(hours=3))
    call_command("weddings_expire_reservations", stdout=StringIO())
    hold.refresh_from_db()
    assert hold.status == "expired"
    numbers = _numbers()

    clock.set(start + timedelta(days=29))
    assert _erase() == 0
    clock.set(start + timedelta(days=30, hours=1))  # 30 days after the cancellation
    assert _erase() == 1
    assert _erased(cancelled) and not _erased(hold)
    clock.set(start + timedelta(days=30, hours=4))  # 30 days after the expiry
    assert _erase() == 1
    assert _erased(hold)
    assert _erase() == 0  # idempotent
    assert not _erased(wedding) and not _erased(active)

    clock.set(wedding.end + relativedelta(months=6) - timedelta(days=1))
    assert _erase() == 0
    clock.set(wedding.end + relativedelta(months=6, days=1))
    assert _erase() == 1
    assert _erased(wedding)
    assert _erase() == 0
    assert not _erased(active)

    wedding.refresh_from_db()
    assert wedding.status == "confirmed" and wedding.venue_id and wedding.guests
    clock.set(start + timedelta(hours=3))
    assert _numbers() == numbers  # the anonymous statistics are unchanged
