"""Choices and fixed values of the parking-permit module."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

NAMESPACE = "parking"  # of the link tokens (rathaus.core.tokens)
REFERENCE_PREFIX = "BP"
PERMIT_PREFIX = "BOT"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UPLOAD_TYPES = ("application/pdf", "image/jpeg", "image/png")
# VG Freiburg, 6 Jul 2005 (1 K 1505/04): more permits than three times the spaces goes too far.
OVERSUBSCRIPTION_FACTOR = 3
# Retention (docs/parking-permits.md, "Privacy"): uploads when the case is decided or closed,
# refused and withdrawn applications, expired permits (fee records stay for the accounts).
UPLOAD_RETENTION_DAYS = 30
CLOSED_APPLICATION_RETENTION_DAYS = 180
EXPIRED_PERMIT_RETENTION_DAYS = 365
UNPAID_EXPIRY_DAYS = 30
# Visitor day permits (docs/parking-permits.md): at most a week per purchase; the yearly
# allowance per resident permit is assumed (setting PARKING_VISITOR_DAYS_PER_YEAR).
VISITOR_MAX_DAYS = 7
VISITOR_DAYS_PER_YEAR = 60
# A visitor's plate is a third person's data: erased this long after the permit's last day
# (assumed; long enough for a disputed ticket, cf. the 30 days of § 63g Abs. 4 StVG for logs).
VISITOR_PLATE_RETENTION_DAYS = 30


class Residence(models.TextChoices):
    MAIN = "main", _("main residence only")
    MAIN_OR_SECONDARY = "main_or_secondary", _("main or secondary residence")


class Side(models.TextChoices):
    ALL = "all", _("both sides")
    ODD = "odd", _("odd numbers")
    EVEN = "even", _("even numbers")


class FeeKind(models.TextChoices):
    PERMIT_1Y = "permit_1y", _("permit for one year")
    PERMIT_2Y = "permit_2y", _("permit for two years")
    REPLACEMENT = "replacement", _("replacement permit")
    CHANGE = "change", _("change of plate or zone")
    TEMPORARY = "temporary", _("temporary permit for a replacement vehicle")
    VISITOR_DAY = "visitor_day", _("visitor day permit")


PERMIT_YEARS = {FeeKind.PERMIT_1Y: 1, FeeKind.PERMIT_2Y: 2}


class UseBasis(models.TextChoices):
    KEEPER = "keeper", _("I am the registered keeper")
    COMPANY = "company", _("company car in my permanent private use")
    LEASING = "leasing", _("leased or financed, registered to someone else")
    FAMILY = "family", _("vehicle of a relative in my permanent use")
    CAR_SHARING = "car_sharing", _("car-sharing membership")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    REVIEW = "review", _("with the case worker")
    APPROVED = "approved", _("approved, awaiting payment")
    ISSUED = "issued", _("permit issued")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")


OPEN_STATUSES = (Status.SUBMITTED, Status.REVIEW, Status.APPROVED)


class ApplicationKind(models.TextChoices):
    NEW = "new", _("first application")
    RENEWAL = "renewal", _("renewal")
    PLATE_CHANGE = "plate_change", _("change of plate")


class PermitKind(models.TextChoices):
    RESIDENT = "resident", _("resident permit")
    TEMPORARY = "temporary", _("temporary permit for a replacement vehicle")
    VISITOR = "visitor", _("visitor day permit")


class EndReason(models.TextChoices):
    REVOKED = "revoked", _("revoked by the office")
    REPLACED = "replaced", _("replaced by a new permit")
    LOST = "lost", _("reported lost, reprinted")
    CANCELLED = "cancelled", _("cancelled by the holder")
    MOVED_OUT = "moved_out", _("holder moved out of the zone")


class RefundStatus(models.TextChoices):
    OPEN = "open", _("to be paid out")
    PAID = "paid", _("paid out")


class DocumentKind(models.TextChoices):
    REGISTRATION = "registration", _("vehicle registration certificate part I")
    PROOF_OF_USE = "proof_of_use", _("proof of permanent use")
    CAR_SHARING = "car_sharing", _("car-sharing membership")


class PaymentSource(models.TextChoices):
    BANK = "bank", _("bank transfer (account statement)")
    COUNTER = "counter", _("paid at the Bürgerbüro counter")
    PROVIDER = "provider", _("e-payment platform")
