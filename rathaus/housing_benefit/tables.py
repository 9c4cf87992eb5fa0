"""Parameter tables of the Wohngeldgesetz (WoGG), one table per legal period.

Pure data, no Django. `period_for(on)` picks the table in force on a date. Adding the next
Fortschreibung (§ 43 WoGG) means adding one `LegalPeriod` to `PERIODS`; see
docs/housing-benefit.md. Every amount is in EUR per month unless the name says `_year`.

Sources (see shared/wohngeld/RULES.md for the full list and the confidence per table):
Anlagen 1–3 WoGG in the versions of the Wohngeld-Plus-Gesetz (BGBl. I 2022 S. 2160) and of the
2. Wohngeld-Fortschreibungsverordnung (BGBl. 2024 I Nr. 314); § 12 Abs. 6 and 7 WoGG
(Heizkosten-Entlastung, Klimakomponente); §§ 16–18, 17a, 19 Abs. 3, 21 Nr. 1 WoGG; § 9a EStG.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

D = Decimal

MAX_FORMULA_MEMBERS = 12  # § 19 Abs. 1: the formula covers up to 12 counted members
RENT_LEVELS = (1, 2, 3, 4, 5, 6, 7)  # Mietenstufen I–VII (§ 12 Abs. 2 WoGG)
ROMAN_RENT_LEVELS = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII"}


class NoLegalPeriod(LookupError):
    """No parameter table covers the requested date (before the first period)."""


@dataclass(frozen=True)
class Coefficients:
    """The values a, b, c of the formula (Anlage 2 WoGG) for one number of counted members."""

    a: Decimal
    b: Decimal
    c: Decimal


@dataclass(frozen=True)
class PerMemberAmounts:
    """Amounts listed for 1 to 5 members plus a step for each further member.

    Anlage 1 and § 12 Abs. 6/7 WoGG are written this way; rows for 6 and more members are
    value(5) + (members - 5) * step, as the BMWSB examples and the Länder note compute them.
    """

    first_five: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
    each_further: Decimal

    def for_members(self, members: int) -> Decimal:
        if members < 1:
            raise ValueError("members must be at least 1")
        if members <= 5:
            return self.first_five[members - 1]
        return self.first_five[4] + (members - 5) * self.each_further


@dataclass(frozen=True)
class IncomeRules:
    """Income parameters (§§ 14–18, 17a WoGG, § 9a EStG) in force during a period."""

    employment_expenses_year: Decimal  # Arbeitnehmer-Pauschbetrag, § 9a Nr. 1a EStG
    pension_expenses_year: Decimal  # § 9a Nr. 3 EStG
    flat_deduction_rate: Decimal  # § 16: 10 % for each of tax, KV/PV, RV
    severe_disability_year: Decimal  # § 17 Nr. 1
    persecution_victim_year: Decimal  # § 17 Nr. 2
    single_parent_year: Decimal  # § 17 Nr. 3
    child_earnings_year: Decimal  # § 17 Nr. 4, per child under 25
    basic_pension_base: Decimal  # § 17a: the first 100 EUR of the pension ...
    basic_pension_rate: Decimal  # ... plus 30 % of the rest ...
    basic_pension_cap_share: Decimal  # ... capped at 50 % of Regelbedarfsstufe 1
    maintenance_education_away_year: Decimal  # § 18 Nr. 1
    maintenance_child_alternating_year: Decimal  # § 18 Nr. 2
    maintenance_former_spouse_year: Decimal  # § 18 Nr. 3
    maintenance_other_person_year: Decimal  # § 18 Nr. 4


@dataclass(frozen=True)
class LegalPeriod:
    """All parameters of one legal period (Rechtsstand)."""

    key: str
    title: str
    valid_from: date
    confirmed_until: date | None  # after this date the values are carried forward, unconfirmed
    sources: tuple[str, ...]
    coefficients: tuple[Coefficients, ...]  # Anlage 2, index 0 = 1 member ... 11 = 12 members
    minimum_rent: tuple[Decimal, ...]  # Anlage 3 Nr. 1, minimum M for 1..12 members
    minimum_income: tuple[Decimal, ...]  # Anlage 3 Nr. 1, minimum Y for 1..12 members
    maximum_rent: tuple[PerMemberAmounts, ...]  # Anlage 1, index 0 = Mietenstufe I ... 6 = VII
    climate_component: PerMemberAmounts  # § 12 Abs. 7, raises the cap
    heating_relief: PerMemberAmounts  # § 12 Abs. 6, added on top of the capped rent
    formula_factor: Decimal  # § 19 Abs. 1
    per_member_above_12: Decimal  # § 19 Abs. 3
    minimum_benefit: Decimal  # § 21 Nr. 1: no Wohngeld below this amount
    income: IncomeRules

    def __post_init__(self) -> None:
        sizes = (len(self.coefficients), len(self.minimum_rent), len(self.minimum_income))
        if sizes != (MAX_FORMULA_MEMBERS,) * 3 or len(self.maximum_rent) != len(RENT_LEVELS):
            raise ValueError(f"incomplete parameter table {self.key}")

    def coefficients_for(self, members: int) -> Coefficients:
        return self.coefficients[_formula_index(members)]

    def minimum_rent_for(self, members: int) -> Decimal:
        return self.minimum_rent[_formula_index(members)]

    def minimum_income_for(self, members: int) -> Decimal:
        return self.minimum_income[_formula_index(members)]

    def maximum_rent_for(self, rent_level: int, members: int) -> Decimal:
        if rent_level not in RENT_LEVELS:
            raise ValueError(f"unknown rent level {rent_level}")
        return self.maximum_rent[rent_level - 1].for_members(members)

    def is_confirmed_on(self, on: date) -> bool:
        return self.confirmed_until is None or on <= self.confirmed_until


def _formula_index(members: int) -> int:
    if not 1 <= members <= MAX_FORMULA_MEMBERS:
        raise ValueError(f"table values exist for 1 to 12 members, not {members}")
    return members - 1


def _coefficients(a: tuple[str, ...], b: tuple[str, ...], c: tuple[str, ...]):
    return tuple(Coefficients(D(x), D(y), D(z)) for x, y, z in zip(a, b, c, strict=True))


def _amounts(*values: str) -> tuple[Decimal, ...]:
    return tuple(D(v) for v in values)


def _per_member(first_five: tuple[int | str, ...], step: int | str) -> PerMemberAmounts:
    values = tuple(D(str(v)) for v in first_five)
    return PerMemberAmounts(first_five=values, each_further=D(str(step)))  # type: ignore[arg-type]


# fmt: off
# a is the same in 2023 and 2025 (the Fortschreibung rescales only b and c, § 43 WoGG).
_A = ("0.04", "0.03", "0.02", "0.01", "0", "-0.01", "-0.02", "-0.03", "-0.04", "-0.06", "-0.09",
      "-0.12")
# fmt: on

# § 12 Abs. 6 (CO2 part + permanent Heizkostenkomponente) and Abs. 7, unchanged since 2023.
_HEATING_RELIEF = _per_member(("110.40", "142.60", "170.20", "197.80", "225.40"), "27.60")
_CLIMATE_COMPONENT = _per_member(("19.20", "24.80", "29.60", "34.40", "39.20"), "4.80")

INCOME_RULES_FROM_2023 = IncomeRules(
    employment_expenses_year=D("1230"),
    pension_expenses_year=D("102"),
    flat_deduction_rate=D("0.10"),
    severe_disability_year=D("1800"),
    persecution_victim_year=D("750"),
    single_parent_year=D("1320"),
    child_earnings_year=D("1200"),
    basic_pension_base=D("100"),
    basic_pension_rate=D("0.30"),
    basic_pension_cap_share=D("0.50"),
    maintenance_education_away_year=D("3000"),
    maintenance_child_alternating_year=D("3000"),
    maintenance_former_spouse_year=D("6000"),
    maintenance_other_person_year=D("3000"),
)

# fmt: off
WOGG_2023 = LegalPeriod(
    key="2023",
    title="WoGG i. d. F. des Wohngeld-Plus-Gesetzes (1.1.2023–31.12.2024)",
    valid_from=date(2023, 1, 1),
    confirmed_until=date(2024, 12, 31),
    sources=(
        "Wohngeld-Plus-Gesetz, BGBl. I 2022 S. 2160 (Anlagen 2 and 3 WoGG)",
        "Anlage 1 WoGG as of 2022 (Höchstbeträge 2020 x 1.02788, § 23 WoGV a.F.)",
        "§ 12 Abs. 6 and 7 WoGG (Heizkosten-Entlastung, Klimakomponente)",
        "§ 19 Abs. 3 WoGG (57 EUR per member above 12), § 21 Nr. 1 WoGG (10 EUR)",
    ),
    coefficients=_coefficients(
        _A,
        ("0.0004991", "0.0003716", "0.0003035", "0.0002251", "0.0001985", "0.0001792",
         "0.0001657", "0.0001648", "0.0001432", "0.0001300", "0.0001188", "0.0001152"),
        ("0.0000462", "0.0000345", "0.0000278", "0.0000200", "0.0000195", "0.0000188",
         "0.0000187", "0.0000187", "0.0000188", "0.0000188", "0.0000222", "0.0000251"),
    ),
    minimum_rent=_amounts("52", "64", "76", "88", "99", "99", "111", "123", "135", "146", "180",
                          "286"),
    minimum_income=_amounts("350", "600", "800", "1000", "1200", "1400", "1600", "1800", "2000",
                            "2200", "2400", "2600"),
    maximum_rent=(
        _per_member((347, 420, 501, 584, 667), 79),
        _per_member((392, 474, 564, 659, 752), 90),
        _per_member((438, 530, 631, 736, 841), 102),
        _per_member((491, 595, 708, 825, 944), 114),
        _per_member((540, 654, 778, 909, 1038), 124),
        _per_member((591, 716, 853, 995, 1137), 143),
        _per_member((651, 788, 937, 1095, 1251), 157),
    ),
    climate_component=_CLIMATE_COMPONENT,
    heating_relief=_HEATING_RELIEF,
    formula_factor=D("1.15"),
    per_member_above_12=D("57"),
    minimum_benefit=D("10"),
    income=INCOME_RULES_FROM_2023,
)

WOGG_2025 = LegalPeriod(
    key="2025",
    title="WoGG i. d. F. der 2. Wohngeld-Fortschreibungsverordnung (ab 1.1.2025)",
    valid_from=date(2025, 1, 1),
    # A Fortschreibung or a reform is due on 1.1.2027 (§ 43 WoGG) but not yet law.
    confirmed_until=date(2026, 12, 31),
    sources=(
        "2. Wohngeld-Fortschreibungsverordnung vom 21.10.2024, BGBl. 2024 I Nr. 314 "
        "(Anlagen 1 to 3 WoGG)",
        "§ 12 Abs. 6 and 7 WoGG (Heizkosten-Entlastung, Klimakomponente)",
        "§ 19 Abs. 3 WoGG (65 EUR per member above 12), § 21 Nr. 1 WoGG (10 EUR)",
    ),
    coefficients=_coefficients(
        _A,
        ("0.0004797", "0.0003571", "0.0002917", "0.0002163", "0.0001907", "0.0001722",
         "0.0001592", "0.0001583", "0.0001376", "0.0001249", "0.0001141", "0.0001107"),
        ("0.0000408", "0.0000304", "0.0000245", "0.0000176", "0.0000172", "0.0000166",
         "0.0000165", "0.0000165", "0.0000166", "0.0000166", "0.0000196", "0.0000221"),
    ),
    minimum_rent=_amounts("54", "67", "79", "92", "103", "103", "115", "128", "140", "152", "187",
                          "298"),
    minimum_income=_amounts("396", "679", "906", "1132", "1358", "1585", "1811", "2037", "2264",
                            "2490", "2717", "2943"),
    maximum_rent=(
        _per_member((361, 437, 521, 608, 694), 82),
        _per_member((408, 493, 587, 686, 782), 94),
        _per_member((456, 551, 657, 766, 875), 106),
        _per_member((511, 619, 737, 858, 982), 119),
        _per_member((562, 680, 809, 946, 1080), 129),
        _per_member((615, 745, 887, 1035, 1183), 149),
        _per_member((677, 820, 975, 1139, 1302), 163),
    ),
    climate_component=_CLIMATE_COMPONENT,
    heating_relief=_HEATING_RELIEF,
    formula_factor=D("1.15"),
    per_member_above_12=D("65"),
    minimum_benefit=D("10"),
    income=INCOME_RULES_FROM_2023,
)
# fmt: on

# Sorted by valid_from. The next Fortschreibung is one more entry here.
PERIODS: tuple[LegalPeriod, ...] = (WOGG_2023, WOGG_2025)

# Regelbedarfsstufe 1 (SGB XII / SGB II) caps the § 17a allowance. It is not a WoGG value and
# changes on its own yearly schedule; add a row when it changes.
STANDARD_NEEDS_LEVEL_1: tuple[tuple[date, Decimal], ...] = (
    (date(2023, 1, 1), D("502")),
    (date(2024, 1, 1), D("563")),  # unchanged in 2025 and 2026
)

FIRST_DATE = PERIODS[0].valid_from


def period_for(on: date) -> LegalPeriod:
    """The parameter table in force on `on`."""
    found = [period for period in PERIODS if period.valid_from <= on]
    if not found:
        raise NoLegalPeriod(f"no parameter table before {FIRST_DATE.isoformat()}")
    return found[-1]


def standard_needs_level_1(on: date) -> Decimal:
    found = [amount for since, amount in STANDARD_NEEDS_LEVEL_1 if since <= on]
    if not found:
        raise NoLegalPeriod(f"no Regelbedarf before {STANDARD_NEEDS_LEVEL_1[0][0].isoformat()}")
    return found[-1]
