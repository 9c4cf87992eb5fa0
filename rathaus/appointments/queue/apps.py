from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueConfig(AppConfig):
    name = "rathaus.appointments.queue"
    label = "appointments_queue"
    verbose_name = _("Waiting room and call display")

    def ready(self) -> None:
        from rathaus.appointments.services.jobs import job_register
        from rathaus.core.live import live_events_delete_old, live_view_register

        from .selectors import queue_public_view
        from .services.drift_report import drift_report_send
        from .services.retention import queue_erase

        job_register("queue_erased", queue_erase)
        job_register("queue_drift_report", drift_report_send)
        # the live channel's events are what the displays and phones catch up from: a day
        job_register("live_events_deleted", live_events_delete_old)
        # each event on a waiting room's channel goes out with the place table: phones need
        # no read of their own
        live_view_register("queue.", queue_public_view)
