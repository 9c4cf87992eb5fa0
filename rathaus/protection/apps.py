from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "rathaus.protection"
    label = "protection"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
