from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaitlistConfig(AppConfig):
    name = "rathaus.weddings.waitlist"
    label = "wedding_waitlist"
    verbose_name = _("Waiting list for wedding dates")

    def ready(self) -> None:
        from rathaus.weddings.events import slot_freed_receiver_register

        from .services import waitlist_slot_freed

        slot_freed_receiver_register(waitlist_slot_freed)
