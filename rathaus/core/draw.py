"""The commitment scheme of every public draw (the wedding lottery, the same-day draw).

1. Before anyone takes part, 32 random bytes become the seed; only `seed_commitment(seed)` =
   SHA-256 of the seed bytes is published, with the moment it was first shown.
2. After the draw the seed is published. Anyone checks `seed_commitment(seed)` against the hash
   they received before, and that the commitment was shown before the first entry
   (`commitment_in_time`).
3. The order of the entries is a function of the seed and their references only:
   `draw_order` sorts by `draw_key` = SHA-256(seed + ":" + reference) as hex, ties by reference.

Pure functions, no Django: a verifier needs nothing but the published document.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime

SEED_BYTES = 32


def seed_new() -> str:
    """A fresh seed: SEED_BYTES random bytes from `secrets`, hex."""
    return secrets.token_bytes(SEED_BYTES).hex()


def seed_commitment(seed_hex: str) -> str:
    """What is published before the draw: SHA-256 of the 32 seed bytes, hex."""
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


def draw_key(seed_hex: str, reference: str) -> str:
    return hashlib.sha256(f"{seed_hex}:{reference}".encode()).hexdigest()


def draw_order(seed_hex: str, references: Iterable[str]) -> list[str]:
    return sorted(references, key=lambda reference: (draw_key(seed_hex, reference), reference))


def commitment_problems(
    *, seed_hex: str | None, published: str, received: str | None = None
) -> list[str]:
    """The seed against the published commitment and, when given, the one received before the
    draw (a page or an e-mail): the document must carry that one, not one made up afterwards."""
    if not seed_hex:
        return ["the seed is not published yet"]
    problems = []
    if received is not None and received.strip().lower() != published:
        problems.append("the commitment differs from the one received before the draw")
    try:
        matches = seed_commitment(seed_hex) == published
    except ValueError:
        matches = False
    if not matches:
        problems.append("the seed does not match the commitment")
    return problems


def commitment_in_time(shown_at: str | None, first_entry_at: str | None) -> list[str]:
    """The commitment must have been shown no later than the first entry (ISO 8601 moments)."""
    if not shown_at:
        return ["the moment the commitment was first shown is not published"]
    if first_entry_at and datetime.fromisoformat(shown_at) > datetime.fromisoformat(first_entry_at):
        return ["the commitment was first shown after the first application"]
    return []
