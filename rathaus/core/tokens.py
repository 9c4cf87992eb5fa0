"""Unguessable link tokens without storing them.

A record stores only a random nonce. Its tokens are HMACs of its reference and nonce under the
server's SECRET_KEY, one per purpose, so an e-mail can carry a link again later while the
database alone (a leaked backup, say) opens nothing. Rotating SECRET_KEY, or a new nonce,
invalidates every link (docs/decisions/0005-reservation-tokens.md).
"""

from __future__ import annotations

import base64
import hmac
import secrets

from django.utils.crypto import salted_hmac

TOKEN_BYTES = 24  # 192 bits, 32 characters in the URL


def nonce_new() -> str:
    return secrets.token_hex(16)


def token_sign(*, namespace: str, purpose: str, reference: str, nonce: str) -> str:
    """The token of one purpose for a record; `namespace` keeps apps' tokens apart."""
    digest = salted_hmac(f"{namespace}.{purpose}", f"{reference}:{nonce}", algorithm="sha256")
    return base64.urlsafe_b64encode(digest.digest()[:TOKEN_BYTES]).decode()


def token_verify(
    token: str | None, *, namespace: str, purpose: str, reference: str, nonce: str
) -> bool:
    """Whether `token` is the record's token of that purpose (compared in constant time)."""
    if not token:
        return False
    expected = token_sign(namespace=namespace, purpose=purpose, reference=reference, nonce=nonce)
    return hmac.compare_digest(token.encode(), expected.encode())
