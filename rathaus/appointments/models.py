"""The citizen office's catalogue, places and appointments.

A service is what a person needs done (a Personalausweis); its counter minutes count per person.
An appointment is for one or more persons, each with their services; its length is the sum of
everybody's minutes, and it occupies one counter (or, where a location allows it, several
counters side by side) through a booking of the scheduling core.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import TimeStampedModel
from rathaus.scheduling.models import Booking, Resource

from .constants import ACTIVE_STATUSES, AppointmentStatus, Channel, LocationKind


def _in_language(german: str, english: str) -> str:
    return english if (get_language() or "de").startswith("en") and english else german


class Location(TimeStampedModel):
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=LocationKind.choices)
    name_de = models.CharField(_("name (German)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    directions_de = models.TextField(_("directions (German)"), blank=True)
    directions_en = models.TextField(_("directions (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # How far ahead citizens may book, and how much of each day waits for the same-day draw.
    horizon_days = models.PositiveSmallIntegerField(_("bookable days ahead"), default=42)
    same_day_percent = models.PositiveSmallIntegerField(
        _("share kept for the same day (%)"), default=0
    )
    # Same-day requests are collected in this window and drawn at its end; `urgent_percent` of
    # the kept capacity goes first to requests with an urgent reason.
    same_day_opens = models.TimeField(_("same-day requests from"), default=time(7, 0))
    same_day_closes = models.TimeField(_("same-day requests until"), default=time(7, 45))
    same_day_urgent_percent = models.PositiveSmallIntegerField(
        _("urgent quota of the same-day share (%)"), default=50
    )
    # A family may be served at several counters side by side (each person at one counter).
    parallel_counters = models.BooleanField(_("parallel counters for families"), default=False)
    max_active_per_person = models.PositiveSmallIntegerField(
        _("active appointments per person"), default=2, validators=[MinValueValidator(1)]
    )
    max_active_per_email = models.PositiveSmallIntegerField(
        _("active appointments per e-mail address"), default=3, validators=[MinValueValidator(1)]
    )
    online_booking = models.BooleanField(_("bookable online"), default=True)
    assumptions = models.JSONField(
        _("values that are assumptions"),
        default=list,
        blank=True,
        help_text=_("Field names whose values are assumed, not taken from a source."),
    )

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_de, self.name_en)

    @property
    def directions(self) -> str:
        return _in_language(self.directions_de, self.directions_en)


class Service(TimeStampedModel):
    """One service of the catalogue. Values marked in `assumptions` are not from a source."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    summary_de = models.TextField(_("what it is (German)"), blank=True)
    summary_en = models.TextField(_("what it is (English)"), blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("counter minutes per person"), validators=[MinValueValidator(1)]
    )
    max_count = models.PositiveSmallIntegerField(
        _("maximum count per appointment"), default=1, validators=[MinValueValidator(1)]
    )
    # Services combine in one appointment when they share a group (identity documents and
    # registrations do; a consultation stands alone).
    combination_group = models.CharField(_("combines within group"), max_length=40)
    presence_de = models.TextField(_("who must come (German)"), blank=True)
    presence_en = models.TextField(_("who must come (English)"), blank=True)
    # [{"de": …, "en": …, "for": "all" | "minor" | "first"}]: the readiness checklist
    documents = models.JSONField(_("documents to bring"), default=list, blank=True)
    processing_de = models.CharField(_("processing time (German)"), max_length=200, blank=True)
    processing_en = models.CharField(_("processing time (English)"), max_length=200, blank=True)
    locations = models.ManyToManyField(
        Location, related_name="services", verbose_name=_("offered at")
    )
    online = models.BooleanField(_("bookable online"), default=True)
    information_only = models.BooleanField(_("information only (no longer issued)"), default=False)
    urgent_possible = models.BooleanField(
        _("may be urgent (same-day quota, emergency service)"), default=False
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    keywords = models.CharField(_("search words"), max_length=300, blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    assumptions = models.JSONField(
        _("values that are assumptions"),
        default=list,
        blank=True,
        help_text=_("Field names whose values are assumed, not taken from a source."),
    )

    class Meta:
        ordering = ["order", "name_de"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_de, self.name_en)

    @property
    def summary(self) -> str:
        return _in_language(self.summary_de, self.summary_en)

    @property
    def presence(self) -> str:
        return _in_language(self.presence_de, self.presence_en)

    @property
    def processing(self) -> str:
        return _in_language(self.processing_de, self.processing_en)

    def is_assumed(self, field: str) -> bool:
        return field in (self.assumptions or [])


class Fee(TimeStampedModel):
    """A fee of a service from a date on. Several fees of one service apply side by side when
    their `variant` differs (aged 24 and over / under 24); a later row of the same variant
    replaces the earlier one from its `valid_from`."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="fees")
    variant = models.SlugField(_("variant"), max_length=40, default="standard")
    label_de = models.CharField(_("label (German)"), max_length=120, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    amount_eur = models.DecimalField(
        _("amount (EUR)"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)]
    )
    valid_from = models.DateField(_("valid from"))
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("until age (exclusive)"), null=True, blank=True)
    assumed = models.BooleanField(_("assumption"), default=False)
    source = models.URLField(_("source"), max_length=400, blank=True)

    class Meta:
        ordering = ["service", "variant", "-valid_from"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "variant", "valid_from"], name="fee_one_per_variant_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.variant} {self.amount_eur} € ({self.valid_from:%d.%m.%Y})"

    @property
    def label(self) -> str:
        return _in_language(self.label_de, self.label_en)

    def applies_to_age(self, age: int | None) -> bool:
        if age is None:
            return True
        return (self.min_age is None or age >= self.min_age) and (
            self.max_age is None or age < self.max_age
        )


class Counter(TimeStampedModel):
    """A workstation of a location; its opening (staffed hours) is its resource's weekly rules,
    absences and closures are closures of that resource."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="counters")
    resource = models.OneToOneField(Resource, on_delete=models.PROTECT, related_name="counter")
    name = models.CharField(_("name"), max_length=60)
    services = models.ManyToManyField(Service, related_name="counters", blank=True)
    # An emergency counter opens only on its extra openings and serves urgent cases only.
    emergency_only = models.BooleanField(_("emergency service only"), default=False)

    class Meta:
        ordering = ["location", "name"]
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="counter_name_per_location")
        ]

    def __str__(self) -> str:
        return f"{self.location.slug} {self.name}"


class Appointment(TimeStampedModel):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="appointment")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    status = models.CharField(_("status"), max_length=12, choices=AppointmentStatus.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=5, default="de")
    token_nonce = models.CharField(max_length=32)
    booked_at = models.DateTimeField(_("booked at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    reconfirm_by = models.DateTimeField(_("reconfirm by"), null=True, blank=True)
    reconfirmed_at = models.DateTimeField(_("reconfirmed at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    reconfirm_sent_at = models.DateTimeField(null=True, blank=True)
    coming_at = models.DateTimeField(_("said they are coming"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_reason = models.CharField(_("reason for cancellation"), max_length=300, blank=True)
    finished_at = models.DateTimeField(_("done or no-show at"), null=True, blank=True)
    # Carried over from another service with the citizen's consent (Wohngeld pre-check, a
    # wedding reservation's reference): shown to the clerk, erased with the rest.
    carried_over = models.JSONField(_("carried over"), default=dict, blank=True)
    urgent_reason = models.CharField(_("urgent reason"), max_length=40, blank=True)
    note = models.TextField(_("note (internal)"), blank=True, max_length=2000)
    erased_at = models.DateTimeField(null=True, blank=True)
    ics_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["start"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["location", "start"]),
            models.Index(fields=["status", "start"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class Person(models.Model):
    """Who comes. Names and the date of birth are the per-person limit's key (identity)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="persons")
    position = models.PositiveSmallIntegerField(default=0)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # Which counter serves this person (one counter for all, or one each in parallel).
    counter = models.ForeignKey(Counter, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["appointment", "position"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def age_on(self, day: date) -> int | None:
        born = self.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Request(models.Model):
    """One service for one person, `count` times (three Beglaubigungen)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="requests")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests")
    count = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    minutes = models.PositiveSmallIntegerField(_("minutes planned"))
    fee_eur = models.DecimalField(
        _("fee (EUR)"), max_digits=7, decimal_places=2, default=Decimal("0")
    )

    class Meta:
        ordering = ["person", "id"]
        verbose_name = _("requested service")
        verbose_name_plural = _("requested services")

    def __str__(self) -> str:
        return f"{self.service} × {self.count}"


class StandbyEntry(TimeStampedModel):
    """A citizen waiting for an earlier time: gets a freed time that fits at once."""

    reference = models.CharField(max_length=20, unique=True)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="standby")
    minutes = models.PositiveSmallIntegerField()
    services = models.JSONField(default=list)  # [{"person": i, "service": slug, "count": n}]
    persons = models.JSONField(default=list)  # [{"given_name", "family_name", "date_of_birth"}]
    email = models.EmailField()
    language = models.CharField(max_length=5, default="de")
    earliest = models.DateField()
    latest = models.DateField()
    token_nonce = models.CharField(max_length=32)
    active = models.BooleanField(default=True)
    offered = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("standby entry")
        verbose_name_plural = _("standby entries")
        indexes = [models.Index(fields=["location", "active", "earliest"])]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        super().clean()
        if self.earliest and self.latest and self.earliest > self.latest:
            raise ValidationError({"latest": _("The period must not end before it starts.")})
