"""Forgiving street names and house numbers (pure; the pre-check and the register match).

"Osterfelder Str.", "osterfelder strasse" and "Osterfelder  Straße" have one key; so do
"Brauerstr" and "Brauer-Straße"; umlauts match their spelled-out form (ü = ue).
"""

from __future__ import annotations

import re
import unicodedata

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_STREET_END = re.compile(r"(str|strasse)\.?$")
_NUMBER = re.compile(r"\s*([1-9][0-9]{0,3})\s*([a-z]?)\s*", re.IGNORECASE)


def street_key(name: str) -> str:
    text = unicodedata.normalize("NFC", name).strip().lower().translate(_UMLAUTS)
    text = re.sub(r"[^a-z0-9.]+", "", text)
    text = _STREET_END.sub("strasse", text)
    return text.replace(".", "")


def house_number_parse(text: str) -> tuple[int, str] | None:
    """(12, "a") for "12a" or "12 A"; None for anything that is not a house number."""
    found = _NUMBER.fullmatch(text or "")
    if not found:
        return None
    return int(found[1]), found[2].lower()


def house_number_format(text: str) -> str:
    parsed = house_number_parse(text)
    if parsed is None:
        return text.strip()
    return f"{parsed[0]}{parsed[1]}"
