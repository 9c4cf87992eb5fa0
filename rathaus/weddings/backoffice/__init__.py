"""The back office of the Traukalender: registry office, registrars and venue operators.

Views are thin; every view passes an `access_*` gate from `selectors.py` first. Writes go
through the `services` package (and `scheduling.services` for rules, closures and openings),
which records an audit entry in the same transaction as the change.
"""
