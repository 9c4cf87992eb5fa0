"""Venues (Trauorte), registrars and reservations. Time itself lives in the scheduling core."""

from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import TimeStampedModel
from rathaus.scheduling.models import Booking, Resource
from rathaus.scheduling.services import booking_identity_replace

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
    # Contact and status (issue 12): every value carries where it comes from; an empty phone or
    # e-mail means the source has none, and the pages then name the registry office instead.
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    contact_source = models.CharField(_("source of the contact data"), max_length=300, blank=True)
    status_source = models.CharField(
        _("source of the status"),
        max_length=500,
        blank=True,
        help_text=_("Who says whether the venue is open or closed, with the address of it."),
    )
    description_en = models.TextField(_("description (English)"), blank=True)
    accessibility_note_en = models.TextField(_("accessibility (English)"), blank=True)
    venue_costs_note_en = models.CharField(
        _("venue's own costs (English)"), max_length=300, blank=True
    )

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
    release_time = models.TimeField(
        _("dates open at (time of day)"),
        default=time(8),
        help_text=_("A date becomes reservable this many months ahead, at this time."),
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


class CoupleFields(models.Model):
    """What a couple tells the city about itself, the same in a reservation, a lottery
    application and a waiting-list wish: names, contact, guests and language."""

    partner1_given_name = models.CharField(_("given name (partner 1)"), max_length=100)
    partner1_family_name = models.CharField(_("family name (partner 1)"), max_length=100)
    partner2_given_name = models.CharField(_("given name (partner 2)"), max_length=100)
    partner2_family_name = models.CharField(_("family name (partner 2)"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    guests = models.PositiveSmallIntegerField(_("expected guests"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)

    class Meta:
        abstract = True

    @property
    def couple_names(self) -> str:
        return (
            f"{self.partner1_given_name} {self.partner1_family_name} & "
            f"{self.partner2_given_name} {self.partner2_family_name}"
        )


# The couple's names and contact data: what erasing a reservation, application or wish blanks
# (guests and language stay; they name nobody).
COUPLE_CONTACT_FIELDS = (
    "partner1_given_name",
    "partner1_family_name",
    "partner2_given_name",
    "partner2_family_name",
    "email",
    "phone",
)

IDENTITY_SOURCE_FIELDS = (
    "email",
    "partner1_given_name",
    "partner1_family_name",
    "partner2_given_name",
    "partner2_family_name",
)


class Reservation(CoupleFields, TimeStampedModel):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="reservation")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="reservations")
    registrar = models.ForeignKey(
        Registrar, on_delete=models.PROTECT, related_name="reservations", null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=ReservationStatus.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    token_nonce = models.CharField(max_length=32)
    confirmed_email_at = models.DateTimeField(null=True, blank=True)
    notice_deadline = models.DateField(_("marriage notice due by"), null=True, blank=True)
    notice_filed_on = models.DateField(_("marriage notice filed on"), null=True, blank=True)
    cancelled_reason = models.CharField(_("reason for cancellation"), max_length=300, blank=True)
    fee_eur = models.DecimalField(_("registry office fee (EUR)"), max_digits=7, decimal_places=2)
    # SEQUENCE of the wedding's ICS event (RFC 5545): rises with every move, so calendar apps
    # replace the copy they have instead of keeping the old time.
    ics_sequence = models.PositiveIntegerField(default=0)
    # the per-address and per-couple limit compares these (identity.py, written by save())
    email_key = models.TextField(editable=False, default="")
    couple_key = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["start"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [
            models.Index(fields=["status", "start"]),
            # the per-address and per-couple limit (services.active_reservations_count)
            models.Index(fields=["email_key"], name="reservation_email_key"),
            models.Index(fields=["couple_key"], name="reservation_couple_key"),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        identity_may_change = update_fields is None or bool(
            set(update_fields) & set(IDENTITY_SOURCE_FIELDS)
        )
        if identity_may_change:
            self.identity_keys_set()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "email_key", "couple_key"}
        super().save(*args, **kwargs)
        if identity_may_change and self.booking_id:
            # the booking's keys follow edited or erased names and address
            booking_identity_replace(booking_id=self.booking_id, keys=self.booking_identity_keys())

    def identity_keys_set(self) -> None:
        """The normalised address and couple the per-couple limit compares (identity.py)."""
        from .identity import couple_key, email_key

        self.email_key = email_key(self.email)
        self.couple_key = couple_key(*(getattr(self, name) for name in IDENTITY_SOURCE_FIELDS[1:]))

    def booking_identity_keys(self) -> list[str]:
        """The keys the booking door counts the per-couple limit by (identity.py)."""
        from .identity import booking_identity_keys

        return booking_identity_keys(self.email_key, self.couple_key)

    @property
    def manage_token(self) -> str:
        from .tokens import MANAGE, token_for

        return token_for(MANAGE, self.reference, self.token_nonce)

    @property
    def confirm_token(self) -> str:
        from .tokens import CONFIRM, token_for

        return token_for(CONFIRM, self.reference, self.token_nonce)


# --- Back office (rathaus/weddings/backoffice/) ------------------------------------------------


class VenueMembership(TimeStampedModel):
    """A venue operator's account belongs to one or more venues; it sees nothing else."""

    user = models.ForeignKey(
        "auth.User", on_delete=models.CASCADE, related_name="venue_memberships"
    )
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        verbose_name = _("venue membership")
        verbose_name_plural = _("venue memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "venue"], name="venue_membership_unique")
        ]

    def __str__(self):
        return f"{self.user} – {self.venue}"


class VenueAgreement(TimeStampedModel):
    """The venue's own answer to a reservation, where the venue must agree to each one."""

    reservation = models.OneToOneField(
        Reservation, on_delete=models.CASCADE, related_name="venue_agreement"
    )
    agreed = models.BooleanField(_("agreed"))
    reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("venue agreement")
        verbose_name_plural = _("venue agreements")

    def __str__(self):
        return f"{self.reservation} {'+' if self.agreed else '-'}"


class FeedToken(TimeStampedModel):
    """A secret, revocable calendar-feed URL of a venue or a registrar. Only a digest is stored."""

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, null=True, blank=True, related_name="feed_tokens"
    )
    registrar = models.ForeignKey(
        Registrar, on_delete=models.CASCADE, null=True, blank=True, related_name="feed_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(venue__isnull=False, registrar__isnull=True)
                    | models.Q(venue__isnull=True, registrar__isnull=False)
                ),
                name="feed_token_one_owner",
            )
        ]

    def __str__(self):
        return f"{self.venue or self.registrar}"


class VenueCalendarSource(TimeStampedModel):
    """A venue's own event calendar (ICS URL) whose events block ceremony times."""

    venue = models.OneToOneField(Venue, on_delete=models.CASCADE, related_name="calendar_source")
    url = models.URLField(_("calendar address (ICS)"), max_length=500)
    last_imported_at = models.DateTimeField(_("last imported"), null=True, blank=True)
    last_result = models.CharField(_("last result"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("venue calendar")
        verbose_name_plural = _("venue calendars")

    def __str__(self):
        return str(self.venue)


class ReservationReminder(models.Model):
    """A reminder that was sent: the unique row makes sure none is ever sent twice."""

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reservation", "kind"], name="reminder_once")
        ]

    def __str__(self):
        return f"{self.reservation} {self.kind}"


class ReservationErasure(models.Model):
    """Marks a reservation whose personal data the retention job has erased."""

    reservation = models.OneToOneField(
        Reservation, on_delete=models.CASCADE, related_name="erasure"
    )
    erased_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.reservation)
