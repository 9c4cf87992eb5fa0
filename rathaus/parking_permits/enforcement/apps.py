from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "rathaus.parking_permits.enforcement"
    label = "parking_enforcement"
    verbose_name = _("Parking enforcement")

    def ready(self) -> None:
        from rathaus.core.jobs import job_register

        from .services import lookups_delete_old

        job_register("parking_lookups_deleted", lookups_delete_old)
