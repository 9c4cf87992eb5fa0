from django.db import models
from django.utils.translation import gettext_lazy as _


class PreCheckMonthlyCount(models.Model):
    """Anonymous totals of the public pre-check, one row per month. Nothing else is stored."""

    month = models.DateField(_("month"), unique=True, help_text=_("First day of the month."))
    checks = models.PositiveIntegerField(_("checks"), default=0)
    positive = models.PositiveIntegerField(_("likely entitled"), default=0)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("pre-check count per month")
        verbose_name_plural = _("pre-check counts per month")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.checks} / {self.positive}"

    @property
    def positive_percent(self) -> int | None:
        """Share of checks with a likely entitlement, in whole percent (half up)."""
        if not self.checks:
            return None
        return (200 * self.positive + self.checks) // (2 * self.checks)
