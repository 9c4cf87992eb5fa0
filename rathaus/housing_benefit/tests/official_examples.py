"""Published worked examples, used as fixtures. Amounts are EUR per month.

BMWSB: "Beispiele für die Berechnung des Wohngelds", Stand 01.01.2025, 11 cases,
https://www.bmwsb.bund.de/SharedDocs/downloads/DE/veroeffentlichungen/wohnen/wohngeld-2025/rechenbeispiele-2025.pdf
(transcribed in nyko073006/wohngeld-rechner, docs/quellen/2026-10-07-recherche-wohngeld-fachlich.md
section 6a, and summarised in shared/wohngeld/RULES.md). The document gives the inputs,
Y, M and the Wohngeld; the intermediate values z1..z4 are not published.

Länder note on WoGVwV Nr. 19.31 (02.12.2024), 14 members, with z1..z4 published:
https://www.tacheles-sozialhilfe.de/files/Weisungen/WoGG/241202-hinweise-wogmehrals12hmer_geschwaerzt.pdf

GETTSIM test data (github.com/ttsim-dev/gettsim, src/_gettsim_tests/test_data/wohngeld/),
created with the BMWSB Wohngeldrechner 2023 and 2025; used here with Y taken as given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rathaus.housing_benefit.calculation import SubsidyType
from rathaus.housing_benefit.income import Income, IncomeKind, Member

D = Decimal
ON_2025 = date(2025, 7, 1)
BMWSB_2025 = "BMWSB, Beispiele für die Berechnung des Wohngelds, Stand 01.01.2025"
LAENDER_19_31 = "Länderhinweis zu WoGVwV Nr. 19.31, Stand 02.12.2024"
GETTSIM = "GETTSIM test data (BMWSB Wohngeldrechner)"


@dataclass(frozen=True)
class Example:
    source: str
    number: str
    place: str
    on: date
    rent_level: int
    household_members: int
    members_counted: int
    rent: Decimal
    y: Decimal
    m: Decimal | None
    wohngeld: int
    subsidy_type: SubsidyType = SubsidyType.RENT
    members: tuple[Member, ...] = field(default=())  # gross path inputs, when published


def _employee(gross: str, *, tax: bool = False) -> Member:
    return Member(
        incomes=(Income(IncomeKind.EMPLOYMENT, D(gross)),),
        pays_income_tax=tax,
        pays_health_insurance=True,
        pays_pension_insurance=True,
    )


def _pensioner(gross: str, **flags: bool) -> Member:
    return Member(
        incomes=(Income(IncomeKind.PENSION, D(gross)),), pays_health_insurance=True, **flags
    )


NOBODY = Member()

# fmt: off
BMWSB_EXAMPLES = (
    Example(BMWSB_2025, "1", "Jüterbog", ON_2025, 1, 1, 1, D("335"), D("1162.35"), D("445.40"),
            110, members=(_pensioner("1300"),)),
    Example(BMWSB_2025, "2", "Ludwigshafen", ON_2025, 4, 1, 1, D("470"), D("1350.00"),
            D("580.40"), 88,
            members=(Member(incomes=(Income(IncomeKind.UNEMPLOYMENT_BENEFIT, D("1350")),)),)),
    Example(BMWSB_2025, "3", "Leipzig, Stadt", ON_2025, 2, 2, 2, D("480"), D("1589.70"),
            D("622.60"), 166,
            members=(_pensioner("1410", severely_disabled=True), _pensioner("540"))),
    Example(BMWSB_2025, "4", "Kreis Schleswig-Flensburg", ON_2025, 1, 3, 3, D("750"),
            D("1638.00"), D("720.80"), 320, SubsidyType.BURDEN,
            members=(_employee("2150"), NOBODY, NOBODY)),
    Example(BMWSB_2025, "5", "Wiesbaden", ON_2025, 6, 3, 3, D("700"), D("1728.00"), D("870.20"),
            372,
            members=(
                Member(incomes=(Income(IncomeKind.EMPLOYMENT, D("1530")),),
                       pays_health_insurance=True, pays_pension_insurance=True,
                       single_parent=True),
                Member(incomes=(Income(IncomeKind.MAINTENANCE_ADVANCE, D("696")),)),
                NOBODY,
            )),
    Example(BMWSB_2025, "6", "München", ON_2025, 7, 4, 4, D("1225"), D("2227.25"),
            D("1371.20"), 691,
            members=(_employee("2490", tax=True),
                     Member(incomes=(Income(IncomeKind.MINIJOB, D("556")),)), NOBODY, NOBODY)),
    Example(BMWSB_2025, "7", "Weimar", ON_2025, 3, 4, 4, D("580"), D("1710.00"), D("777.80"),
            485, members=(_employee("2240"), NOBODY, NOBODY, NOBODY)),
    Example(BMWSB_2025, "8", "Friedrichshafen", ON_2025, 5, 5, 5, D("870"), D("1853.25"),
            D("1095.40"), 747,
            members=(_employee("2750", tax=True), NOBODY,
                     Member(incomes=(Income(IncomeKind.MINIJOB, D("60")),), child_under_25=True),
                     NOBODY, NOBODY)),
    Example(BMWSB_2025, "9", "Attendorn", ON_2025, 2, 6, 6, D("780"), D("3301.10"), D("1033.00"),
            343,
            members=(_employee("4000", tax=True), NOBODY, NOBODY, NOBODY, NOBODY,
                     _pensioner("645"))),
    Example(BMWSB_2025, "10", "Lübeck (mixed household)", ON_2025, 4, 2, 1, D("570"),
            D("784.35"), D("356.30"), 191, members=(_pensioner("880"),)),
    Example(BMWSB_2025, "11", "Neubrandenburg", ON_2025, 2, 1, 1, D("345"), D("561.35"),
            D("455.40"), 342, SubsidyType.BURDEN,
            members=(_pensioner("945", basic_pension_33_years=True),)),
)

LAENDER_EXAMPLE_14 = Example(LAENDER_19_31, "19.31", "Mietenstufe III", date(2025, 1, 1), 3, 14,
                             14, D("1600"), D("4688.25"), D("2018.60"), 1335)

# Calculator results (Y given directly; GETTSIM file names in the number field).
CALCULATOR_EXAMPLES = (
    Example(GETTSIM, "2023-01-01/hh_id_11", "Mietenstufe V", date(2023, 1, 1), 5, 1, 1,
            D("600"), D("735"), D("669.60"), 425),
    Example(GETTSIM, "2025-01-01/single_haushalt_1400_euro", "Mietenstufe V", date(2025, 1, 1),
            5, 1, 1, D("600"), D("908.25"), D("691.60"), 368,
            members=(_employee("1400", tax=True),)),
    Example(GETTSIM, "2025-01-01/single_haushalt_2000_euro", "Mietenstufe V", date(2025, 1, 1),
            5, 1, 1, D("600"), D("1328.25"), D("691.60"), 145,
            members=(_employee("2000", tax=True),)),
    Example(GETTSIM, "2025-01-01/mischhaushalt_mit_einer_sgb_ii_bg", "Mietenstufe V",
            date(2025, 1, 1), 5, 4, 2, D("1000"), D("1400"), D("589.10"), 222),
)
# fmt: on
