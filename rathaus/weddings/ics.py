"""iCalendar (RFC 5545) files for couples and feeds."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Reservation


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Stadt Bottrop//Rathaus Traukalender//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(reservation: Reservation, *, summary: str, description: str) -> Event:
    event = Event()
    event.add("uid", f"{reservation.reference}@rathaus.bottrop")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", reservation.start)
    event.add("dtend", reservation.end)
    event.add("summary", summary)
    event.add("location", f"{reservation.venue.name}, {reservation.venue.address}".strip(", "))
    event.add("description", description)
    return event


def reservation_ics(reservation: Reservation) -> bytes:
    calendar = _calendar(_("Wedding"))
    description = _("Reference %(reference)s. Status: %(url)s") % {
        "reference": reservation.reference,
        "url": settings.SITE_URL,
    }
    calendar.add_component(
        _event(
            reservation,
            summary=_("Civil wedding – %(venue)s") % {"venue": reservation.venue.name},
            description=description,
        )
    )
    return calendar.to_ical()


def ceremonies_ics(name: str, reservations: Iterable[Reservation], *, with_names: bool) -> bytes:
    calendar = _calendar(name)
    for reservation in reservations:
        who = reservation.couple_names if with_names else reservation.reference
        calendar.add_component(
            _event(
                reservation,
                summary=f"{_('Wedding')}: {who}",
                description=f"{reservation.reference} · {reservation.guests} {_('guests')}",
            )
        )
    return calendar.to_ical()
