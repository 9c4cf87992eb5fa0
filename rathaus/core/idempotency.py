"""Idempotency keys: a retried request returns the first request's result instead of a second one.

The client sends an `Idempotency-Key` header (a random UUID is best). The record of a key is
written in the same transaction as the object it led to, so it exists exactly when the object
does. Only digests are stored: the key's and the canonical request's (its fingerprint).
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
MAX_LENGTH = 100
_PRINTABLE = re.compile(r"[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?")  # visible ASCII, inner spaces


class IdempotencyKeyInvalid(ValueError):
    pass


class IdempotencyKeyReused(Exception):
    """The key was already used for a different request."""


class IdempotencyKeyLive(Exception):
    """The key has a live record: its first request succeeded (or a twin just did)."""


def idempotency_key_clean(value: str | None) -> str | None:
    """The key from the header, None when absent; IdempotencyKeyInvalid when malformed."""
    if value is None:
        return None
    if len(value) > MAX_LENGTH or not _PRINTABLE.fullmatch(value):
        raise IdempotencyKeyInvalid(value)
    return value


def request_fingerprint(data) -> str:
    """Digest of the canonical JSON of a (validated) request payload."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


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
    recorded_fingerprint, object_id = found[0]
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
    return found[0][0]


def idempotency_records_purge(*, now: datetime | None = None) -> int:
    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lt=_cutoff(now or timezone.now())
    ).delete()
    return deleted
