from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "rathaus.appointments"
    label = "appointments"
    verbose_name = _("Citizen-office appointments")

    def ready(self) -> None:
        from rathaus.scheduling.kinds import resource_kind_register

        from . import (
            audit_events,  # noqa: F401 - registers the app's audit sentences
            jobs_events,  # noqa: F401 - reminder and reconfirmation sentences
        )
        from .constants import KIND_COUNTER
        from .services.jobs import jobs_register
        from .staff_domain import staff_domain_add

        resource_kind_register(KIND_COUNTER, _("Citizen-office counter"))
        staff_domain_add()
        jobs_register()
