"""Wishes of couples on the waiting list, and the offers made to them.

An offer is a pending reservation of the Traukalender, made through the normal booking door:
the scheduling core holds the slot for it, so no offer can exist for a slot that is not free.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import TimeStampedModel
from rathaus.weddings.models import CoupleFields, Reservation, Venue
from rathaus.weddings.tokens import token_for

from .constants import CONFIRM, MANAGE, OfferStatus, TimeOfDay, WishStatus


class Wish(CoupleFields, TimeStampedModel):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=WishStatus.choices)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    days = models.JSONField(
        _("specific dates"), default=list, blank=True, help_text=_("Empty: every day in the range.")
    )
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)  # 0 = Monday
    venues = models.ManyToManyField(Venue, blank=True, related_name="+", verbose_name=_("venues"))
    time_of_day = models.CharField(
        _("time of day"), max_length=10, choices=TimeOfDay.choices, blank=True
    )
    token_nonce = models.CharField(max_length=32)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)  # place in line
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["confirmed_at", "id"]
        verbose_name = _("waiting-list wish")
        verbose_name_plural = _("waiting-list wishes")
        indexes = [models.Index(fields=["status", "last_day"])]

    def __str__(self):
        return self.reference

    @property
    def manage_token(self) -> str:
        return token_for(MANAGE, self.reference, self.token_nonce)

    @property
    def confirm_token(self) -> str:
        return token_for(CONFIRM, self.reference, self.token_nonce)

    @property
    def specific_days(self) -> list[date]:
        return [date.fromisoformat(day) for day in self.days]

    @property
    def weekday_names(self) -> list[str]:
        return [WEEKDAYS[day] for day in sorted(self.weekdays)]


class Offer(TimeStampedModel):
    """One slot offered to one wish. At most one open offer per wish (a constraint)."""

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="offers")
    # Empty only for the moment between claiming the wish and creating the reservation.
    reservation = models.OneToOneField(
        Reservation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="waitlist_offer",
    )
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField(_("start"))
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices)
    offered_at = models.DateTimeField(_("offered"))
    expires_at = models.DateTimeField(_("answer by"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["offered_at", "id"]
        verbose_name = _("waiting-list offer")
        verbose_name_plural = _("waiting-list offers")
        constraints = [
            models.UniqueConstraint(
                fields=["wish"],
                condition=models.Q(status=OfferStatus.OPEN),
                name="waitlist_one_open_offer_per_wish",
            )
        ]

    def __str__(self):
        return f"{self.wish} #{self.pk}"
