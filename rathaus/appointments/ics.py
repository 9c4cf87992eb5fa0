"""The citizen's appointment as an iCalendar (RFC 5545) file, built with `core.ics`.

DTSTAMP and LAST-MODIFIED come from the appointment's last change, so the same appointment
gives the same bytes; SEQUENCE rises with every move (`Appointment.ics_sequence`)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.ics import calendar_new, event_new

from .constants import AppointmentStatus
from .models import Appointment

PRODID = "-//Stadt Bottrop//Rathaus Buergerbuero//DE"
EVENT_STATUS: dict[str, str] = {
    AppointmentStatus.CONFIRMED: "CONFIRMED",
    AppointmentStatus.CANCELLED: "CANCELLED",
    AppointmentStatus.LAPSED: "CANCELLED",
}


def appointment_ics(appointment: Appointment) -> bytes:
    changed = appointment.updated_at or timezone.now()
    services = ", ".join(
        sorted(
            {
                request.service.name
                for person in appointment.persons.all()
                for request in person.requests.all()
            }
        )
    )
    calendar = calendar_new(name=_("Citizen-office appointment"), prodid=PRODID)
    calendar.add_component(
        event_new(
            uid=f"{appointment.reference}@rathaus.bottrop",
            changed=changed,
            created=appointment.created_at or changed,
            sequence=appointment.ics_sequence,
            start=appointment.start,
            end=appointment.end,
            status=EVENT_STATUS.get(appointment.status, "TENTATIVE"),
            summary=_("Appointment %(reference)s: %(services)s")
            % {"reference": appointment.reference, "services": services},
            location=f"{appointment.location.name}, {appointment.location.address}",
            description=_("Please bring the documents on your checklist. Reference: %(reference)s")
            % {"reference": appointment.reference},
        )
    )
    return bytes(calendar.to_ical())
