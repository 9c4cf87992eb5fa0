from datetime import datetime

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

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
