"""The Traukalender's link tokens and reservation references, on the generic helpers of
`core.tokens` and `core.references` (HMAC of reference and stored nonce under SECRET_KEY, one
token per purpose; docs/decisions/0005-reservation-tokens.md). The lottery and the waiting
list use the same namespace with their own purposes.
"""

from rathaus.core.references import ALPHABET as REFERENCE_ALPHABET
from rathaus.core.references import reference_draw
from rathaus.core.tokens import nonce_new, token_sign, token_verify

__all__ = [
    "CONFIRM",
    "MANAGE",
    "REFERENCE_ALPHABET",
    "REFERENCE_PREFIX",
    "nonce_new",
    "reference_new",
    "token_for",
    "token_matches",
]

NAMESPACE = "rathaus.weddings"  # part of every token: changing it breaks every link
MANAGE = "manage"  # status page, .ics, cancel; the API's bearer token
CONFIRM = "confirm"  # only in the first e-mail: proves the address is the couple's
REFERENCE_PREFIX = "TK"


def token_for(purpose: str, reference: str, nonce: str) -> str:
    return token_sign(namespace=NAMESPACE, purpose=purpose, reference=reference, nonce=nonce)


def token_matches(token: str | None, purpose: str, reference: str, nonce: str) -> bool:
    return token_verify(
        token, namespace=NAMESPACE, purpose=purpose, reference=reference, nonce=nonce
    )


def reference_new(year: int) -> str:
    return reference_draw(REFERENCE_PREFIX, length=4, year=year)
