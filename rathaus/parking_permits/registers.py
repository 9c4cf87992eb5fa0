"""The population register and the vehicle register, each behind one small interface.

The shipped adapters read the extracts staff import as CSV (`services.register_import`; format
in docs/parking-permits.md). A city plugs in its real registers by naming another class in the
settings PARKING_POPULATION_REGISTER / PARKING_VEHICLE_REGISTER (dotted path): an XMeld query
over OSCI to its own Melderegister, and the automated query of the central vehicle register at
the KBA (§ 35 Abs. 1 Nr. 22, § 36 Abs. 2m StVG). Each answers with plain records; what the
answer means for the decision is `decision.py`'s business, not the adapter's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from . import selectors
from .addresses import house_number_format


@dataclass(frozen=True)
class ResidentRecord:
    given_name: str
    family_name: str
    birth_date: date
    street_key: str
    house_number: str
    residence: str  # "main" | "secondary"


@dataclass(frozen=True)
class VehicleRecord:
    plate: str  # canonical
    keeper_given_name: str
    keeper_family_name: str
    keeper_birth_date: date | None


class PopulationRegister(Protocol):
    def residents(
        self, *, given_name: str, family_name: str, birth_date: date
    ) -> list[ResidentRecord]:
        """Every registration (main and secondary) of the person; [] when unknown."""
        ...


class VehicleRegister(Protocol):
    def vehicles(self, *, plate: str) -> list[VehicleRecord]:
        """The vehicle registered under the canonical plate, with its keeper; [] if none."""
        ...


class ExtractPopulationRegister:
    """Reads the imported extract of the Melderegister."""

    def residents(
        self, *, given_name: str, family_name: str, birth_date: date
    ) -> list[ResidentRecord]:
        found = selectors.residents_registered(family_name=family_name, birth_date=birth_date)
        wanted = given_name.strip().casefold()
        return [
            ResidentRecord(
                given_name=row.given_name,
                family_name=row.family_name,
                birth_date=row.birth_date,
                street_key=row.street_key,
                house_number=house_number_format(row.house_number),
                residence=row.residence,
            )
            for row in found
            if row.given_name.strip().casefold().split(" ")[0] == wanted.split(" ")[0]
        ]


class ExtractVehicleRegister:
    """Reads the imported extract of the vehicle register."""

    def vehicles(self, *, plate: str) -> list[VehicleRecord]:
        return [
            VehicleRecord(
                plate=row.plate,
                keeper_given_name=row.keeper_given_name,
                keeper_family_name=row.keeper_family_name,
                keeper_birth_date=row.keeper_birth_date,
            )
            for row in selectors.vehicles_registered(plate)
        ]


def population_register() -> PopulationRegister:
    path = getattr(settings, "PARKING_POPULATION_REGISTER", "")
    return import_string(path)() if path else ExtractPopulationRegister()


def vehicle_register() -> VehicleRegister:
    path = getattr(settings, "PARKING_VEHICLE_REGISTER", "")
    return import_string(path)() if path else ExtractVehicleRegister()
