from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueConfig(AppConfig):
    name = "rathaus.appointments.queue"
    label = "appointments_queue"
    verbose_name = _("Waiting room and call display")
