"""Matching bank entries to applications: amount and remittance reference, tolerant of the
usual typos (docs/decisions/0018-automatic-decision-and-transfer.md).

The payment reference is the application's reference plus two check characters derived from
it (BP-2026-K7QM-XY): a typo almost never yields another valid reference, so with thousands
of open applications a single wrong character or two swapped neighbours still point to one.
It is found in the remittance text with or without hyphens and spaces, in any case, without
the prefix, with one character wrong or two neighbours swapped — but only when exactly one
open application fits and the amount is exactly right. Everything else is listed for staff,
with the reason.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .camt import Entry

_FULL = re.compile(r"BP(20\d\d)([A-Z0-9]{6})")
_BARE = re.compile(r"(?<!\d)(20\d\d)([A-Z0-9]{6})")
_SHORT = re.compile(r"BP(20\d\d)([A-Z0-9]{4})")  # the check characters left out
WILDCARD = "?"
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # as rathaus.core.references


def remittance_for(reference: str) -> str:
    """BP-2026-K7QM → BP-2026-K7QM-XY: the reference and two check characters."""
    digest = hashlib.sha256(reference.encode()).digest()
    return f"{reference}-{ALPHABET[digest[0] % 32]}{ALPHABET[digest[1] % 32]}"


def reference_key(reference: str) -> str:
    """BP-2026-K7QM-XY → 2026K7QMXY (what the matching compares)."""
    return re.sub(r"[^A-Z0-9]", "", reference.upper()).removeprefix("BP")


@dataclass(frozen=True)
class Open:
    """An application waiting for its money."""

    reference: str
    amount: Decimal


@dataclass(frozen=True)
class Match:
    entry: Entry
    reference: str | None
    how: str  # "exact" | "typo" | "" ; reason when unmatched
    reason: str = ""

    @property
    def matched(self) -> bool:
        return self.reference is not None


def _variants(key: str) -> set[str]:
    year, code = key[:4], key[4:]
    out = {f"{year}{code[:i]}{WILDCARD}{code[i + 1 :]}" for i in range(len(code))}
    return out


def _swaps(key: str) -> set[str]:
    year, code = key[:4], key[4:]
    return {f"{year}{code[:i]}{code[i + 1]}{code[i]}{code[i + 2 :]}" for i in range(len(code) - 1)}


class Matcher:
    def __init__(self, open_items: Iterable[Open]) -> None:
        self.exact: dict[str, Open] = {}
        self.fuzzy: dict[str, set[str]] = defaultdict(set)
        self.short: dict[str, set[str]] = defaultdict(set)
        for item in open_items:
            key = reference_key(item.reference)
            self.exact[key] = item
            self.short[key[:8]].add(key)
            for variant in _variants(key):
                self.fuzzy[variant].add(key)
        self.taken: set[str] = set()

    def _candidates(self, remittance: str) -> tuple[list[str], list[str]]:
        text = re.sub(r"[^A-Z0-9]", "", remittance.upper())
        keys = [a + b for a, b in _FULL.findall(text)] or [a + b for a, b in _BARE.findall(text)]
        exact = [k for k in keys if k in self.exact]
        if exact:
            return exact, []
        typo: set[str] = set()
        for key in keys:
            typo |= {swap for swap in _swaps(key) if swap in self.exact}
            for variant in _variants(key):
                typo |= self.fuzzy.get(variant, set())
        if not typo:  # "BP-2026-K7QM" without the check characters: exact only
            for year, code in _SHORT.findall(text):
                typo |= self.short.get(year + code, set())
        return [], sorted(typo)

    def match(self, entry: Entry) -> Match:
        if not entry.credit or entry.currency != "EUR":
            return Match(entry, None, "", "not a credit in euros")
        exact, typo = self._candidates(entry.remittance)
        keys, how = (exact, "exact") if exact else (typo, "typo")
        keys = sorted(set(keys) - self.taken)
        if not keys:
            return Match(entry, None, "", "no open reference found")
        if len(keys) > 1:
            return Match(entry, None, "", "several references fit")
        item = self.exact[keys[0]]
        if item.amount != entry.amount:
            return Match(entry, None, "", f"amount differs from {item.amount} € ({item.reference})")
        self.taken.add(keys[0])
        return Match(entry, item.reference, how)


def entries_match(entries: Iterable[Entry], open_items: Mapping[str, Decimal]) -> list[Match]:
    matcher = Matcher(Open(reference, amount) for reference, amount in open_items.items())
    return [matcher.match(entry) for entry in entries]
