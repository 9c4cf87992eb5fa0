"""The Bürgerbüro in the staff shell (`rathaus.accounts.staff_domains`)."""

from django.utils.translation import gettext_lazy as _

from rathaus.accounts.staff_domains import staff_domain_register

from .staff_selectors import access_citizen_office_staff


def staff_domain_add() -> None:
    staff_domain_register(
        slug="buergerbuero",
        label=_("Bürgerbüro"),
        description=_(
            "Day plan, bookings by phone and at the counter, hours, rosters and the catalogue."
        ),
        url_name="appointments_staff:home",
        allows=access_citizen_office_staff,
        order=30,
    )
