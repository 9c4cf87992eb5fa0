from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SameDayConfig(AppConfig):
    name = "rathaus.appointments.sameday"
    label = "appointments_sameday"
    verbose_name = _("Same-day appointments (draw)")

    def ready(self) -> None:
        from rathaus.appointments.services.jobs import job_register

        from . import audit_events  # noqa: F401 - registers the app's audit sentences
        from .services.draw_run import draws_run_due
        from .services.retention import requests_purge

        # One job loop for the citizen office (`appointments_jobs --forever` beside `make run`
        # and `make serve`); `sameday_draw_due` remains for a cron line of its own.
        job_register("same_day_drawn", draws_run_due)
        job_register("same_day_requests_purged", requests_purge)
