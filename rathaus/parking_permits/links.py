"""The applicant's secret status link and the public check address of a permit code."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from rathaus.core.tokens import token_sign, token_verify

from .constants import NAMESPACE
from .models import Application

STATUS_PURPOSE = "status"


def status_token(application: Application) -> str:
    return token_sign(
        namespace=NAMESPACE,
        purpose=STATUS_PURPOSE,
        reference=application.reference,
        nonce=application.nonce,
    )


def status_token_valid(application: Application, token: str) -> bool:
    return token_verify(
        token,
        namespace=NAMESPACE,
        purpose=STATUS_PURPOSE,
        reference=application.reference,
        nonce=application.nonce,
    )


def site_url(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def status_path(application: Application) -> str:
    return reverse(
        "parking_permits:status", args=[application.reference, status_token(application)]
    )


def status_url(application: Application) -> str:
    return site_url(status_path(application))


def check_url(code: str) -> str:
    return site_url(reverse("parking_permits:verify") + "?c=" + code)
