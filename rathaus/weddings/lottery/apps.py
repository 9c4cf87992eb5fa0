from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LotteryConfig(AppConfig):
    name = "rathaus.weddings.lottery"
    label = "wedding_lottery"
    verbose_name = _("Wedding-date lottery")

    def ready(self) -> None:
        from rathaus.weddings.draws import draw_days_provider_register

        from . import audit_events  # noqa: F401 - registers the app's audit sentences
        from .selectors import lottery_days_blocking

        draw_days_provider_register(lottery_days_blocking)
