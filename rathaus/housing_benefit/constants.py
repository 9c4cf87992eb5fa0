"""Local settings of the Wohngeld pages that are facts, not configuration."""

from decimal import Decimal

# Bottrop, Stadt (AGS 05512000): Mietenstufe III, WoGV Anlage "ab 1. Januar 2023", unchanged in
# 2025/2026 (RULES.md section 7). Only the public pre-check uses it; staff choose any level.
CITY_RENT_LEVEL = 3

# Where citizens book counselling; overridable with settings.HOUSING_BENEFIT_COUNSELLING_URL.
# The citizen office's booking form (a plain path: this app never imports the appointments
# app). Until that page answers, the result page names the office's phone instead (live_url).
DEFAULT_COUNSELLING_URL = "/buergerbuero/termin/?service=wohngeld-beratung&location=wohngeldstelle"
# The kind of the signed hand-over (rathaus.core.carry) the booking form reads.
CARRY_KIND = "wohngeld-precheck"

# Pre-check plausibility hint (WoGVwV 15.01 ff., administrative practice): income plus the
# expected Wohngeld should reach about 80 % of the basic needs (Regelbedarf) plus the rent.
PLAUSIBILITY_SHARE = Decimal("0.8")
PLAUSIBILITY_NEEDS_PER_MEMBER = Decimal("563")  # Regelbedarfsstufe 1, 2024–2026 (simplified)

# Pre-check form limits.
PRECHECK_MAX_MEMBERS = 20
PRECHECK_INCOME_ROWS = 4
