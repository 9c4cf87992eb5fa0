from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SameDayConfig(AppConfig):
    name = "rathaus.appointments.sameday"
    label = "appointments_sameday"
    verbose_name = _("Same-day appointments (draw)")

    def ready(self) -> None:
        from rathaus.appointments.services.jobs import job_register

        from . import audit_events  # noqa: F401 - registers the app's audit sentences
        from .services.retention import requests_purge

        job_register("same_day_requests_purged", requests_purge)
