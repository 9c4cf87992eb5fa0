"""The lottery for high-demand wedding dates: one lottery per date, applications with ranked
preferences, and the result of the draw. The algorithm is in pure_draw.py, the rules in
docs/lottery.md."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import TimeStampedModel
from rathaus.core.timezone import BERLIN
from rathaus.weddings.models import CoupleFields, Reservation, Venue

from .constants import ApplicationStatus, LotterySource


def slot_key(venue_slug: str, start) -> str:
    """A slot of the lottery's day as the public document names it: 'schloss-beck@10:00'."""
    return f"{venue_slug}@{start.astimezone(BERLIN):%H:%M}"


class Lottery(TimeStampedModel):
    day = models.DateField(_("wedding date"), unique=True)
    source = models.CharField(_("source"), max_length=8, choices=LotterySource.choices)
    excluded = models.BooleanField(
        _("no lottery"), default=False, help_text=_("The registry office took the date out.")
    )
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("applications close"))
    # 32 random bytes as hex; secret until the draw, then published with drawn_at.
    seed = models.CharField(max_length=64)
    seed_commitment = models.CharField(_("commitment (SHA-256 of the seed)"), max_length=64)
    # The moment the commitment was first shown (the row's creation: the page shows it from
    # then on); published so anyone can check that it came before the first application.
    commitment_shown_at = models.DateTimeField(_("commitment first shown"), null=True)
    draw_claimed_at = models.DateTimeField(null=True, blank=True)  # lease of a running draw
    drawn_at = models.DateTimeField(_("drawn"), null=True, blank=True)
    # Slot keys free when the draw began; None until then.
    free_slots = models.JSONField(_("free slots at the draw"), null=True, blank=True)
    # Taken with free_slots: per free slot the time a registrar needs (travel included) and the
    # registrars (pseudonyms S1, S2, ...) on duty and free then; "ids" maps pseudonyms to
    # registrar ids and is never published. What decides the booking door's refusals.
    registrar_duty = models.JSONField(_("registrars on duty at the draw"), null=True, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("lottery")
        verbose_name_plural = _("lotteries")
        indexes = [models.Index(fields=["drawn_at", "closes_at"])]

    def __str__(self):
        return f"lottery {self.day.isoformat()}"

    @property
    def seed_public(self) -> str | None:
        return self.seed if self.drawn_at else None


class Application(CoupleFields, TimeStampedModel):
    lottery = models.ForeignKey(Lottery, on_delete=models.PROTECT, related_name="applications")
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    token_nonce = models.CharField(max_length=32)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        ordering = ["lottery", "created_at"]
        verbose_name = _("lottery application")
        verbose_name_plural = _("lottery applications")
        indexes = [models.Index(fields=["lottery", "status"])]

    def __str__(self):
        return self.reference

    @property
    def manage_token(self) -> str:
        from .tokens import MANAGE, application_token

        return application_token(MANAGE, self)

    @property
    def confirm_token(self) -> str:
        from .tokens import CONFIRM, application_token

        return application_token(CONFIRM, self)


class Preference(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="preferences"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField(_("start"))

    class Meta:
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="lottery_pref_rank"),
            models.UniqueConstraint(
                fields=["application", "venue", "start"], name="lottery_pref_slot"
            ),
        ]

    def __str__(self):
        return f"{self.application} {self.rank}: {self.key}"

    @property
    def key(self) -> str:
        return slot_key(self.venue.slug, self.start)


class DrawResult(models.Model):
    """What the draw did with one application. `position` is its place in the drawn order
    (none for duplicates and applications that did not take part)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="result")
    position = models.PositiveIntegerField(null=True, blank=True)
    slot = models.CharField(_("allocated slot"), max_length=120, blank=True)
    refused = models.JSONField(default=list, blank=True)  # slots the booking door refused
    registrar = models.CharField(max_length=8, blank=True)  # pseudonym of the winner's registrar
    duplicate_of = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reservation = models.OneToOneField(
        Reservation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lottery_result",
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application__lottery", "position"]

    def __str__(self):
        return f"{self.application}: {self.slot or '-'}"
