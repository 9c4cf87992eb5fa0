"""iCalendar (RFC 5545) files for couples and feeds.

The same data give the same bytes: DTSTAMP and LAST-MODIFIED come from the reservation's last
change, not from the clock, so a feed's ETag only changes when a wedding does and a calendar
app polling it gets `304 Not Modified` in between (`ics_response`). SEQUENCE rises with each
move of the wedding (`Reservation.ics_sequence`). METHOD:PUBLISH says the file is a published
calendar, not an invitation to answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event

from .constants import ReservationStatus
from .models import Reservation

CONTENT_TYPE = "text/calendar; charset=utf-8"
EVENT_STATUS = {
    ReservationStatus.CONFIRMED: "CONFIRMED",
    ReservationStatus.CANCELLED: "CANCELLED",
    ReservationStatus.EXPIRED: "CANCELLED",
}


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Stadt Bottrop//Rathaus Traukalender//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(reservation: Reservation, *, summary: str, description: str, url: str = "") -> Event:
    # An e-mail may be rendered before its reservation is first saved: then "now" it is.
    changed = reservation.updated_at or timezone.now()
    event = Event()
    event.add("uid", f"{reservation.reference}@rathaus.bottrop")
    event.add("dtstamp", _utc(changed))
    event.add("created", _utc(reservation.created_at or changed))
    event.add("last-modified", _utc(changed))
    event.add("sequence", reservation.ics_sequence)
    event.add("dtstart", _utc(reservation.start))
    event.add("dtend", _utc(reservation.end))
    event.add("status", EVENT_STATUS.get(reservation.status, "TENTATIVE"))
    event.add("summary", summary)
    event.add("location", f"{reservation.venue.name}, {reservation.venue.address}".strip(", "))
    event.add("description", description)
    if url:
        event.add("url", url)
    return event


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


def ics_response(
    request, body: bytes, *, last_modified: datetime | None, filename: str = ""
) -> HttpResponse:
    """An ICS answer with validators; `304 Not Modified` when the client's copy is current
    (If-None-Match first, If-Modified-Since otherwise, as RFC 9110 orders them)."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    stamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=stamp)
    if response is None:
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    return response
