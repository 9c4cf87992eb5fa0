"""Unguessable tokens (192 bits) and short references.

A reservation stores only a random nonce. Its tokens are HMACs of reference and nonce under the
server's SECRET_KEY, one per purpose, so reminder e-mails can carry the management link again
while the database alone (a leaked backup, say) opens nothing. Rotating SECRET_KEY invalidates
every link (docs/decisions/0005-reservation-tokens.md).
"""

import base64
import hmac
import secrets

from django.utils.crypto import salted_hmac

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MANAGE = "manage"  # status page, .ics, cancel; the API's bearer token
CONFIRM = "confirm"  # only in the first e-mail: proves the address is the couple's


def nonce_new() -> str:
    return secrets.token_hex(16)


def token_for(purpose: str, reference: str, nonce: str) -> str:
    digest = salted_hmac(f"rathaus.weddings.{purpose}", f"{reference}:{nonce}", algorithm="sha256")
    return base64.urlsafe_b64encode(digest.digest()[:24]).decode()


def token_matches(token: str | None, purpose: str, reference: str, nonce: str) -> bool:
    return bool(token) and hmac.compare_digest(
        token.encode(), token_for(purpose, reference, nonce).encode()
    )


def reference_new(year: int) -> str:
    suffix = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))
    return f"TK-{year}-{suffix}"
