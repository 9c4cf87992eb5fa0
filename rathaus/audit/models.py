"""Audit entries: who changed what on which object, when, with the values before and after.

Entries carry no personal data of citizens (no names, addresses or e-mail addresses): they
name the object by a non-personal label (a reservation reference, a venue's name) and keep
only the values staff need to follow a change. Sentences are rendered when read
(`audit.selectors`), in the reader's language.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("who (name at the time)"), max_length=150, blank=True)
    code = models.CharField(_("event"), max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(_("object"), max_length=200)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"], name="audit_object")
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.code} {self.object_label}"
