"""Short references people read out on the phone: a prefix, optionally the year, and random
characters from an alphabet without look-alikes (no 0/O, no 1/I), e.g. TK-2027-7KQM.

The random part is short, so a reference can be taken: `reference_unique` draws again until a
free one is found; an insert that refuses a taken reference itself can loop the same way.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ATTEMPTS = 20


def reference_draw(prefix: str, *, length: int, year: int | None = None) -> str:
    suffix = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return f"{prefix}-{year}-{suffix}" if year is not None else f"{prefix}-{suffix}"


def reference_shape(prefix: str, *, length: int, with_year: bool) -> re.Pattern[str]:
    """What a reference drawn by `reference_draw` looks like (checked before any lookup)."""
    year = r"\d{4}-" if with_year else ""
    return re.compile(rf"{re.escape(prefix)}-{year}[{ALPHABET}]{{{length}}}")


def reference_unique(draw: Callable[[], str], taken: Callable[[str], bool]) -> str:
    """A drawn reference nobody has yet. Practically never needs a second draw."""
    for _attempt in range(ATTEMPTS):
        reference = draw()
        if not taken(reference):
            return reference
    raise RuntimeError("no free reference")
