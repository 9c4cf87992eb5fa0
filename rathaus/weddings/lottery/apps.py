from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LotteryConfig(AppConfig):
    name = "rathaus.weddings.lottery"
    label = "wedding_lottery"
    verbose_name = _("Wedding-date lottery")

    def ready(self):
        from . import audit_events  # noqa: F401 - registers the app's audit sentences
