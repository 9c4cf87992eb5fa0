from django.apps import AppConfig


class WeddingsConfig(AppConfig):
    name = "rathaus.weddings"
    label = "weddings"

    def ready(self):
        from . import audit_events  # noqa: F401 - registers the app's audit sentences
        from .staff_domain import staff_domain_add

        staff_domain_add()
