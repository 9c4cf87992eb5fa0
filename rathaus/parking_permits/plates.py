"""German licence plates, exactly (FZV Anlage 1 and 4; docs/parking-permits.md, "Plates").

A plate is stored and shown only in its canonical form with the separator, `BOT-AB 123` or
`BOT-A 12H`: without it `BOTA1` could be Bottrop's BOT-A 1 or Bochum's BO-TA 1, two different
vehicles. Input may come as one string (with or without separators) or in separate fields; a
string with several valid readings is never guessed — `plate_readings` returns all of them and
the applicant chooses.

Rules: district code 1–3 letters (umlauts allowed) from the district list in
`data/district_codes.json`; 1–2 letters A–Z without umlauts; a number 1–9999 without a leading
zero; at most 8 characters in all, or 7 plus the suffix H (historic) or E (electric).
Special plates (short-term, red, export, official, diplomatic) are recognised and go to staff.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
MAX_CHARACTERS = 8
MAX_WITH_SUFFIX = 7
SUFFIXES = ("H", "E")
# Codes of federal and state bodies (FZV Anlage 2): their plates carry only digits and are
# never a resident's. DD (Dresden) also serves Saxony's police, but is a district as well.
OFFICIAL_CODES = frozenset(
    {
        "BBL", "BD", "BP", "BW", "BWL", "BYL", "HEL", "LSA", "LSN", "MVL",
        "NL", "NRW", "RPL", "SAL", "SH", "THL", "THW", "X", "Y",
    }
)  # fmt: skip
_DISTRICT = re.compile(r"[A-ZÄÖÜ]{1,3}")
_LETTERS = re.compile(r"[A-Z]{1,2}")
_DIGITS = re.compile(r"[1-9][0-9]{0,3}")
_SEPARATORS = re.compile(r"[\s\-–:.]+")
_ALLOWED = re.compile(r"[A-ZÄÖÜ0-9]+")
MAX_INPUT = 20


class Special(StrEnum):
    """Plates a resident permit is not issued for online; staff look at them."""

    SHORT_TERM = "short_term"  # 03 / 04 …
    RED = "red"  # 05 / 06 / 07 …
    EXPORT = "export"  # digits and one trailing letter
    OFFICIAL = "official"  # BD, THW, NRW … with digits only
    DIPLOMATIC = "diplomatic"  # district code 0


@dataclass(frozen=True, order=True)
class Plate:
    district: str
    letters: str
    digits: str
    suffix: str = ""

    @property
    def canonical(self) -> str:
        return f"{self.district}-{self.letters} {self.digits}{self.suffix}"

    @property
    def historic(self) -> bool:
        return self.suffix == "H"

    @property
    def electric(self) -> bool:
        return self.suffix == "E"

    def __str__(self) -> str:
        return self.canonical


@dataclass(frozen=True)
class PlateCheck:
    """All valid readings of an input; `plate` only when there is exactly one."""

    readings: tuple[Plate, ...]
    special: Special | None = None

    @property
    def valid(self) -> bool:
        return len(self.readings) == 1

    @property
    def ambiguous(self) -> bool:
        return len(self.readings) > 1

    @property
    def plate(self) -> Plate | None:
        return self.readings[0] if self.valid else None


@cache
def district_codes() -> frozenset[str]:
    """The district codes a resident's plate may carry (current and withdrawn ones)."""
    entries = json.loads((DATA / "district_codes.json").read_text(encoding="utf-8"))
    extra = json.loads((DATA / "district_codes_extra.json").read_text(encoding="utf-8"))
    codes = {entry["Zeichen"] for entry in entries} | {e["code"] for e in extra["codes"]}
    return frozenset(codes - OFFICIAL_CODES)


@cache
def district_names() -> dict[str, str]:
    entries = json.loads((DATA / "district_codes.json").read_text(encoding="utf-8"))
    return {e["Zeichen"]: ", ".join(e["Stadt_Landkreis_oder_Erklärung"]) for e in entries}


def _fits(district: str, letters: str, digits: str, suffix: str) -> bool:
    if suffix not in ("", *SUFFIXES):
        return False
    if not (_DISTRICT.fullmatch(district) and _LETTERS.fullmatch(letters)):
        return False
    if not _DIGITS.fullmatch(digits) or district not in district_codes():
        return False
    length = len(district) + len(letters) + len(digits)
    return length <= (MAX_WITH_SUFFIX if suffix else MAX_CHARACTERS)


def plate_from_parts(district: str, letters: str, digits: str, suffix: str = "") -> Plate | None:
    """The plate of separate fields, or None when they do not make a valid plate."""
    parts = [_normalise(part) for part in (district, letters, digits, suffix)]
    if _fits(*parts):
        return Plate(*parts)
    return None


def _normalise(text: str) -> str:
    return _SEPARATORS.sub("", text.strip().upper())


def _compact(text: str) -> tuple[str, frozenset[int]] | None:
    """The characters without separators, and where separators stood (as boundary indices)."""
    text = text.strip().upper()
    chars: list[str] = []
    boundaries: set[int] = set()
    for piece in _SEPARATORS.split(text):
        if not piece:
            continue
        if not _ALLOWED.fullmatch(piece):
            return None
        if chars:
            boundaries.add(len(chars))
        chars.extend(piece)
    return "".join(chars), frozenset(boundaries)


def _special(compact: str, boundaries: frozenset[int]) -> Special | None:
    if compact.isdigit():
        if compact[:2] in ("03", "04"):
            return Special.SHORT_TERM
        if compact[:2] in ("05", "06", "07"):
            return Special.RED
        if compact.startswith("0"):
            return Special.DIPLOMATIC
        return None
    for code in sorted(OFFICIAL_CODES, key=len, reverse=True):
        rest = compact[len(code) :]
        separated = not boundaries or len(code) in boundaries
        if compact.startswith(code) and rest.isdigit() and 1 <= len(rest) <= 6 and separated:
            return Special.OFFICIAL
    if re.fullmatch(r"[A-ZÄÖÜ]{1,3}[0-9]{1,4}[A-Z]", compact) and compact[-1] not in SUFFIXES:
        return Special.EXPORT
    return None


def _readings(compact: str, boundaries: frozenset[int]) -> list[Plate]:
    found = []
    suffixes = [""] + ([compact[-1]] if compact[-1:] in SUFFIXES else [])
    for suffix in suffixes:
        body = compact[: len(compact) - len(suffix)]
        allowed = {len(body)} if suffix else set()  # "BOT-A 12 H" is read leniently
        for d in range(1, 4):
            for n in range(1, 3):
                if not boundaries <= {d, d + n} | allowed:
                    continue
                parts = (body[:d], body[d : d + n], body[d + n :], suffix)
                if _fits(*parts):
                    found.append(Plate(*parts))
    return sorted(set(found))


def plate_check(text: str) -> PlateCheck:
    """Every valid reading of one string ("BOT-AB 123", "bot ab123", "BOTA1" …)."""
    if not text or len(text) > MAX_INPUT:
        return PlateCheck(())
    compacted = _compact(text)
    if compacted is None or not compacted[0]:
        return PlateCheck(())
    compact, boundaries = compacted
    readings = _readings(compact, boundaries)
    if readings:
        return PlateCheck(tuple(readings))
    return PlateCheck((), special=_special(compact, boundaries))


def plate_parse(canonical: str) -> Plate | None:
    """The plate of a canonical string (as stored), or None."""
    check = plate_check(canonical)
    plate = check.plate
    return plate if plate is not None and plate.canonical == canonical else None
