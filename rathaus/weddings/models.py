"""Venues (Trauorte), registrars and reservations. Time itself lives in the scheduling core."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import TimeStampedModel
from rathaus.scheduling.models import Booking, Resource

from .constants import District, Language, ReservationStatus


class Venue(TimeStampedModel):
    resource = models.OneToOneField(Resource, on_delete=models.PROTECT, related_name="venue")
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    district = models.CharField(_("district"), max_length=20, choices=District.choices)
    stadtteil = models.CharField(_("part of town"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    official_room = models.BooleanField(_("official room of the registry office"), default=False)
    operator_name = models.CharField(_("operator"), max_length=200, blank=True)
    max_guests = models.PositiveSmallIntegerField(_("maximum guests at the ceremony"))
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessibility_note = models.TextField(_("accessibility"), blank=True)
    outdoor_possible = models.BooleanField(_("outdoor ceremony possible"), default=False)
    fee_eur = models.DecimalField(
        _("registry office fee (EUR)"),
        max_digits=7,
        decimal_places=2,
        help_text=_("Fee of the registry office for a ceremony in regular hours."),
    )
    fee_outside_hours_eur = models.DecimalField(
        _("registry office fee outside regular hours (EUR)"), max_digits=7, decimal_places=2
    )
    venue_costs_eur = models.DecimalField(
        _("venue's own costs from (EUR)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    venue_costs_note = models.CharField(_("venue's own costs"), max_length=300, blank=True)
    travel_minutes = models.PositiveSmallIntegerField(
        _("registrar travel (minutes each way)"), default=0
    )
    requires_venue_agreement = models.BooleanField(
        _("venue must agree to each reservation"), default=False
    )
    active = models.BooleanField(_("bookable online"), default=True)
    status_note = models.CharField(_("status note (internal)"), max_length=300, blank=True)
    assumptions = models.JSONField(
        _("assumed values"),
        default=list,
        blank=True,
        help_text=_("Fields whose value is an assumption, not a confirmed fact."),
    )
    sources = models.JSONField(_("sources"), default=list, blank=True)

    class Meta:
        ordering = ["-official_room", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self):
        return self.name


class Registrar(TimeStampedModel):
    resource = models.OneToOneField(Resource, on_delete=models.PROTECT, related_name="registrar")
    name = models.CharField(_("name"), max_length=200)
    user = models.OneToOneField(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="registrar"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("registrar")
        verbose_name_plural = _("registrars")

    def __str__(self):
        return self.name


class ReservationPolicy(TimeStampedModel):
    """Reservation rules as data staff can edit. There is one row."""

    min_lead_days = models.PositiveSmallIntegerField(_("minimum lead time (days)"), default=14)
    horizon_months = models.PositiveSmallIntegerField(
        _("reservable up to (months ahead)"), default=12
    )
    pending_hold_minutes = models.PositiveIntegerField(
        _("unconfirmed reservations expire after (minutes)"), default=120
    )
    notice_window_months = models.PositiveSmallIntegerField(
        _("marriage notice at the earliest (months before)"), default=6
    )
    notice_grace_days = models.PositiveSmallIntegerField(
        _("days to file the marriage notice"), default=30
    )

    class Meta:
        verbose_name = _("reservation rules")
        verbose_name_plural = _("reservation rules")

    def __str__(self):
        return str(self._meta.verbose_name)


class Reservation(TimeStampedModel):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="reservation")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="reservations")
    registrar = models.ForeignKey(
        Registrar, on_delete=models.PROTECT, related_name="reservations", null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=ReservationStatus.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    partner1_given_name = models.CharField(_("given name (partner 1)"), max_length=100)
    partner1_family_name = models.CharField(_("family name (partner 1)"), max_length=100)
    partner2_given_name = models.CharField(_("given name (partner 2)"), max_length=100)
    partner2_family_name = models.CharField(_("family name (partner 2)"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    guests = models.PositiveSmallIntegerField(_("expected guests"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    token_nonce = models.CharField(max_length=32)
    confirmed_email_at = models.DateTimeField(null=True, blank=True)
    notice_deadline = models.DateField(_("marriage notice due by"), null=True, blank=True)
    notice_filed_on = models.DateField(_("marriage notice filed on"), null=True, blank=True)
    cancelled_reason = models.CharField(_("reason for cancellation"), max_length=300, blank=True)
    fee_eur = models.DecimalField(_("registry office fee (EUR)"), max_digits=7, decimal_places=2)

    class Meta:
        ordering = ["start"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [models.Index(fields=["status", "start"])]

    def __str__(self):
        return self.reference

    @property
    def manage_token(self) -> str:
        from .tokens import MANAGE, token_for

        return token_for(MANAGE, self.reference, self.token_nonce)

    @property
    def confirm_token(self) -> str:
        from .tokens import CONFIRM, token_for

        return token_for(CONFIRM, self.reference, self.token_nonce)

    @property
    def couple_names(self) -> str:
        return (
            f"{self.partner1_given_name} {self.partner1_family_name} & "
            f"{self.partner2_given_name} {self.partner2_family_name}"
        )
