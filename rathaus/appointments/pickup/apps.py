from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PickupConfig(AppConfig):
    name = "rathaus.appointments.pickup"
    label = "appointments_pickup"
    verbose_name = _("Pick-up of identity documents")

    def ready(self) -> None:
        from rathaus.appointments.services.jobs import job_register
        from rathaus.appointments.services.retention import retention_hold_register

        from . import audit_events  # noqa: F401 - registers the sub-app's audit sentences
        from .services import appointments_still_needed, pickups_erase

        # An appointment to collect a document keeps its data while the document waits.
        retention_hold_register(appointments_still_needed)
        job_register("pickups_erased", pickups_erase)
