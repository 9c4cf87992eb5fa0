"""Staff sessions: "log out everywhere" as one timestamp per user (see `middleware.py`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffSessionRevocation(models.Model):
    """Every session of `user` that began at or before `revoked_at` has ended.

    One row per user instead of a list of sessions: it works with any session backend, is
    not fooled by session keys that change at login or at a password change, and costs one
    primary-key lookup per signed-in request.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="session_revocation",
    )
    revoked_at = models.DateTimeField(_("all sessions ended at"))

    class Meta:
        verbose_name = _("ended staff sessions")
        verbose_name_plural = _("ended staff sessions")

    def __str__(self):
        return f"{self.user} {self.revoked_at:%Y-%m-%d %H:%M}"
