"""Audit sentences of the reminder and retention jobs (imported in AppointmentsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from rathaus.audit.registry import event_register

event_register(
    "appointments.coming", _("Appointment {reference}: the citizen says they are coming.")
)
event_register("appointments.reconfirmed", _("Appointment {reference} was reconfirmed."))
