"""What enforcement leaves behind: each online plate lookup, logged for 30 days (§ 63g Abs. 4
StVG) and visible to the data-protection officer, and an anonymous count of lookups per zone
and hour that stays for the zone statistics (no plate, no officer)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LookupLog(models.Model):
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    plate = models.CharField(_("plate as entered"), max_length=20)
    zone = models.ForeignKey(
        "parking_permits.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    allowed = models.BooleanField(_("allowed"))
    checked_at = models.DateTimeField(_("checked"), db_index=True)

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("plate lookup")
        verbose_name_plural = _("plate lookups")

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {self.plate}"


class LookupTally(models.Model):
    zone = models.ForeignKey(
        "parking_permits.Zone", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    hour = models.DateTimeField(_("hour"))  # the full hour the lookups fell in
    lookups = models.PositiveIntegerField(_("lookups"), default=0)
    allowed = models.PositiveIntegerField(_("allowed"), default=0)

    class Meta:
        ordering = ["hour"]
        verbose_name = _("lookups per hour")
        verbose_name_plural = _("lookups per hour")
        constraints = [
            models.UniqueConstraint(fields=["zone", "hour"], name="parking_tally_once"),
            # NULLs are distinct in a unique index: lookups without a zone need their own.
            models.UniqueConstraint(
                fields=["hour"], condition=Q(zone__isnull=True), name="parking_tally_once_no_zone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone_id} {self.hour:%Y-%m-%d %H}: {self.lookups}"
