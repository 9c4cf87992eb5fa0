"""Application references and links, with the Traukalender's token scheme (HMAC of reference
and a stored nonce under SECRET_KEY; docs/decisions/0005-reservation-tokens.md)."""

from __future__ import annotations

from rathaus.core.references import reference_draw, reference_shape
from rathaus.weddings.tokens import token_for, token_matches

from .constants import REFERENCE_PREFIX

MANAGE = "lottery_manage"  # status page and withdrawal
CONFIRM = "lottery_confirm"  # only in the first e-mail: proves the address
REFERENCE_SHAPE = reference_shape(REFERENCE_PREFIX, length=4, with_year=True)


def reference_new(year: int) -> str:
    return reference_draw(REFERENCE_PREFIX, length=4, year=year)


def application_token(purpose: str, application) -> str:
    return token_for(purpose, application.reference, application.token_nonce)


def application_token_matches(token: str | None, purpose: str, application) -> bool:
    return (
        application is not None
        and bool(application.token_nonce)  # erased: no link works any more
        and token_matches(token, purpose, application.reference, application.token_nonce)
    )
