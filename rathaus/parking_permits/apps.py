from django.apps import AppConfig


class ParkingPermitsConfig(AppConfig):
    name = "rathaus.parking_permits"
    label = "parking_permits"

    def ready(self) -> None:
        from . import audit_events  # noqa: F401 - registers the app's audit sentences
        from .staff_domain import staff_domain_add

        staff_domain_add()
