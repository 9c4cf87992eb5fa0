"""A document that is ready at the citizen office, and how it reaches its owner."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.appointments.models import Appointment, Location
from rathaus.core.models import TimeStampedModel

from .constants import OPEN_STATUSES, DocumentKind, PickupStatus


class Pickup(TimeStampedModel):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="pickups")
    document_kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    document_number = models.CharField(_("document number or reference"), max_length=40)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=5, default="de")
    token_nonce = models.CharField(max_length=32)
    status = models.CharField(
        _("status"), max_length=12, choices=PickupStatus.choices, default=PickupStatus.READY
    )
    ready_at = models.DateTimeField(_("ready since"))
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pickups",
        verbose_name=_("pick-up appointment"),
    )
    postal_address = models.TextField(_("postal address"), blank=True, max_length=400)
    postal_fee_eur = models.DecimalField(
        _("postal fee (EUR)"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    postal_requested_at = models.DateTimeField(
        _("postal delivery requested"), null=True, blank=True
    )
    handed_over_at = models.DateTimeField(_("picked up or posted"), null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-ready_at", "pk"]
        verbose_name = _("document ready for pick-up")
        verbose_name_plural = _("documents ready for pick-up")
        indexes = [models.Index(fields=["location", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "document_number"],
                condition=models.Q(erased_at__isnull=True),
                name="pickup_document_once_per_location",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()
