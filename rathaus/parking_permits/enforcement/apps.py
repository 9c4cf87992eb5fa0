from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "rathaus.parking_permits.enforcement"
    label = "parking_enforcement"
    verbose_name = _("Parking enforcement")
