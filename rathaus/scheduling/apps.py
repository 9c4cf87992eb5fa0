from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "rathaus.scheduling"
    label = "scheduling"

    def ready(self) -> None:
        from . import audit_events  # noqa: F401 - registers the app's audit sentences
