"""Links of an appointment: unguessable tokens (rathaus/core/tokens.py) and the addresses
the citizen's e-mails and pages use."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from rathaus.core.tokens import token_sign, token_verify

from .constants import TOKEN_NAMESPACE
from .models import Appointment

CONFIRM = "confirm"
MANAGE = "manage"


def appointment_token(appointment: Appointment, purpose: str = MANAGE) -> str:
    return token_sign(
        namespace=TOKEN_NAMESPACE,
        purpose=purpose,
        reference=appointment.reference,
        nonce=appointment.token_nonce,
    )


def appointment_token_valid(
    appointment: Appointment | None, token: str | None, purpose: str = MANAGE
) -> bool:
    return appointment is not None and token_verify(
        token,
        namespace=TOKEN_NAMESPACE,
        purpose=purpose,
        reference=appointment.reference,
        nonce=appointment.token_nonce,
    )


def appointment_links(appointment: Appointment) -> dict[str, str]:
    reference = appointment.reference
    manage = appointment_token(appointment)
    return {
        "confirm_url": settings.SITE_URL
        + reverse(
            "appointments:confirm", args=[reference, appointment_token(appointment, CONFIRM)]
        ),
        "status_url": settings.SITE_URL + reverse("appointments:status", args=[reference, manage]),
        "ics_url": settings.SITE_URL + reverse("appointments:ics", args=[reference, manage]),
    }
