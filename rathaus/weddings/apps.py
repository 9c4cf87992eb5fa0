from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeddingsConfig(AppConfig):
    name = "rathaus.weddings"
    label = "weddings"

    def ready(self) -> None:
        from rathaus.scheduling.kinds import resource_kind_register

        from .constants import KIND_CEREMONY_ROOM, KIND_REGISTRAR

        resource_kind_register(KIND_CEREMONY_ROOM, _("Ceremony room"))
        resource_kind_register(KIND_REGISTRAR, _("Registrar"))
