"""Matching transfers to open applications: typos tolerated, never a wrong application."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from rathaus.core.references import ALPHABET, reference_shape
from rathaus.parking_permits.camt import Entry
from rathaus.parking_permits.matching import entries_match, remittance_for

FEE = Decimal("30.70")


def _entry(text: str, amount: Decimal = FEE) -> Entry:
    return Entry(amount, "EUR", date(2027, 3, 1), "", "", text, True)


def _open(count: int, seed: int = 7) -> list[str]:
    """`count` references shaped as `reference_draw` makes them, the same on every run
    (reference_draw takes the system's randomness, which no seed fixes)."""
    rng = random.Random(seed)
    refs = {f"BP-2027-{''.join(rng.choice(ALPHABET) for _ in range(4))}" for _ in range(count)}
    shape = reference_shape("BP", length=4, with_year=True)
    assert all(shape.fullmatch(ref) for ref in refs)
    return sorted(remittance_for(ref) for ref in refs)


def test_spellings_and_typos_find_the_one_application():
    refs = _open(5000)
    target = refs[1234]  # BP-2027-XXXX-YY
    bare = target.replace("-", "")
    swapped = target[:-5] + target[-4] + target[-5] + target[-3:]
    wrong = target[:-1] + ("A" if target[-1] != "A" else "B")
    short = target[:-3]
    for text in (target, target.lower(), bare, f"Parkausweis {bare[2:]}", swapped, wrong, short):
        [match] = entries_match([_entry(text)], dict.fromkeys(refs, FEE))
        assert match.reference == target, (text, match.reason)


def test_typo_tolerance_stays_unambiguous_among_thousands():
    refs = _open(5000)
    rng = random.Random(3)
    texts = []
    for ref in rng.sample(refs, 500):
        i = rng.choice([8, 9, 10, 11, 13, 14])  # a character of the random part or the check
        char = rng.choice([c for c in "ABCDEFGHJKLMNPQRSTUVWXYZ23456789" if c != ref[i]])
        texts.append((ref, ref[:i] + char + ref[i + 1 :]))
    matches = entries_match([_entry(t) for _, t in texts], dict.fromkeys(refs, FEE))
    assert all(m.reference in (None, ref) for m, (ref, _) in zip(matches, texts, strict=True))
    assert sum(m.matched for m in matches) >= 490


def test_wrong_amount_unknown_reference_and_a_second_payment_are_listed():
    refs = _open(10)
    entries = [_entry(refs[0], Decimal("30.00")), _entry("Miete"), _entry(refs[1]), _entry(refs[1])]
    matches = entries_match(entries, dict.fromkeys(refs, FEE))
    assert [m.matched for m in matches] == [False, False, True, False]
    assert "amount differs" in matches[0].reason
