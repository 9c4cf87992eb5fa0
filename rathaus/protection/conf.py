"""The protection settings, read at call time (tests override them), and the derived keys.

A limit is written `N/period`: `5/10m` is five per ten minutes, `3/1d` three per day; the
units are s, m, h and d. An empty value or `off` switches that one limit off.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RULE_RE = re.compile(r"(\d+)\s*/\s*(\d*)\s*([smhd])")
RULE_NAMES = (
    "READ_IP",
    "CHALLENGE_IP",
    "SUBMIT_IP",
    "SUBMIT_EMAIL",
    "NOSCRIPT_IP",
    "NOSCRIPT_TOTAL",
)


@dataclass(frozen=True)
class Rule:
    limit: int
    seconds: int


def rule_parse(value: str) -> Rule | None:
    """'5/10m' -> Rule(5, 600); '' or 'off' -> None; anything else ImproperlyConfigured."""
    text = (value or "").strip().lower()
    if text in ("", "off"):
        return None
    match = RULE_RE.fullmatch(text)
    if match is None or int(match[2] or 1) == 0:
        raise ImproperlyConfigured(f"A rate limit must look like '5/10m', not {value!r}.")
    return Rule(limit=int(match[1]), seconds=int(match[2] or 1) * PERIOD_SECONDS[match[3]])


def rule(name: str) -> Rule | None:
    """The rule of RATHAUS_RATE_LIMIT_<name>, e.g. rule('SUBMIT_IP')."""
    return rule_parse(getattr(settings, f"RATHAUS_RATE_LIMIT_{name}"))


def protection_on() -> bool:
    return bool(settings.RATHAUS_BOT_PROTECTION)


def rate_limits_on() -> bool:
    return bool(settings.RATHAUS_RATE_LIMITS)


def key_derive(purpose: str) -> bytes:
    """One key per purpose, from RATHAUS_ALTCHA_HMAC_KEY or else from SECRET_KEY."""
    base = settings.RATHAUS_ALTCHA_HMAC_KEY or settings.SECRET_KEY
    return hmac.new(
        base.encode(), f"rathaus.protection.{purpose}".encode(), hashlib.sha256
    ).digest()


def keyed_digest(purpose: str, value: str) -> str:
    """HMAC-SHA256 hex of value: what is stored instead of an e-mail, IP or payload."""
    return hmac.new(key_derive(purpose), value.encode(), hashlib.sha256).hexdigest()
