from django.apps import AppConfig


class ParkingPermitsConfig(AppConfig):
    name = "rathaus.parking_permits"
    label = "parking_permits"

    def ready(self) -> None:
        from rathaus.core.jobs import job_register

        from . import audit_events  # noqa: F401 - registers the app's audit sentences
        from .services.changes import permits_ended, refunds_account_erase
        from .services.renewal_reminders import renewal_reminders_send
        from .services.visitors import visitor_plates_erase
        from .staff_domain import staff_domain_add

        staff_domain_add()
        job_register("parking_visitor_plates", visitor_plates_erase)
        job_register("parking_renewal_reminders", renewal_reminders_send)
        job_register("parking_permits_ended", permits_ended)
        job_register("parking_refund_accounts_erase", refunds_account_erase)
