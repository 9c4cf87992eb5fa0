"""The parking-permit office in the staff shell (`rathaus.accounts.staff_domains`)."""

from django.utils.translation import gettext_lazy as _

from rathaus.accounts.staff_domains import staff_domain_register

from .selectors import access_parking_staff


def staff_domain_add() -> None:
    staff_domain_register(
        slug="parken",
        label=_("Resident parking"),
        description=_("Applications for resident parking permits, zones, fees and payments."),
        url_name="parking_staff:queue",
        allows=access_parking_staff,
        order=30,
    )
