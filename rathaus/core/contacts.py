"""Who citizens can reach, in one place: imprint, venue pages, error pages, accessibility.

The research notes on Bottrop give the town hall's address but no telephone number or e-mail
address of the city. The defaults below are the switchboard number the service already
publishes and the project's placeholder addresses (the reserved .example domain); the city sets
the confirmed values with the settings named here before going live.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

TOWN_HALL_ADDRESS = ("Ernst-Wilczok-Platz 1", "46236 Bottrop")  # research notes, section 1.2

DEFAULTS = {
    "RATHAUS_CONTACT_PHONE": "02041 70-0",
    "RATHAUS_CONTACT_EMAIL": "info@bottrop.example",
    "RATHAUS_REGISTRY_OFFICE_EMAIL": "standesamt@bottrop.example",
    "RATHAUS_ACCESSIBILITY_EMAIL": "barrierefreiheit@bottrop.example",
}


def _setting(name: str) -> str:
    return getattr(settings, name, DEFAULTS[name])


def phone_href(number: str) -> str:
    """tel: link in international form: "02041 70-0" becomes "tel:+492041700"."""
    digits = re.sub(r"\D", "", number)
    if digits.startswith("0"):
        digits = "49" + digits[1:]
    return f"tel:+{digits}"


@dataclass(frozen=True)
class Contact:
    phone: str
    email: str

    @property
    def phone_href(self) -> str:
        return phone_href(self.phone)


def city_contact() -> Contact:
    return Contact(phone=_setting("RATHAUS_CONTACT_PHONE"), email=_setting("RATHAUS_CONTACT_EMAIL"))


def registry_office_contact() -> Contact:
    return Contact(
        phone=_setting("RATHAUS_CONTACT_PHONE"), email=_setting("RATHAUS_REGISTRY_OFFICE_EMAIL")
    )


def accessibility_contact() -> Contact:
    return Contact(
        phone=_setting("RATHAUS_CONTACT_PHONE"), email=_setting("RATHAUS_ACCESSIBILITY_EMAIL")
    )
