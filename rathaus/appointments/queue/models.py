"""The waiting room of a location: its rules, tickets, calls, counter states, and the measured
processing times. Priority order and estimates are described in `rules.py`."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.appointments.models import Appointment, Counter, Location, Service

from . import constants as c
from .constants import CallKind, CounterMode, LatePolicy, TicketKind, TicketStatus

_letter = RegexValidator(r"^[A-Z]$", _("One capital letter."))


class Queue(models.Model):
    """One per location: the rules of its waiting room, and the row every write locks, so
    numbers, check-ins and calls of a location happen one after the other."""

    location = models.OneToOneField(Location, on_delete=models.CASCADE, related_name="queue")
    checkin_before_minutes = models.PositiveSmallIntegerField(
        _("check-in opens minutes before the appointment"), default=c.CHECKIN_BEFORE_MINUTES
    )
    late_grace_minutes = models.PositiveSmallIntegerField(
        _("minutes late still served as an appointment"), default=c.LATE_GRACE_MINUTES
    )
    late_policy = models.CharField(
        _("later arrivals"), max_length=10, choices=LatePolicy.choices, default=LatePolicy.WALK_IN
    )
    due_lead_minutes = models.PositiveSmallIntegerField(
        _("appointments are due minutes before their start"), default=c.DUE_LEAD_MINUTES
    )
    max_calls = models.PositiveSmallIntegerField(
        _("calls before a no-show"),
        default=c.MAX_CALLS,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    appointment_letter = models.CharField(
        _("letter of appointment tickets"),
        max_length=1,
        default=c.APPOINTMENT_LETTER,
        validators=[_letter],
    )
    walk_in_letter = models.CharField(
        _("letter of walk-in tickets"), max_length=1, default=c.WALK_IN_LETTER, validators=[_letter]
    )
    # Every kiosk carries the value it was set up under; raising it signs them all out (a lost
    # tablet): the citizen-office administration does it on the kiosk set-up page.
    kiosk_generation = models.PositiveIntegerField(_("kiosk generation"), default=1)
    # Empty: every service offered at the location (and not information only) takes walk-ins.
    walk_in_services = models.ManyToManyField(
        Service, blank=True, related_name="+", verbose_name=_("services for walk-ins")
    )

    class Meta:
        verbose_name = _("waiting room")
        verbose_name_plural = _("waiting rooms")

    def __str__(self) -> str:
        return str(self.location)

    def letter(self, kind: str) -> str:
        return self.appointment_letter if kind == TicketKind.APPOINTMENT else self.walk_in_letter


class Ticket(models.Model):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="tickets")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=12, choices=TicketKind.choices)
    letter = models.CharField(max_length=1)
    sequence = models.PositiveIntegerField()
    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ticket",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    issued_at = models.DateTimeField(_("checked in or issued at"))
    # Waiting time counts from here (issue or check-in; a not-present ticket starts anew).
    queued_at = models.DateTimeField()
    # An appointment's start while it keeps its time; empty for walk-ins and late arrivals.
    due_at = models.DateTimeField(null=True, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    for_counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="queue_tickets"
    )
    call_count = models.PositiveSmallIntegerField(default=0)
    called_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    token_nonce = models.CharField(max_length=32)

    class Meta:
        ordering = ["location", "day", "pk"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [models.Index(fields=["location", "day", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "day", "letter", "sequence"], name="queue_ticket_number"
            ),
            models.UniqueConstraint(
                fields=["counter"],
                condition=models.Q(status__in=["called", "serving"]),
                name="queue_one_ticket_per_counter",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.letter} {self.sequence:03d}"


class TicketService(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="needs")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["ticket", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "service"], name="queue_service_once")
        ]

    def __str__(self) -> str:
        return f"{self.service} × {self.count}"


class Call(models.Model):
    """Each call and recall; the display catches up by asking for ids above its last one."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="calls")
    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    called_at = models.DateTimeField()
    kind = models.CharField(max_length=6, choices=CallKind.choices, default=CallKind.CALL)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["location", "id"])]

    def __str__(self) -> str:
        return f"{self.ticket} → {self.counter}"


class CounterState(models.Model):
    counter = models.OneToOneField(Counter, on_delete=models.CASCADE, related_name="queue_state")
    mode = models.CharField(max_length=6, choices=CounterMode.choices, default=CounterMode.CLOSED)
    since = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.counter}: {self.mode}"


class Sample(models.Model):
    """Measured minutes of one unit of a service (a ticket with several services is split
    in proportion to the catalogue's minutes)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, related_name="+")
    minutes = models.FloatField()
    count = models.PositiveSmallIntegerField(default=1)
    finished_at = models.DateTimeField()

    class Meta:
        ordering = ["-finished_at", "-pk"]
        indexes = [models.Index(fields=["service", "-finished_at"])]

    def __str__(self) -> str:
        return f"{self.service}: {self.minutes:.1f} min"
