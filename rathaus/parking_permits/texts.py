"""What applicants read in the pre-check: the zone's conditions and the documents to have ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .constants import Residence
from .models import Zone


def precheck_conditions(zone: Zone) -> list[Any]:
    conditions: list[Any] = [
        _("You are registered at this address and actually live there."),
        (
            _("It must be your main residence.")
            if zone.residence == Residence.MAIN
            else _("Your main or secondary residence counts.")
        ),
        _(
            "One permit per resident, for one vehicle registered to you or provably in your "
            "permanent use (company car, leasing, a relative's car, car sharing)."
        ),
        _("The fee is the same for everyone; there are no discounts (BVerwG, 13 June 2023)."),
    ]
    if zone.garage_confirmation:
        conditions.insert(
            2, _("You confirm that you have no garage or private parking space for the vehicle.")
        )
    return conditions


def precheck_documents() -> list[Any]:
    return [
        _("Your licence plate and your date of birth."),
        _(
            "Only if the vehicle is not registered to you: the registration certificate part I "
            "and a proof of permanent use (employer's or keeper's confirmation), as PDF, JPEG "
            "or PNG, at most 5 MB each."
        ),
        _("For car sharing: your membership confirmation."),
    ]
