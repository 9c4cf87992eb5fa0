"""Bot protection for public forms and API endpoints: ALTCHA proof of work and rate limits.

- `submission_guard` protects a write (reservation, waiting list, lottery entry);
- `read_guard` rate-limits a read (free slots);
- `altcha_challenge_create` makes the challenge the widget fetches;
- `protection_cleanup` deletes windows and spent challenges that have run out.

See docs/decisions/0006-bot-protection.md for the decisions behind the defaults.
"""

from __future__ import annotations

import ipaddress
import secrets
from datetime import UTC, datetime, timedelta

import altcha
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .conf import key_derive, keyed_digest, protection_on, rate_limits_on, rule
from .exceptions import ProofRejected
from .limiter import limit_enforce
from .models import RateLimitBucket, SpentChallenge

ALGORITHM = "PBKDF2/SHA-256"
PAYLOAD_MAX_LENGTH = 4000  # a real payload is about 700 characters
NOSCRIPT_SCOPE = "noscript"  # one budget for submissions without proof, across all forms
CLEANUP_ONE_IN = 200  # besides the nightly command, every 200th submission tidies up


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the last entry of RATHAUS_CLIENT_IP_HEADER (the one
    our own proxy wrote). IPv6 clients count per /64, which one household usually holds."""
    raw = ""
    if settings.RATHAUS_CLIENT_IP_HEADER:
        raw = request.headers.get(settings.RATHAUS_CLIENT_IP_HEADER, "").split(",")[-1].strip()
    raw = raw or request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def client_address(request) -> str | None:
    """`client_ip` as one address, for the login lockout (django-axes, AXES_CLIENT_IP_CALLABLE):
    the same trusted-proxy rule as the rate limits; an IPv6 client as the first address of its
    /64; None when there is no readable address."""
    ip = client_ip(request)
    if ip == "unknown":
        return None
    return ip.split("/")[0]


def altcha_challenge_create() -> dict:
    """A signed PBKDF2 challenge whose solution is a secret counter in the upper half of
    [0, RATHAUS_ALTCHA_MAX_COUNTER]; the derived key is signed too, so checking is one HMAC."""
    top = settings.RATHAUS_ALTCHA_MAX_COUNTER
    expires_at = timezone.now() + timedelta(minutes=settings.RATHAUS_ALTCHA_EXPIRY_MINUTES)
    challenge = altcha.create_challenge(
        ALGORITHM,
        settings.RATHAUS_ALTCHA_COST,
        counter=top // 2 + secrets.randbelow(top - top // 2 + 1),
        expires_at=expires_at,
        hmac_secret=key_derive("altcha"),
        hmac_key_secret=key_derive("altcha-key"),
    )
    return challenge.to_dict()


def altcha_proof_spend(payload: str) -> None:
    """Accept a solved challenge once; raises ProofRejected (invalid, expired, replayed)."""
    if not payload or len(payload) > PAYLOAD_MAX_LENGTH:
        raise ProofRejected("invalid")
    try:
        result = altcha.verify_solution(
            payload, key_derive("altcha"), hmac_key_secret=key_derive("altcha-key")
        )
    except (AttributeError, KeyError, TypeError, ValueError):  # odd JSON shapes
        raise ProofRejected("invalid") from None
    if result.expired:
        raise ProofRejected("expired")
    if not result.verified:
        raise ProofRejected("invalid")
    challenge = altcha.Payload.from_base64(payload).challenge
    expires_at = timezone.now() + timedelta(minutes=settings.RATHAUS_ALTCHA_EXPIRY_MINUTES)
    if isinstance(challenge.parameters.expires_at, int):
        expires_at = datetime.fromtimestamp(challenge.parameters.expires_at, tz=UTC)
    try:
        with transaction.atomic():
            SpentChallenge.objects.create(
                digest=keyed_digest("altcha-spent", challenge.signature), expires_at=expires_at
            )
    except IntegrityError:
        raise ProofRejected("replayed") from None


def _email_identity(email: str) -> str:
    return email.strip().lower()


def submission_guard(
    request,
    *,
    scope: str,
    email: str | None = None,
    payload: str | None = None,
    noscript_fallback: bool = False,
) -> None:
    """Let one submission through or raise Throttled / ProofRejected.

    In order: the per-IP limit of `scope`; the proof of work (`payload`, by default the form
    field `altcha` or the header `X-Altcha`), or, when it is absent and `noscript_fallback` is
    set (HTML forms), the much smaller budget for submissions without JavaScript; last the
    per-e-mail limit, counted only for submissions that got this far.
    """
    limits = rate_limits_on()
    protection = protection_on()
    if not (limits or protection):
        return  # both switched off: nothing to count, nothing to tidy up
    ip = client_ip(request)
    if limits:
        limit_enforce(scope=scope, kind="ip", identity=ip, rule=rule("SUBMIT_IP"))
    if protection:
        if payload is None:
            payload = request.POST.get("altcha", "") or request.headers.get("X-Altcha", "")
        if payload:
            altcha_proof_spend(payload)
        elif not noscript_fallback:
            raise ProofRejected("missing")
        elif limits:
            limit_enforce(scope=NOSCRIPT_SCOPE, kind="ip", identity=ip, rule=rule("NOSCRIPT_IP"))
            limit_enforce(
                scope=NOSCRIPT_SCOPE, kind="total", identity="*", rule=rule("NOSCRIPT_TOTAL")
            )
    if email and limits:
        limit_enforce(
            scope=scope, kind="email", identity=_email_identity(email), rule=rule("SUBMIT_EMAIL")
        )
    if secrets.randbelow(CLEANUP_ONE_IN) == 0:
        protection_cleanup()


def read_guard(request, *, scope: str) -> None:
    """Per-IP limit for a read endpoint (RATHAUS_RATE_LIMIT_READ_IP); raises Throttled."""
    if rate_limits_on():
        limit_enforce(scope=scope, kind="ip", identity=client_ip(request), rule=rule("READ_IP"))


def challenge_guard(request) -> None:
    """Per-IP limit for fetching challenges (RATHAUS_RATE_LIMIT_CHALLENGE_IP)."""
    if rate_limits_on():
        limit_enforce(
            scope="altcha.challenge",
            kind="ip",
            identity=client_ip(request),
            rule=rule("CHALLENGE_IP"),
        )


def protection_cleanup(*, now=None) -> dict[str, int]:
    """Delete rate-limit windows and spent challenges that have run out."""
    now = now or timezone.now()
    buckets, _ = RateLimitBucket.objects.filter(expires_at__lt=now).delete()
    spent, _ = SpentChallenge.objects.filter(expires_at__lt=now).delete()
    return {"windows": buckets, "challenges": spent}
