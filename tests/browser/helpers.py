"""Data and steps shared by the browser tests: rows made through the services, form filling."""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import time_machine
from django.core.management import call_command
from django.urls import reverse

from rathaus.appointments.bootstrap import citizen_office_load
from rathaus.core.timezone import BERLIN, local_today
from rathaus.scheduling.engine import is_public_holiday
from rathaus.weddings import selectors, services
from rathaus.weddings.dates import is_high_demand
from rathaus.weddings.lottery.slots import ceremony_day
from rathaus.weddings.models import Venue


def slot_free(slug: str = "schloss-beck", weekday: int = 5):
    venue = Venue.objects.get(slug=slug)
    first = local_today() + timedelta(days=45)
    return selectors.ceremony_slots_free(
        first=first,
        last=first + timedelta(days=90),
        filters=selectors.SlotFilter(venues=[venue], weekdays={weekday}),
    )[0]


def reservation_confirmed(slug: str = "schloss-beck") -> str:
    """A reserved (e-mail confirmed) reservation; returns its status page path."""
    slot = slot_free(slug)
    created = services.reservation_create(
        request=services.ReservationRequest(
            venue=slot.venue,
            start=slot.start,
            partners=(services.Partner("Çağla", "Öztürk"), services.Partner("Luca", "D'Amato")),
            email="paar@example.org",
            guests=40,
            language="de",
        )
    )
    reservation = services.reservation_confirm_email(
        reservation=created.reservation, token=created.confirm_token
    )
    return reverse(
        "weddings:reservation-status", args=[reservation.reference, reservation.manage_token]
    )


def lottery_day_after(first: date, step: int = 1) -> date:
    """The first day from `first` on (in steps of `step` days) that staff may mark for a
    lottery: a day with ceremonies that is not already a high-demand date."""
    day = first
    while is_high_demand(day) or not ceremony_day(day):
        day += timedelta(days=step)
    return day


def fill_couple(page) -> None:
    """Every required field of the reservation form, with names from several scripts."""
    page.fill("#id_partner1_given_name", "Çağla")
    page.fill("#id_partner1_family_name", "Öztürk-Nguyễn")
    page.fill("#id_partner2_given_name", "Luca")
    page.fill("#id_partner2_family_name", "D'Amato")
    page.fill("#id_email", "paar@example.org")
    page.fill("#id_guests", "40")
    page.check("#id_consent")


@contextmanager
def citizen_office_morning(at: time) -> Iterator[date]:
    """The clock at `at` on a working Monday a week or more ahead (ticking on from there in
    this process and the live server's threads), Bottrop's citizen office loaded for that day
    and the demo accounts made; yields the Monday."""
    monday = working_monday()
    with time_machine.travel(datetime.combine(monday, at, BERLIN), tick=True):
        citizen_office_load(today=monday)
        call_command("create_demo_accounts", force=True, stdout=io.StringIO())
        yield monday


def working_monday() -> date:
    """A working Monday a week or more ahead, before the Christmas break (the citizen office's
    regular counters are closed from 20 December)."""
    day = local_today() + timedelta(days=7)
    while day.weekday() != 0 or is_public_holiday(day) or (day.month, day.day) >= (12, 20):
        day += timedelta(days=1)
    return day
