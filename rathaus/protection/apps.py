from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "rathaus.protection"
    label = "protection"

    def ready(self):
        from rathaus.core.guards import submission_guard_register

        from . import checks  # noqa: F401  (registers the system checks)
        from .services import submission_guard

        submission_guard_register(submission_guard, widget_template="protection/_altcha.html")
