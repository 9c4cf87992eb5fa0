from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LotteryConfig(AppConfig):
    name = "rathaus.weddings.lottery"
    label = "wedding_lottery"
    verbose_name = _("Wedding-date lottery")
