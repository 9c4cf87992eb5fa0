"""The pre-check's result walks to the consultation booking (issue 14, item 10).

The "book a consultation" link of the result page carries a signed, minimal summary of the
result (`rathaus.core.carry`, kind "wohngeld-precheck"): whether Wohngeld is likely, the
estimated monthly amount, the household size, the rent level and the day of the check. No
names, no incomes, no rent. The booking form shows it and keeps it only when the citizen
consents. It is added only to links within this site: never sent to another address.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

from rathaus.core.carry import carry_encode

from .constants import CARRY_KIND


def precheck_summary(
    *, eligible: bool, amount: int, household_members: int, rent_level: int, on: date
) -> dict[str, Any]:
    return {
        "eligible": eligible,
        "amount_eur": int(amount) if eligible else 0,
        "household_members": household_members,
        "rent_level": rent_level,
        "date": on.isoformat(),
    }


def counselling_link(base_url: str, summary: dict[str, Any] | None) -> str:
    """`base_url` with `carry=` added when it is a path on this site and there is a result."""
    parts = urlsplit(base_url)
    if not summary or not base_url.startswith("/") or parts.scheme or parts.netloc:
        return base_url
    separator = "&" if parts.query else "?"
    return f"{base_url}{separator}{urlencode({'carry': carry_encode(CARRY_KIND, summary)})}"
