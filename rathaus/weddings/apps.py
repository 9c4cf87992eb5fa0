from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeddingsConfig(AppConfig):
    name = "rathaus.weddings"
    label = "weddings"

    def ready(self) -> None:
        from rathaus.scheduling.kinds import resource_kind_register

        from . import audit_events  # noqa: F401 - registers the app's audit sentences
        from .constants import KIND_CEREMONY_ROOM, KIND_REGISTRAR
        from .staff_domain import staff_domain_add

        resource_kind_register(KIND_CEREMONY_ROOM, _("Ceremony room"))
        resource_kind_register(KIND_REGISTRAR, _("Registrar"))
        staff_domain_add()
