"""Idempotency keys: a retried request returns the first request's result instead of a second one.

The client sends an `Idempotency-Key` header: a random UUID (version 4). The key is what lets a
retry fetch the first answer, management token included, so it must be unguessable: only
UUIDv4 keys (122 random bits) are accepted. The stored answer is bound to the digest of the
request's body as sent (its fingerprint): the same key with another body gets no answer. The
record of a key is written in the same transaction as the object it led to, so it exists
exactly when the object does. Only digests are stored: the key's and the body's.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from . import sql
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
# the canonical text form of a version-4, RFC 4122 variant UUID (either case)
_UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", re.I)
# A key made by hand in UUID form ("00000000-0000-4000-8000-000000000000") has the shape but no
# randomness. 30 random hex digits use fewer than 6 distinct values with a chance of ~1e-12.
_MIN_DISTINCT_DIGITS = 6


class IdempotencyKeyInvalid(ValueError):
    pass


class IdempotencyKeyReused(Exception):
    """The key was already used for a different request."""


class IdempotencyKeyLive(Exception):
    """The key has a live record: its first request succeeded (or a twin just did)."""


def idempotency_key_clean(value: str | None) -> str | None:
    """The key from the header (lower case), None when absent; IdempotencyKeyInvalid unless it
    is a random UUID of version 4."""
    if value is None:
        return None
    if not _UUID4.fullmatch(value):
        raise IdempotencyKeyInvalid(value)
    value = value.lower()
    random_digits = value.replace("-", "")
    random_digits = random_digits[:12] + random_digits[13:16] + random_digits[17:]
    if len(set(random_digits)) < _MIN_DISTINCT_DIGITS:
        raise IdempotencyKeyInvalid(value)
    return value


def request_fingerprint(data: object) -> str:
    """Digest of the canonical JSON of a request body (a dict as parsed, key order ignored)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def body_fingerprint(body: bytes, *, ignore: tuple[str, ...] = ()) -> str:
    """Digest of the request body as sent: its canonical JSON without the `ignore` members
    (a one-time proof that a retry may renew). A body that is not a JSON object is hashed as
    bytes."""
    try:
        data = json.loads(body)
    except ValueError:
        return hashlib.sha256(body).hexdigest()
    if isinstance(data, dict):
        data = {name: value for name, value in data.items() if name not in ignore}
    return request_fingerprint(data)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _cutoff(now: datetime) -> datetime:
    return now - timedelta(hours=settings.RATHAUS_IDEMPOTENCY_HOURS)


def idempotency_result_get(
    *, scope: str, key: str, fingerprint: str, now: datetime | None = None
) -> int | None:
    """The object id an earlier request with this key led to, None when there was none.

    Raises IdempotencyKeyReused when the key came with a different request.
    """
    # plain SQL: every reservation attempt with a key asks this first (rathaus/core/sql.py)
    found = sql.rows(
        "SELECT fingerprint, object_id FROM core_idempotencyrecord"
        " WHERE scope = %s AND key_digest = %s AND created_at >= %s",
        [scope, _digest(key), _cutoff(now or timezone.now())],
    )
    if not found:
        return None
    recorded_fingerprint: str = found[0][0]
    object_id: int = found[0][1]
    if recorded_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return object_id


# One statement: a new key is inserted, an expired record of the key is taken over, a live one
# (a concurrent twin's) is left alone and nothing comes back.
_RECORD = """
INSERT INTO core_idempotencyrecord (scope, key_digest, fingerprint, object_id, created_at)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (scope, key_digest) DO UPDATE SET fingerprint = excluded.fingerprint,
    object_id = excluded.object_id, created_at = excluded.created_at
WHERE core_idempotencyrecord.created_at < %s
RETURNING id
"""


def idempotency_record_create(
    *, scope: str, key: str, fingerprint: str, object_id: int, now: datetime | None = None
) -> int:
    """Remember the key's result; call inside the transaction that creates the object.

    Returns the record's id. Raises IdempotencyKeyLive when the key has a live record (an
    earlier request, or a concurrent twin that committed first), so that the caller's
    transaction rolls back and the first result can be returned instead.
    """
    now = now or timezone.now()
    found = sql.rows(_RECORD, [scope, _digest(key), fingerprint, object_id, now, _cutoff(now)])
    if not found:
        raise IdempotencyKeyLive()
    record_id: int = found[0][0]
    return record_id


def idempotency_records_purge(*, now: datetime | None = None) -> int:
    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lt=_cutoff(now or timezone.now())
    ).delete()
    return deleted
