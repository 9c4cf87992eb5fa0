"""The registry office's back office (Traukalender) in the staff shell
(`rathaus.accounts.staff_domains`)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from rathaus.accounts.staff_domains import staff_domain_register

from .backoffice.selectors import BACKOFFICE_ROLES, user_roles


def _backoffice_role(user: Any) -> bool:
    return user.is_staff and bool(user_roles(user) & set(BACKOFFICE_ROLES))


def staff_domain_add() -> None:
    staff_domain_register(
        slug="trauungen",
        label=_("Wedding calendar"),
        description=_(
            "Weddings: day and week plans, reservations, venues, registrars' schedules, "
            "lotteries and statistics."
        ),
        url_name="backoffice:home",
        allows=_backoffice_role,
        order=10,
    )
