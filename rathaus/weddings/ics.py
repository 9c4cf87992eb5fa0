"""The Traukalender's iCalendar (RFC 5545) content: the couple's own wedding and the
ceremony feeds, built with `core.ics`.

The same data give the same bytes: DTSTAMP and LAST-MODIFIED come from the reservation's last
change, not from the clock, so a feed's ETag only changes when a wedding does. SEQUENCE rises
with each move of the wedding (`Reservation.ics_sequence`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event

from rathaus.core.ics import calendar_new, event_new

from .constants import ReservationStatus
from .models import Reservation

PRODID = "-//Stadt Bottrop//Rathaus Traukalender//DE"
EVENT_STATUS = {
    ReservationStatus.CONFIRMED: "CONFIRMED",
    ReservationStatus.CANCELLED: "CANCELLED",
    ReservationStatus.EXPIRED: "CANCELLED",
}


def _calendar(name: str) -> Calendar:
    return calendar_new(name=name, prodid=PRODID)


def _event(reservation: Reservation, *, summary: str, description: str, url: str = "") -> Event:
    # An e-mail may be rendered before its reservation is first saved: then "now" it is.
    changed = reservation.updated_at or timezone.now()
    return event_new(
        uid=f"{reservation.reference}@rathaus.bottrop",
        changed=changed,
        created=reservation.created_at or changed,
        sequence=reservation.ics_sequence,
        start=reservation.start,
        end=reservation.end,
        status=EVENT_STATUS.get(reservation.status, "TENTATIVE"),
        summary=summary,
        location=f"{reservation.venue.name}, {reservation.venue.address}".strip(", "),
        description=description,
        url=url,
    )


def reservation_status_url(reservation: Reservation) -> str:
    return settings.SITE_URL + reverse(
        "weddings:reservation-status", args=[reservation.reference, reservation.manage_token]
    )


def reservation_ics(reservation: Reservation) -> bytes:
    """The couple's own wedding: e-mail attachment and download from the status page."""
    calendar = _calendar(_("Wedding"))
    status_url = reservation_status_url(reservation)
    description = _("Reference %(reference)s. Status: %(url)s") % {
        "reference": reservation.reference,
        "url": status_url,
    }
    calendar.add_component(
        _event(
            reservation,
            summary=_("Civil wedding – %(venue)s") % {"venue": reservation.venue.name},
            description=description,
            url=status_url,
        )
    )
    return calendar.to_ical()


def guests_text(count: int) -> str:
    return ngettext("%(count)s guest", "%(count)s guests", count) % {"count": count}


def ceremonies_ics(name: str, reservations: Iterable[Reservation], *, with_names: bool) -> bytes:
    calendar = _calendar(name)
    for reservation in reservations:
        who = reservation.couple_names if with_names else reservation.reference
        calendar.add_component(
            _event(
                reservation,
                summary=f"{_('Wedding')}: {who}",
                description=f"{reservation.reference} · {guests_text(reservation.guests)}",
            )
        )
    return calendar.to_ical()
