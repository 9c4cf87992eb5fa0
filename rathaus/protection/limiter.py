"""The atomic fixed-window counter behind every rate limit.

One statement per hit, `INSERT … ON CONFLICT (bucket) DO UPDATE SET hits = hits + 1
RETURNING hits`, so two requests can never read the same count (unlike a get-then-set
limiter): under any number of parallel clients exactly `limit` hits per window see a count
`<= limit`. SQLite (3.35+) and PostgreSQL both run it. Call it outside a transaction, so that
the count commits at once and no row lock is held for the rest of a request.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from django.db import DEFAULT_DB_ALIAS
from django.db.models import F
from django.utils import timezone

from rathaus.core import sql

from .conf import Rule, keyed_digest
from .exceptions import Throttled
from .models import RateLimitBucket


def _bucket_key(scope: str, kind: str, identity: str, seconds: int, window: int) -> str:
    return keyed_digest(
        "rate-limit", "\x1f".join([scope, kind, identity, str(seconds), str(window)])
    )


def bucket_hit(
    *,
    scope: str,
    kind: str,
    identity: str,
    rule: Rule,
    now: datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> tuple[int, int]:
    """Count one hit in the current window; (hits so far including this one, seconds left)."""
    moment = (now or timezone.now()).timestamp()
    window = int(moment // rule.seconds)
    window_end = (window + 1) * rule.seconds
    count = sql.insert_or_increment(
        RateLimitBucket(
            bucket=_bucket_key(scope, kind, identity, rule.seconds, window),
            scope=scope[:60],
            kind=kind,
            hits=1,
            expires_at=datetime.fromtimestamp(window_end, tz=UTC),
        ),
        unique="bucket",
        counter="hits",
        using=using,
    )
    return count, max(1, math.ceil(window_end - moment))


def limit_enforce(
    *, scope: str, kind: str, identity: str, rule: Rule | None, now: datetime | None = None
) -> None:
    """Count a hit and raise Throttled once the window holds more than `rule.limit` hits."""
    if rule is None:
        return
    count, seconds_left = bucket_hit(scope=scope, kind=kind, identity=identity, rule=rule, now=now)
    if count > rule.limit:
        raise Throttled(seconds_left)


def bucket_refund(
    *,
    scope: str,
    kind: str,
    identity: str,
    rule: Rule,
    now: datetime | None = None,
) -> None:
    """Take back one hit of the current window, for an attempt that turned out to gain nothing
    (a counted allowance is only used up by what succeeds). Never below zero."""
    moment = (now or timezone.now()).timestamp()
    window = int(moment // rule.seconds)
    RateLimitBucket.objects.filter(
        bucket=_bucket_key(scope, kind, identity, rule.seconds, window), hits__gt=0
    ).update(hits=F("hits") - 1)
