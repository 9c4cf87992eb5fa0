"""The automatic decision (§ 46 Abs. 5 StVO): issue when no case needs an official.

Pure: the facts come in (the application, the registers' answers, whether the person already
holds a permit); the outcome goes out with the reason of every check, so staff and the
applicant read why. Anything a machine cannot judge — an uploaded proof of use, car sharing,
a special plate — goes to a case worker (docs/decisions/0018-automatic-decision.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from .registers import ResidentRecord, VehicleRecord

REASONS: dict[str, Any] = {
    "not_registered": _("The population register shows no registration at this address."),
    "secondary_residence": _(
        "The address is only a secondary residence, and the zone requires the main residence."
    ),
    "already_holds_permit": _("The applicant already holds a permit or has an open application."),
    "vehicle_unknown": _("The vehicle register knows no vehicle with this plate."),
    "other_keeper": _(
        "The vehicle is registered to someone else; the proof of permanent use is checked by a "
        "case worker."
    ),
    "other_keeper_no_proof": _(
        "The vehicle is registered to someone else and no proof of permanent use was uploaded."
    ),
    "car_sharing": _("Car-sharing permits are checked by a case worker."),
}


@dataclass(frozen=True)
class Facts:
    given_name: str
    family_name: str
    birth_date: date
    street_key: str
    house_number: str
    zone_residence: str  # Residence value
    plate: str
    use_basis: str  # UseBasis value
    has_proof: bool
    holds_permit: bool


@dataclass(frozen=True)
class Outcome:
    approve: bool
    reasons: list[str] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)


def _same_person(facts: Facts, vehicle: VehicleRecord) -> bool:
    if vehicle.keeper_family_name.casefold() != facts.family_name.casefold():
        return False
    given = vehicle.keeper_given_name.casefold().split(" ")[:1]
    if given != facts.given_name.casefold().split(" ")[:1]:
        return False
    return vehicle.keeper_birth_date in (None, facts.birth_date)


def _residence_reasons(facts: Facts, residents: list[ResidentRecord]) -> list[str]:
    here = [
        r
        for r in residents
        if r.street_key == facts.street_key and r.house_number == facts.house_number
    ]
    if not here:
        return ["not_registered"]
    if facts.zone_residence == "main" and not any(r.residence == "main" for r in here):
        return ["secondary_residence"]
    return []


def _vehicle_reasons(facts: Facts, vehicles: list[VehicleRecord]) -> list[str]:
    if facts.use_basis == "car_sharing":
        return ["car_sharing"]
    if not vehicles:
        return ["vehicle_unknown"]
    if any(_same_person(facts, vehicle) for vehicle in vehicles):
        return []
    return ["other_keeper"] if facts.has_proof else ["other_keeper_no_proof"]


def decide(facts: Facts, residents: list[ResidentRecord], vehicles: list[VehicleRecord]) -> Outcome:
    residence = _residence_reasons(facts, residents)
    vehicle = _vehicle_reasons(facts, vehicles)
    once = ["already_holds_permit"] if facts.holds_permit else []
    checks = {"residence": not residence, "vehicle": not vehicle, "one_permit": not once}
    reasons = residence + once + vehicle
    return Outcome(approve=not reasons, reasons=reasons, checks=checks)


def reason_texts(codes: list[str]) -> list[Any]:
    return [REASONS.get(code, code) for code in codes]
