"""A second domain for the test suite only: a citizen office whose counters are booked by
duration. It imports nothing of the weddings, and exists to prove that a new domain is an
addition on the scheduling core, not a copy (docs/decisions/0011-general-scheduling.md)."""
