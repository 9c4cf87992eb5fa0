"""Staff accounts in requests of data subjects (the contract: `rathaus/core/privacy.py`).

A member of staff may ask what the platform stores about them: the account, its roles, the
second factor (never its key) and the login records of django-axes. Staff accounts are not
erased by this tool: they are deactivated and deleted by the citizen-office administration
under the rules for staff data, so an erasure request only reports them as kept.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from rathaus.core.privacy import Erasure, Section, model_record, value_json

from .roles import ROLE_LABELS

ACCOUNT_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
    "date_joined",
    "last_login",
]


def _users(email: str):
    return get_user_model().objects.filter(email__iexact=email).order_by("pk")


def _devices(user) -> list[dict]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return [
        {
            str(_("name")): device.name,
            str(_("confirmed")): device.confirmed,
            str(_("created")): value_json(device.created_at),
            str(_("last used")): value_json(device.last_used_at),
        }
        for device in TOTPDevice.objects.filter(user=user).order_by("pk")
    ]


def _login_records(user) -> list[dict]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    records = []
    for model, kind in (
        (AccessLog, _("login")),
        (AccessFailureLog, _("failed login")),
        (AccessAttempt, _("failed logins counted for the lockout")),
    ):
        for row in model.objects.filter(username=user.get_username()).order_by("attempt_time"):
            records.append(
                {
                    str(_("kind")): str(kind),
                    str(_("when")): value_json(row.attempt_time),
                    str(_("IP address")): row.ip_address,
                    str(_("browser")): row.user_agent,
                }
            )
    return records


def _record(user) -> dict:
    roles = [
        str(ROLE_LABELS.get(name, name)) for name in user.groups.values_list("name", flat=True)
    ]
    return model_record(
        user,
        ACCOUNT_FIELDS,
        **{
            str(_("roles")): roles,
            str(_("second factor")): _devices(user),
            str(_("login records")): _login_records(user),
        },
    )


def personal_data_for_email(email: str) -> list[Section]:
    records = [_record(user) for user in _users(email)]
    if not records:
        return []
    note = _(
        "The password is stored only as a salted hash and the key of the second factor is "
        "secret; neither is shown. Staff accounts are deleted by the citizen-office "
        "administration."
    )
    return [Section("accounts.staff", _("Staff account"), records, note)]


def personal_data_erase_for_email(email: str, *, actor, now: datetime) -> Erasure:
    if not _users(email).exists():
        return Erasure()
    return Erasure(
        retained=[
            _(
                "Staff accounts are deactivated and deleted by the citizen-office "
                "administration under the rules for staff data, not by this tool."
            )
        ]
    )
