"""The staff shell's domains: each service's back office, mounted at /verwaltung/<slug>/.

The registry
------------
The shell (`accounts`) never imports a domain. Each domain registers itself in its
`AppConfig.ready()`::

    from rathaus.accounts.staff_domains import staff_domain_register

    staff_domain_register(
        slug="wohngeld",
        label=_("Housing benefit"),
        description=_("Caseload planning and the calculator of the Wohngeldstelle."),
        url_name="housing_benefit_staff:home",
        allows=access_housing_benefit_staff,
        order=20,
    )

`allows(user)` decides only whether the domain is offered on the start page and in the staff
navigation; every page of the domain still passes its own access gate. `url_name` is the
domain's entry page (reversed without arguments), `slug` its path segment under /verwaltung/
(config/urls.py mounts it there), `order` its place in the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse


@dataclass(frozen=True)
class StaffDomain:
    slug: str
    label: Any  # lazy gettext
    description: Any  # lazy gettext: one line on the start page
    url_name: str
    allows: Callable[[Any], bool]
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_domains: dict[str, StaffDomain] = {}


def staff_domain_register(
    *,
    slug: str,
    label: Any,
    description: Any,
    url_name: str,
    allows: Callable[[Any], bool],
    order: int = 100,
) -> StaffDomain:
    """Offer a domain in the staff shell. The same slug twice with another entry page is an
    error (two apps claiming one path); registering the same domain again is harmless."""
    domain = StaffDomain(slug, label, description, url_name, allows, order)
    known = _domains.get(slug)
    if known is not None and known.url_name != url_name:
        raise ImproperlyConfigured(f"staff domain {slug!r} is registered twice")
    _domains[slug] = domain
    return domain


def staff_domains_registered() -> list[StaffDomain]:
    return sorted(_domains.values(), key=lambda domain: (domain.order, domain.slug))


def staff_domains_for(user: Any) -> list[StaffDomain]:
    """The domains `user`'s roles allow, in order; none for anonymous or inactive accounts."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return []
    cached = getattr(user, "_staff_domains", None)
    if cached is None:
        cached = [domain for domain in staff_domains_registered() if domain.allows(user)]
        user._staff_domains = cached  # asked by the start page and the navigation
    return cached


def staff_domain_add_privacy() -> None:
    """The shell's own domain: requests of data subjects, across every service."""
    from django.utils.translation import gettext_lazy as _

    from .selectors import access_privacy_tools

    staff_domain_register(
        slug="datenschutz",
        label=_("Data protection"),
        description=_("Requests for access and erasure of personal data (Art. 15 and 17 GDPR)."),
        url_name="privacy:request",
        allows=access_privacy_tools,
        order=90,
    )
