from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaitlistConfig(AppConfig):
    name = "rathaus.weddings.waitlist"
    label = "wedding_waitlist"
    verbose_name = _("Waiting list for wedding dates")
