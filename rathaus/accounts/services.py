from datetime import datetime
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from rathaus.core.mail import mail_queue, mail_render
from rathaus.core.models import OutboxMessage

from .models import StaffSessionRevocation
from .roles import ROLE_LABELS


def roles_ensure() -> list[Group]:
    return [Group.objects.get_or_create(name=name)[0] for name in ROLE_LABELS]


@transaction.atomic
def staff_user_ensure(
    *,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    role: str | None,
    superuser: bool = False,
) -> tuple[User, bool]:
    """Create a staff account once; an existing account keeps its password and details."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_staff": True,
            "is_superuser": superuser,
            "email": f"{username}@bottrop.example",
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user, created


def staff_sessions_end_all(*, user: User, now: datetime | None = None) -> None:
    """Log `user` out everywhere: every session begun up to `now` ends at its next request."""
    StaffSessionRevocation.objects.update_or_create(
        user=user, defaults={"revoked_at": now or timezone.now()}
    )


LOCKOUT_MAIL = "accounts/email/login_locked"


def login_lockout_notify(*, username: str, now: datetime | None = None) -> bool:
    """Tell the holder of a staff account that its login was locked after failed attempts:
    at most once per cool-off window, without the client's address (it is in the login
    records for the administration). False when nobody was told."""
    user = User.objects.filter(username=username, is_active=True).exclude(email="").first()
    if user is None:
        return False
    now = now or timezone.now()
    cooloff = settings.AXES_COOLOFF_TIME
    mail = mail_render(
        to=user.email,
        template_prefix=LOCKOUT_MAIL,
        context={
            "user": user,
            "when": now,
            "minutes": int(cooloff.total_seconds() // 60),
            "site_url": settings.SITE_URL,
        },
        language=settings.LANGUAGE_CODE,
    )
    recent = OutboxMessage.objects.filter(
        to=user.email, subject=mail.subject, created_at__gte=now - cooloff
    )
    with transaction.atomic():
        if recent.exists():
            return False
        mail_queue(mail)
    return True


def totp_device_pending_ensure(*, user: User) -> Any:
    """The authenticator being set up: the unconfirmed TOTP device of `user`, created once.
    django-otp is imported here: the app works before `django_otp` is installed (see views)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


def totp_device_confirm(*, device: Any) -> None:
    """The first correct code confirms the device: from now on it is the second factor."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def login_failures_reset(*, username: str, ip_address: str | None) -> int:
    """After a successful login only this account's failures from this address go: the
    holder's login must not unlock a stranger elsewhere or empty the account's ceiling."""
    count, _ = AccessAttempt.objects.filter(username=username, ip_address=ip_address).delete()
    return count
