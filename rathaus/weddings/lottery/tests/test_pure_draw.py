"""Properties of the pure draw (pure_draw.py): deterministic, independent of input order, no slot
twice, duplicates count once, and everyone gets their best choice still free in the order."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from rathaus.weddings.lottery.pure_draw import (
    Candidate,
    Participant,
    allocation_compute,
    applications_dedupe,
    document_verify,
    draw_key,
    draw_order,
    seed_commitment,
)

SLOTS = [f"venue-{v}@{h:02d}:00" for v in "abc" for h in (10, 11, 12, 14)]

seeds = st.binary(min_size=32, max_size=32).map(bytes.hex)
references = st.lists(
    st.text("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=4, max_size=4).map(
        lambda s: f"TV-2027-{s}"
    ),
    unique=True,
    max_size=25,
)


@st.composite
def draws(draw_):
    seed = draw_(seeds)
    refs = draw_(references)
    participants = [
        Participant(ref, tuple(draw_(st.lists(st.sampled_from(SLOTS), unique=True, max_size=5))))
        for ref in refs
    ]
    free = draw_(st.sets(st.sampled_from(SLOTS)))
    pairs = [(p.reference, s) for p in participants for s in p.preferences]
    refused = draw_(st.sets(st.sampled_from(pairs))) if pairs else set()
    return seed, participants, free, refused


@settings(max_examples=200, deadline=None)
@given(draws(), st.randoms(use_true_random=False))
def test_the_allocation_is_a_function_of_its_inputs_not_of_their_order(case, rnd):
    seed, participants, free, refused = case
    first = allocation_compute(
        seed_hex=seed, participants=participants, free_slots=free, refused=refused
    )
    shuffled = list(participants)
    rnd.shuffle(shuffled)
    second = allocation_compute(
        seed_hex=seed, participants=shuffled, free_slots=sorted(free), refused=list(refused)
    )
    assert first == second


@settings(max_examples=200, deadline=None)
@given(draws())
def test_no_slot_twice_only_free_slots_and_each_gets_the_best_still_free(case):
    seed, participants, free, refused = case
    result = allocation_compute(
        seed_hex=seed, participants=participants, free_slots=free, refused=refused
    )
    won = [slot for slot in result.allocated.values() if slot]
    assert len(won) == len(set(won))
    assert set(won) <= free
    prefs = {p.reference: p.preferences for p in participants}
    taken: set[str] = set()
    for reference in result.order:  # serial dictatorship, checked from its definition
        available = [
            s
            for s in prefs[reference]
            if s in free and s not in taken and (reference, s) not in refused
        ]
        expected = available[0] if available else None
        assert result.allocated[reference] == expected
        if expected:
            taken.add(expected)


@given(seeds, references)
def test_the_order_is_sorted_by_the_hash_of_seed_and_reference(seed, refs):
    order = draw_order(seed, refs)
    keys = [hashlib.sha256(f"{seed}:{ref}".encode()).hexdigest() for ref in order]
    assert keys == sorted(keys)
    assert sorted(order) == sorted(refs)
    assert (
        draw_key(seed, "TV-2027-ABCD")
        == hashlib.sha256(f"{seed}:TV-2027-ABCD".encode()).hexdigest()
    )


def test_another_seed_gives_another_order():
    refs = [f"TV-2027-A{c}{c}{c}" for c in "BCDEFGHJKL"]
    orders = {tuple(draw_order(bytes([i]).hex() * 32, refs)) for i in range(5)}
    assert len(orders) > 1


def test_the_commitment_is_sha256_of_the_seed_bytes():
    seed = "00" * 31 + "01"
    assert seed_commitment(seed) == hashlib.sha256(bytes(31) + b"\x01").hexdigest()


def test_refused_slots_are_skipped_for_that_application_only():
    participants = [Participant("TV-2027-AAAA", ("x", "y")), Participant("TV-2027-BBBB", ("x",))]
    seed = next(
        s
        for s in (bytes([i]).hex() * 32 for i in range(50))
        if draw_order(s, ["TV-2027-AAAA", "TV-2027-BBBB"])[0] == "TV-2027-AAAA"
    )
    result = allocation_compute(
        seed_hex=seed,
        participants=participants,
        free_slots={"x", "y"},
        refused={("TV-2027-AAAA", "x")},
    )
    assert result.allocated == {"TV-2027-AAAA": "y", "TV-2027-BBBB": "x"}
    assert result.refused == (("TV-2027-AAAA", "x"),)


# --- Duplicates --------------------------------------------------------------------------------


def _candidate(ref, minute, email, names=("Anna Schmidt", "Ben Schmidt")):
    return Candidate(ref, minute, email, names)


def test_same_email_in_another_case_counts_once_for_the_earliest_confirmed():
    result = applications_dedupe(
        [
            _candidate("TV-2027-BBBB", 5, " Paar@Example.org", ("X Y", "Z W")),
            _candidate("TV-2027-AAAA", 3, "paar@example.org"),
        ]
    )
    assert result.kept == ("TV-2027-AAAA",)
    assert result.duplicate_of == {"TV-2027-BBBB": "TV-2027-AAAA"}


def test_same_couple_in_the_other_order_and_spelling_counts_once():
    result = applications_dedupe(
        [
            _candidate("TV-2027-AAAA", 1, "a@example.org", ("Çağla Öztürk", "Luca D'Amato")),
            _candidate("TV-2027-BBBB", 2, "b@example.org", ("luca  d'amato", "ÇAĞLA ÖZTÜRK")),
            _candidate("TV-2027-CCCC", 3, "c@example.org", ("Çağla Öztürk", "Someone Else")),
        ]
    )
    assert result.kept == ("TV-2027-AAAA", "TV-2027-CCCC")
    assert result.duplicate_of == {"TV-2027-BBBB": "TV-2027-AAAA"}


def test_a_chain_of_shared_addresses_and_couples_counts_once():
    """B shares the couple with A, C the address with B: all three are one couple."""
    result = applications_dedupe(
        [
            _candidate("TV-2027-AAAA", 1, "a@example.org", ("P Q", "R S")),
            _candidate("TV-2027-BBBB", 2, "b@example.org", ("R S", "P Q")),
            _candidate("TV-2027-CCCC", 3, "b@example.org", ("T U", "V W")),
        ]
    )
    assert result.kept == ("TV-2027-AAAA",)
    assert set(result.duplicate_of) == {"TV-2027-BBBB", "TV-2027-CCCC"}


names = st.sampled_from(["Anna Schmidt", "Ben Schmidt", "Mia Nowak", "Lea Kowalski", "Paul Koch"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a@x.de", "A@x.de", "b@x.de", "c@x.de"]), names, names),
        max_size=12,
    ),
    st.randoms(use_true_random=False),
)
def test_dedupe_keeps_no_two_sharing_an_address_or_couple_regardless_of_input_order(rows, rnd):
    candidates = [
        Candidate(f"TV-2027-{i:04d}", i, email, (n1, n2)) for i, (email, n1, n2) in enumerate(rows)
    ]
    result = applications_dedupe(candidates)
    shuffled = list(candidates)
    rnd.shuffle(shuffled)
    assert applications_dedupe(shuffled) == result
    kept = [c for c in candidates if c.reference in result.kept]
    for key_index in (0, 1):
        keys = [c.keys[key_index] for c in kept]
        assert len(keys) == len(set(keys))
    assert len(result.kept) + len(result.duplicate_of) == len(candidates)
    assert set(result.duplicate_of.values()) <= set(result.kept)


@settings(max_examples=100, deadline=None)
@given(draws())
def test_a_published_document_verifies_and_a_changed_one_does_not(case):
    seed, participants, free, refused = case
    result = allocation_compute(seed_hex=seed, participants=participants, free_slots=free)
    document = {
        "seed": seed,
        "seed_commitment": seed_commitment(seed),
        "seed_commitment_shown_at": "2027-05-01T08:00:00+02:00",
        "first_application_at": "2027-06-01T08:00:00+02:00",
        "free_slots": sorted(free),
        "applications": [
            {"reference": p.reference, "preferences": list(p.preferences)} for p in participants
        ],
        "refused": [{"reference": r, "slot": s} for r, s in result.refused],
        "order": list(result.order),
        "allocation": dict(result.allocated),
    }
    assert document_verify(document) == []
    assert document_verify({**document, "seed_commitment": "0" * 64}) != []
    assert document_verify(document, commitment="0" * 64) != []
    late = {**document, "seed_commitment_shown_at": "2027-06-01T08:00:01+02:00"}
    assert document_verify(late) == ["the commitment was first shown after the first application"]
    if refused:  # a refusal nobody can check is reported, never taken on trust
        claimed = [{"reference": r, "slot": s} for r, s in sorted(refused)]
        assert document_verify({**document, "refused": claimed}) != []
    if len(result.order) > 1:
        swapped = list(result.order)
        swapped[0], swapped[1] = swapped[1], swapped[0]
        assert document_verify({**document, "order": swapped}) != []
