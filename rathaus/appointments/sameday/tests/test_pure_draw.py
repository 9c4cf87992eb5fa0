"""Properties of the pure same-day draw: deterministic, independent of input order, never two
appointments in one counter's minute, only inside free time, the urgent quota first."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rathaus.appointments.sameday.pure_draw import Desk, Entry, allocate, quota_minutes

BASE = 1_812_000_000 // 300 * 300  # a moment on the grid
SERVICES = ("a", "b", "c")


@st.composite
def worlds(draw):
    desks = []
    for index in range(draw(st.integers(1, 4))):
        free = []
        cursor = BASE + draw(st.integers(0, 6)) * 300
        for _ in range(draw(st.integers(0, 3))):
            length = draw(st.integers(1, 36)) * 300
            free.append((cursor, cursor + length))
            cursor += length + draw(st.integers(1, 12)) * 300
        services = frozenset(draw(st.sets(st.sampled_from(SERVICES), min_size=1)))
        desks.append(Desk(f"Schalter {index + 1}", services, tuple(free)))
    entries = [
        Entry(
            reference=f"SD-{index:04d}",
            minutes=draw(st.sampled_from([5, 8, 10, 15, 20, 35, 50])),
            services=frozenset(draw(st.sets(st.sampled_from(SERVICES), min_size=1, max_size=2))),
            urgent=draw(st.booleans()),
        )
        for index in range(draw(st.integers(0, 40)))
    ]
    seed = draw(st.binary(min_size=32, max_size=32)).hex()
    percent = draw(st.integers(0, 100))
    refused = {e.reference for e in entries if draw(st.booleans()) and draw(st.booleans())}
    return desks, entries, seed, percent, refused


def run(desks, entries, seed, percent, refused=()):
    return allocate(
        seed_hex=seed,
        entries=entries,
        desks=desks,
        urgent_percent=percent,
        not_before=BASE,
        refused=refused,
    )


@settings(max_examples=150, deadline=None)
@given(worlds())
def test_never_double_booked_and_only_inside_free_time(world):
    desks, entries, seed, percent, refused = world
    outcome = run(desks, entries, seed, percent, refused)
    by_desk = {desk.name: desk for desk in desks}
    by_reference = {entry.reference: entry for entry in entries}
    taken: dict[str, list[tuple[int, int]]] = {}
    for reference, placement in outcome.allocation.items():
        if placement is None:
            continue
        entry = by_reference[reference]
        desk = by_desk[placement.desk]
        assert reference not in refused
        assert placement.start % 300 == 0 and placement.start >= BASE
        assert placement.end - placement.start == entry.minutes * 60
        assert entry.services <= desk.services
        assert any(lo <= placement.start and placement.end <= hi for lo, hi in desk.free)
        for start, end in taken.get(desk.name, []):
            assert placement.end <= start or end <= placement.start
        taken.setdefault(desk.name, []).append((placement.start, placement.end))
    assert set(outcome.refused) <= refused
    urgent_minutes = sum(by_reference[r].minutes for r in outcome.urgent_phase)
    assert urgent_minutes <= outcome.urgent_quota_minutes


@settings(max_examples=80, deadline=None)
@given(worlds(), st.randoms(use_true_random=False))
def test_the_same_seed_gives_the_same_result_whatever_the_input_order(world, random):
    desks, entries, seed, percent, refused = world
    first = run(desks, entries, seed, percent, refused)
    shuffled = list(entries)
    random.shuffle(shuffled)
    second = run(desks, shuffled, seed, percent, refused)
    assert first == second


def test_a_loser_could_not_have_fit_anywhere_when_it_came():
    desks = [Desk("Schalter 1", frozenset({"a"}), ((BASE, BASE + 3600),))]
    entries = [Entry(f"SD-{i}", 20, frozenset({"a"}), False) for i in range(4)]
    outcome = run(desks, entries, "11" * 32, 0)
    assert sum(placement is not None for placement in outcome.allocation.values()) == 3
    starts = sorted(p.start for p in outcome.allocation.values() if p)
    assert starts == [BASE, BASE + 1200, BASE + 2400]


def test_the_urgent_quota_comes_first_and_its_rest_goes_to_everyone():
    desks = [Desk("Schalter 1", frozenset({"a"}), ((BASE, BASE + 6000),))]  # 100 minutes
    urgent = [Entry(f"SD-U{i}", 20, frozenset({"a"}), True) for i in range(4)]
    others = [Entry(f"SD-O{i}", 20, frozenset({"a"}), False) for i in range(10)]
    outcome = run(desks, urgent + others, "22" * 32, 40)
    assert outcome.urgent_quota_minutes == 40
    assert len(outcome.urgent_phase) == 2
    assert all(outcome.allocation[r] is not None for r in outcome.urgent_phase)
    won = [r for r, p in outcome.allocation.items() if p]
    assert len(won) == 5
    assert quota_minutes(desks, 40, BASE, 300) == 40


def test_a_refusal_leaves_the_time_for_the_next():
    desks = [Desk("Schalter 1", frozenset({"a"}), ((BASE, BASE + 1200),))]
    entries = [Entry(f"SD-{i}", 20, frozenset({"a"}), False) for i in range(3)]
    first = run(desks, entries, "33" * 32, 0)
    winner = next(r for r, p in first.allocation.items() if p)
    again = run(desks, entries, "33" * 32, 0, refused={winner})
    assert again.refused == (winner,)
    assert again.allocation[winner] is None
    assert sum(p is not None for p in again.allocation.values()) == 1
