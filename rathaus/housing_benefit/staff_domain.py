"""The Wohngeldstelle in the staff shell (`rathaus.accounts.staff_domains`)."""

from django.utils.translation import gettext_lazy as _

from rathaus.accounts.staff_domains import staff_domain_register

from .selectors import access_housing_benefit_staff


def staff_domain_add() -> None:
    staff_domain_register(
        slug="wohngeld",
        label=_("Wohngeld"),
        description=_("Caseload planning and the Wohngeld calculator for case workers."),
        url_name="housing_benefit_staff:home",
        allows=access_housing_benefit_staff,
        order=20,
    )
