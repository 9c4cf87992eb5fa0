"""Secret, revocable calendar-feed URLs for venues and registrars.

The URL carries 256 random bits; the database keeps only their SHA-256 digest, so a leaked
backup opens no feed. Creating a new address revokes the earlier ones.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.timezone import local_datetime, local_today
from rathaus.weddings import audit_events as audit

from ..ics import ceremonies_ics, ics_response
from ..models import FeedToken, Registrar, Reservation, Venue
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


def _owner_of(feed: FeedToken) -> dict:
    return {"venue_id": feed.venue_id} if feed.venue_id else {"registrar_id": feed.registrar_id}


def feed_ics(feed: FeedToken) -> bytes:
    """The ceremonies of the feed's venue or registrar, from a month ago on."""
    today = local_today()
    rows = ceremonies_between(
        today - timedelta(days=FEED_DAYS_BACK), today + timedelta(days=FEED_DAYS_AHEAD)
    ).filter(**_owner_of(feed))
    name = feed.venue.name if feed.venue_id else feed.registrar.name
    return ceremonies_ics(f"{_('Weddings')} – {name}", rows, with_names=True)


def feed_last_modified(feed: FeedToken) -> datetime:
    """When the feed last changed: the latest change of one of its weddings (cancelled ones
    included), of the feed or its owner, and at least the start of today – ceremonies leave
    the window at midnight, and a wedding handed to another registrar leaves that registrar's
    feed without a trace in it. A client that sends only If-Modified-Since therefore reloads
    once a day at most; one that sends the ETag only when something really changed."""
    owner = feed.venue or feed.registrar
    changed = Reservation.objects.filter(**_owner_of(feed)).aggregate(Max("updated_at"))
    moments = [
        changed["updated_at__max"],
        feed.created_at,
        owner.updated_at,
        local_datetime(local_today(), time.min),
    ]
    return max(moment for moment in moments if moment is not None)


def feed_response(request, feed: FeedToken) -> HttpResponse:
    """The feed with validators; `304 Not Modified` when the client's copy is current."""
    return ics_response(request, feed_ics(feed), last_modified=feed_last_modified(feed))
