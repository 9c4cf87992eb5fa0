"""Writes on the secret, revocable calendar-feed URLs of venues and registrars.

The URL carries 256 random bits; the database keeps only their SHA-256 digest (see
`selectors.feed_digest`), so a leaked backup opens no feed. Creating a new address revokes the
earlier ones.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from rathaus.weddings import audit_events as audit

from ...models import FeedToken, Venue
from ..selectors import feed_digest, feed_owner_filter

USAGE_PRECISION = timedelta(hours=1)


def feed_token_create(*, actor, venue: Venue | None = None, registrar=None) -> str:
    """A new feed address; returns the token, which is shown once and never stored."""
    owner = feed_owner_filter(venue, registrar)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        FeedToken.objects.filter(**owner, revoked_at__isnull=True).update(revoked_at=timezone.now())
        FeedToken.objects.create(**owner, digest=feed_digest(token), created_by=actor)
        audit.feed_token_created(actor=actor, owner=venue or registrar)
    return token


def feed_token_revoke(*, actor, venue: Venue | None = None, registrar=None) -> int:
    owner = feed_owner_filter(venue, registrar)
    with transaction.atomic():
        count = FeedToken.objects.filter(**owner, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if count:
            audit.feed_token_revoked(actor=actor, owner=venue or registrar)
    return count


def feed_token_use(*, feed: FeedToken) -> None:
    """Note that the feed was read, at most once an hour."""
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > USAGE_PRECISION:
        FeedToken.objects.filter(pk=feed.pk).update(last_used_at=now)
