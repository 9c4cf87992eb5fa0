"""The data walks, not the citizen: one service hands what it knows to another through the
citizen's own browser, signed, so that it cannot be forged or altered on the way.

The sending service puts `carry_encode(kind, data)` into a link (`?carry=…`); the receiving
service reads it with `carry_decode`, shows it, and keeps it only when the citizen consents.
Nothing is stored on the way; a token older than `MAX_AGE` is refused. Keep `data` small and
minimal: it travels in a URL.
"""

from __future__ import annotations

from typing import Any

from django.core import signing

SALT = "rathaus.carry"
MAX_AGE = 24 * 60 * 60  # seconds


def carry_encode(kind: str, data: dict[str, Any]) -> str:
    return signing.dumps({"kind": kind, "data": data}, salt=SALT, compress=True)


def carry_decode(token: str | None, *, kind: str | None = None) -> dict[str, Any] | None:
    """The carried data, or None for no, a forged, an expired or another kind of token."""
    if not token:
        return None
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("data"), dict):
        return None
    if kind is not None and value.get("kind") != kind:
        return None
    return {"kind": value["kind"], **value["data"]}
