"""The same-day draw of one location and day, and the requests collected for it.

A draw row is created before its request window opens: its seed stays secret, its
commitment (SHA-256 of the seed, rathaus/core/draw.py) is shown on the public page from
`commitment_shown_at`. At the end of the window the draw runs and the seed is published with
the result (`capacity` and `result` are the published document's inputs and outputs).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.appointments.models import Appointment, Location

from .constants import Reason, RequestStatus


class SameDayDraw(models.Model):
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    opens_at = models.DateTimeField(_("requests from"))
    closes_at = models.DateTimeField(_("requests until"))
    offered = models.BooleanField(_("same-day capacity on this day"), default=True)
    urgent_percent = models.PositiveSmallIntegerField(_("urgent quota (%)"))
    seed = models.CharField(max_length=64)
    seed_commitment = models.CharField(_("commitment (SHA-256 of the seed)"), max_length=64)
    commitment_shown_at = models.DateTimeField(_("commitment shown from"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    # Published after the draw: the kept counters' free time and the outcome.
    capacity = models.JSONField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "location"]
        verbose_name = _("same-day draw")
        verbose_name_plural = _("same-day draws")
        constraints = [
            models.UniqueConstraint(fields=["location", "day"], name="sameday_one_draw_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.location.slug} {self.day:%Y-%m-%d}"

    @property
    def seed_public(self) -> str | None:
        return self.seed if self.drawn_at else None


class SameDayRequest(models.Model):
    """One request: who comes, what each needs, the e-mail address and the declared reason.
    The e-mail address and the first person may ask once per draw (unique keys)."""

    # Every insert pays for every index (the window's opening is thousands of inserts): the
    # draw is served by the indexes that start with it, and the reference by a plain unique
    # constraint (a unique field would add a second, pattern-matching index on PostgreSQL).
    draw = models.ForeignKey(
        SameDayDraw, on_delete=models.CASCADE, related_name="requests", db_index=False
    )
    reference = models.CharField(_("reference"), max_length=16)
    created_at = models.DateTimeField(_("received at"))
    email = models.EmailField(_("e-mail"))
    email_key = models.CharField(max_length=254)
    person_key = models.CharField(max_length=300)
    # [{"given_name", "family_name", "date_of_birth", "services": [[slug, count], …]}]
    persons = models.JSONField(default=list)
    minutes = models.PositiveSmallIntegerField()
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    language = models.CharField(max_length=5, default="de")
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.ENTERED
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "reference"]
        verbose_name = _("same-day request")
        verbose_name_plural = _("same-day requests")
        constraints = [
            models.UniqueConstraint(fields=["draw", "email_key"], name="sameday_once_per_email"),
            models.UniqueConstraint(fields=["draw", "person_key"], name="sameday_once_per_person"),
            models.UniqueConstraint(fields=["reference"], name="sameday_request_reference"),
        ]
        indexes = [models.Index(fields=["draw", "status"])]

    def __str__(self) -> str:
        return self.reference


class SameDayWin(models.Model):
    """The appointment a request won (a row of its own: written in bulk with the appointments,
    where setting a field on 3,000 requests one by one would cost seconds)."""

    request = models.OneToOneField(SameDayRequest, on_delete=models.CASCADE, related_name="win")
    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="same_day_win"
    )

    class Meta:
        verbose_name = _("same-day win")
        verbose_name_plural = _("same-day wins")

    def __str__(self) -> str:
        return f"{self.request_id} → {self.appointment_id}"
