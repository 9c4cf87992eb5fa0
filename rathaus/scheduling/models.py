"""Resources, their availability as editable data, and bookings that occupy them.

A booking holds one or more resources, each for its own time range (a wedding holds the venue
for the ceremony and the registrar for the ceremony plus travel). The rows that carry the
no-overlap guarantee are `Allocation`s; see docs/scheduling.md.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import TimeStampedModel

from .constants import ACTIVE_STATUSES, BookingStatus, SlotMode
from .kinds import resource_kind_known, resource_kind_label


class Resource(TimeStampedModel):
    # registered by the domains (kinds.py): the core knows no kind of its own
    kind = models.CharField(_("kind"), max_length=20)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.kind and not resource_kind_known(self.kind):
            raise ValidationError({"kind": _("Unknown kind of resource.")})

    @property
    def kind_label(self) -> str:
        return str(resource_kind_label(self.kind))


class SlotPattern(models.Model):
    """How a window of time is cut into bookable slots."""

    slot_mode = models.CharField(
        _("slot pattern"), max_length=10, choices=SlotMode.choices, default=SlotMode.GRID
    )
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=30)
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between slots (minutes)"), default=0
    )
    fixed_starts = models.JSONField(
        _("fixed start times"),
        default=list,
        blank=True,
        help_text=_('For example ["10:00", "11:30"].'),
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.slot_mode == SlotMode.FIXED and not self.fixed_starts:
            raise ValidationError({"fixed_starts": _("Fixed start times are required.")})
        for value in self.fixed_starts or []:
            if not _is_hhmm(value):
                raise ValidationError({"fixed_starts": _("Use the form HH:MM, e.g. 10:30.")})
        if self.slot_mode != SlotMode.WINDOW and self.slot_minutes < 1:
            raise ValidationError({"slot_minutes": _("Slots must last at least one minute.")})


def _is_hhmm(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        return False
    hours, minutes = value[:2], value[3:]
    return hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60


class WeeklyRule(SlotPattern, TimeStampedModel):
    """Recurring opening: a weekday, a daily window and a validity period."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="weekly_rules")
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    open_on_holidays = models.BooleanField(_("open on public holidays"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["resource", "weekday", "start_time"]
        verbose_name = _("weekly rule")
        verbose_name_plural = _("weekly rules")

    def __str__(self) -> str:
        span = f"{self.start_time:%H:%M}–{self.end_time:%H:%M}"
        return f"{self.resource} {self.get_weekday_display()} {span}"

    def clean(self) -> None:
        super().clean()
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            raise ValidationError({"end_time": _("The end must be after the start.")})
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            raise ValidationError({"valid_until": _("The period must not end before it starts.")})


class ExtraOpening(SlotPattern, TimeStampedModel):
    """A one-off opening on one date; it opens even on a public holiday."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="extra_openings")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    # An emergency service: open even while a closure of all resources (the administration's
    # Christmas break) lasts. Closures of this resource itself still close it.
    despite_closures = models.BooleanField(
        _("open despite closures of all resources"), default=False
    )

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = _("extra opening")
        verbose_name_plural = _("extra openings")

    def __str__(self) -> str:
        return f"{self.resource} {self.date:%d.%m.%Y} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            raise ValidationError({"end_time": _("The end must be after the start.")})


class Closure(TimeStampedModel):
    """Closed time: a whole day, a range of days or part of a day. No resource = all resources."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="closures", null=True, blank=True
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    reason = models.CharField(_("reason (internal)"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=40, blank=True, help_text=_("Set by imports, e.g. 'ics'.")
    )
    source_uid = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        indexes = [models.Index(fields=["resource", "start", "end"])]

    def __str__(self) -> str:
        return f"{self.resource or _('all')} {self.start:%d.%m.%Y %H:%M}–{self.end:%d.%m.%Y %H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.start >= self.end:
            raise ValidationError({"end": _("The end must be after the start.")})


class Booking(TimeStampedModel):
    """Occupies resources through its allocations. Holds expire at `expires_at`."""

    purpose = models.CharField(_("purpose"), max_length=40)
    status = models.CharField(_("status"), max_length=12, choices=BookingStatus.choices)
    expires_at = models.DateTimeField(_("hold expires"), null=True, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self) -> str:
        return f"{self.purpose} {self.start:%d.%m.%Y %H:%M} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Allocation(models.Model):
    """One resource held by one booking for one time range.

    `active` and `expires_at` mirror the booking so that the overlap check and the PostgreSQL
    exclusion constraint need only this table.
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="allocations")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="allocations")
    start = models.DateTimeField()
    end = models.DateTimeField()
    active = models.BooleanField(default=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["resource", "start"], name="alloc_resource_start"),
            models.Index(fields=["start", "end"], name="alloc_range"),
            # lapsed holds and quarantines (selectors.allocations_lapsed_or_clashing)
            models.Index(
                fields=["resource", "expires_at"],
                condition=models.Q(active=True),
                name="alloc_active_expiring",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="alloc_start_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.start:%d.%m.%Y %H:%M}–{self.end:%H:%M}"


class BookingIdentity(models.Model):
    """One normalised key of the person a booking is for (`IdentityLimit`): the domain computes
    the keys (weddings: the e-mail address and the couple), the core counts by them."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="identities")
    key = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["key"], name="booking_identity_key")]
        constraints = [
            models.UniqueConstraint(fields=["booking", "key"], name="booking_identity_once"),
        ]

    def __str__(self) -> str:
        return self.key
