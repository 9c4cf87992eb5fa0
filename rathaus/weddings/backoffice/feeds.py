"""Secret, revocable calendar-feed URLs for venues and registrars.

The URL carries 256 random bits; the database keeps only their SHA-256 digest, so a leaked
backup opens no feed. Creating a new address revokes the earlier ones.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.audit import services as audit
from rathaus.core.timezone import local_today

from ..ics import ceremonies_ics
from ..models import FeedToken, Registrar, Venue
from .selectors import ceremonies_between

FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 800
USAGE_PRECISION = timedelta(hours=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _owner_filter(venue: Venue | None, registrar: Registrar | None) -> dict:
    if (venue is None) == (registrar is None):
        raise ValueError("a feed belongs to exactly one venue or registrar")
    return {"venue": venue} if venue else {"registrar": registrar}


def feed_token_create(*, actor, venue: Venue | None = None, registrar=None) -> str:
    """A new feed address; returns the token, which is shown once and never stored."""
    owner = _owner_filter(venue, registrar)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        FeedToken.objects.filter(**owner, revoked_at__isnull=True).update(revoked_at=timezone.now())
        FeedToken.objects.create(**owner, digest=_digest(token), created_by=actor)
        audit.feed_token_created(actor=actor, owner=venue or registrar)
    return token


def feed_token_revoke(*, actor, venue: Venue | None = None, registrar=None) -> int:
    owner = _owner_filter(venue, registrar)
    with transaction.atomic():
        count = FeedToken.objects.filter(**owner, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if count:
            audit.feed_token_revoked(actor=actor, owner=venue or registrar)
    return count


def feed_token_active(*, venue: Venue | None = None, registrar=None) -> FeedToken | None:
    owner = _owner_filter(venue, registrar)
    return FeedToken.objects.filter(**owner, revoked_at__isnull=True).first()


def feed_by_token(token: str) -> FeedToken | None:
    """The active feed for a URL token, or None. Notes its use at most once an hour."""
    if not token or len(token) > 100:
        return None
    feed = (
        FeedToken.objects.select_related("venue", "registrar")
        .filter(digest=_digest(token), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if feed and (feed.last_used_at is None or now - feed.last_used_at > USAGE_PRECISION):
        FeedToken.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed


def feed_ics(feed: FeedToken) -> bytes:
    """The ceremonies of the feed's venue or registrar, from a month ago on."""
    today = local_today()
    rows = ceremonies_between(
        today - timedelta(days=FEED_DAYS_BACK), today + timedelta(days=FEED_DAYS_AHEAD)
    )
    if feed.venue_id:
        rows, name = rows.filter(venue_id=feed.venue_id), feed.venue.name
    else:
        rows, name = rows.filter(registrar_id=feed.registrar_id), feed.registrar.name
    return ceremonies_ics(f"{_('Weddings')} – {name}", rows, with_names=True)
