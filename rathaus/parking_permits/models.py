"""Zones, fees, applications, the imported register extract, payments and permits."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import (
    ApplicationKind,
    DocumentKind,
    EndReason,
    FeeKind,
    PaymentSource,
    PermitKind,
    RefundStatus,
    Residence,
    Side,
    Status,
    UseBasis,
)
from .uploads import private_storage


class Street(models.Model):
    """One street of the city's street list; `key` is the forgiving form the pre-check matches."""

    name = models.CharField(_("street"), max_length=120, unique=True)
    key = models.CharField(_("search key"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("street")
        verbose_name_plural = _("streets")

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    spaces = models.PositiveIntegerField(_("parking spaces"))
    residence = models.CharField(
        _("residence required"), max_length=20, choices=Residence.choices, default=Residence.MAIN
    )
    garage_confirmation = models.BooleanField(_("no-garage confirmation required"), default=True)
    display_required = models.BooleanField(
        _("permit must be displayed"),
        default=True,
        help_text=_("Off: a plate-bound digital permit suffices (§ 46 Abs. 3 StVO)."),
    )
    hours = models.CharField(_("when the exemption applies"), max_length=300)
    hours_en = models.CharField(_("when the exemption applies (English)"), max_length=300)
    assumed = models.JSONField(_("values still to be confirmed"), default=list, blank=True)
    grace_minutes = models.PositiveIntegerField(
        _("grace period after expiry (minutes)"),
        default=0,
        help_text=_("Enforcement still shows a permit as allowed this long after it ends."),
    )
    visitor_day_fee = models.DecimalField(
        _("visitor day permit (EUR a day)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: this zone sells no visitor day permits."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("residents' parking zone")
        verbose_name_plural = _("residents' parking zones")

    def __str__(self) -> str:
        return self.name


class ZoneSegment(models.Model):
    """House numbers of one street (one side or both) that belong to a zone."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="segments")
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="segments")
    first_number = models.PositiveIntegerField(_("from number"))
    last_number = models.PositiveIntegerField(_("to number"))
    side = models.CharField(_("side"), max_length=4, choices=Side.choices, default=Side.ALL)

    class Meta:
        ordering = ["street__name", "first_number"]
        verbose_name = _("zone segment")
        verbose_name_plural = _("zone segments")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_number__lte=models.F("last_number")),
                name="parking_segment_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.first_number}–{self.last_number} ({self.side})"

    def covers(self, number: int) -> bool:
        if not self.first_number <= number <= self.last_number:
            return False
        return self.side == Side.ALL or (number % 2 == 1) == (self.side == Side.ODD)


class FeeRule(models.Model):
    """One fee, valid from a day on (and until the next rule of its kind or `valid_until`)."""

    kind = models.CharField(_("kind"), max_length=20, choices=FeeKind.choices)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=8, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    basis = models.CharField(_("legal basis"), max_length=200)

    class Meta:
        ordering = ["kind", "-valid_from"]
        verbose_name = _("fee rule")
        verbose_name_plural = _("fee rules")
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="parking_fee_once_a_day"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="parking_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} € ({self.valid_from})"


class Application(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    nonce = models.CharField(max_length=32)  # of the status link (rathaus.core.tokens)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    kind = models.CharField(
        _("kind"), max_length=14, choices=ApplicationKind.choices, default=ApplicationKind.NEW
    )
    previous_permit = models.ForeignKey(
        "Permit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("permit renewed or changed"),
    )
    language = models.CharField(_("language"), max_length=8, default="de")
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="+")
    house_number = models.CharField(_("house number"), max_length=10)
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="applications")
    plate = models.CharField(_("licence plate"), max_length=14)
    use_basis = models.CharField(_("use of the vehicle"), max_length=12, choices=UseBasis.choices)
    keeper_name = models.CharField(_("registered keeper"), max_length=200, blank=True)
    car_sharing_provider = models.CharField(_("car-sharing provider"), max_length=120, blank=True)
    no_garage_confirmed = models.BooleanField(_("no garage or private space"), default=False)
    fee_kind = models.CharField(_("fee"), max_length=20, choices=FeeKind.choices)
    fee_rule = models.ForeignKey(FeeRule, on_delete=models.PROTECT, related_name="applications")
    amount = models.DecimalField(_("amount (EUR)"), max_digits=8, decimal_places=2)
    remittance = models.CharField(_("payment reference"), max_length=35, unique=True)
    reasons = models.JSONField(_("reasons for review"), default=list, blank=True)
    checks = models.JSONField(_("checks"), default=dict, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    automatic = models.BooleanField(_("decided automatically"), default=False)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def address(self) -> str:
        return f"{self.street.name} {self.house_number}"


def _upload_path(document: Document, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1]
    return f"{document.application.reference}/{document.kind}-{document.sha256[:16]}.{extension}"


class Document(models.Model):
    """An upload, stored in the private storage (never under the web root)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(
        _("file"), upload_to=_upload_path, storage=private_storage, max_length=200
    )
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.get_kind_display()}"


class RegisteredResident(models.Model):
    """A row of the population-register extract staff import (CSV)."""

    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    street_key = models.CharField(_("street key"), max_length=120)
    house_number = models.CharField(_("house number"), max_length=10)
    residence = models.CharField(_("residence"), max_length=10)  # "main" | "secondary"
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        verbose_name = _("registered resident")
        verbose_name_plural = _("registered residents")
        indexes = [models.Index(fields=["birth_date", "family_name"])]

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name}"


class RegisteredVehicle(models.Model):
    """A row of the vehicle-register extract staff import (CSV)."""

    plate = models.CharField(_("licence plate"), max_length=14, db_index=True)
    keeper_family_name = models.CharField(_("keeper's family name"), max_length=100)
    keeper_given_name = models.CharField(_("keeper's given name"), max_length=100)
    keeper_birth_date = models.DateField(_("keeper's date of birth"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        verbose_name = _("registered vehicle")
        verbose_name_plural = _("registered vehicles")

    def __str__(self) -> str:
        return self.plate


class Charge(models.Model):
    """A fee billed after the fact to the holder of a permit: a reprint, a temporary permit,
    visitor days. The permit is issued at once; the charge is paid by transfer with its own
    reference (matched like an application's) or at the counter."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="charges")
    permit = models.ForeignKey(
        "Permit", null=True, blank=True, on_delete=models.SET_NULL, related_name="charges"
    )
    kind = models.CharField(_("fee"), max_length=20, choices=FeeKind.choices)
    fee_rule = models.ForeignKey(
        FeeRule, null=True, blank=True, on_delete=models.PROTECT, related_name="charges"
    )
    amount = models.DecimalField(_("amount (EUR)"), max_digits=8, decimal_places=2)
    remittance = models.CharField(_("payment reference"), max_length=35, unique=True)
    due_on = models.DateField(_("due on"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    created_at = models.DateTimeField(_("billed"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="parking_charge_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.remittance}: {self.amount} €"


class Refund(models.Model):
    """The unused part of a cancelled permit's fee, paid out by the city's cash office."""

    permit = models.OneToOneField("Permit", on_delete=models.PROTECT, related_name="refund")
    amount = models.DecimalField(_("amount (EUR)"), max_digits=8, decimal_places=2)
    account_holder = models.CharField(_("account holder"), max_length=140)
    iban = models.CharField(_("IBAN"), max_length=34)
    status = models.CharField(
        _("status"), max_length=8, choices=RefundStatus.choices, default=RefundStatus.OPEN
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid out"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="parking_refund_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.permit_id}: {self.amount} €"


class Payment(models.Model):
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    charge = models.ForeignKey(
        Charge, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    source = models.CharField(_("source"), max_length=10, choices=PaymentSource.choices)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=10, decimal_places=2)
    booked_on = models.DateField(_("booked on"))
    remittance = models.CharField(_("remittance information"), max_length=300, blank=True)
    debtor = models.CharField(_("payer"), max_length=140, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-booked_on", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["bank_reference"],
                condition=~Q(bank_reference=""),
                name="parking_payment_booked_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} € ({self.booked_on})"


class Permit(models.Model):
    """A signed permit. Resident permits belong to their application; a temporary permit for a
    replacement vehicle and a visitor day permit hang on the resident permit (`parent`)."""

    number = models.CharField(_("permit number"), max_length=20, unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=PermitKind.choices, default=PermitKind.RESIDENT
    )
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="permits")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dependants",
        verbose_name=_("resident permit"),
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("replaces permit"),
    )
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="permits")
    plate = models.CharField(_("licence plate"), max_length=14, db_index=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    fee_rule = models.ForeignKey(
        FeeRule, null=True, blank=True, on_delete=models.PROTECT, related_name="permits"
    )
    amount = models.DecimalField(_("fee charged (EUR)"), max_digits=8, decimal_places=2)
    key_id = models.CharField(_("signing key"), max_length=16)
    code = models.TextField(_("signed code"))
    issued_at = models.DateTimeField(_("issued"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=10, choices=EndReason.choices, blank=True
    )
    ends_on = models.DateField(
        _("ends on"),
        null=True,
        blank=True,
        help_text=_("Set when the holder moved out: the permit ends after the notice period."),
    )
    move_out_flagged_at = models.DateTimeField(_("move-out flagged"), null=True, blank=True)
    auto_renew = models.BooleanField(_("renew automatically"), default=False)
    reminded_early_at = models.DateTimeField(_("first reminder sent"), null=True, blank=True)
    reminded_late_at = models.DateTimeField(_("last reminder sent"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("permit")
        verbose_name_plural = _("permits")
        indexes = [models.Index(fields=["revoked_at", "valid_until"])]

    def __str__(self) -> str:
        return self.number


class SigningKey(models.Model):
    """An Ed25519 key of the permit codes. Created and rotated by `parking_keys`; the public
    half is published at /parkausweis/schluessel.json."""

    key_id = models.CharField(_("key id"), max_length=16, unique=True)
    public_key = models.CharField(_("public key (base64)"), max_length=64)
    private_key = models.CharField(max_length=64)  # raw, base64; see decision 0019
    active = models.BooleanField(_("signs new permits"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="parking_one_active_key"
            )
        ]

    def __str__(self) -> str:
        return self.key_id


ZERO = Decimal("0.00")


class ImportRun(models.Model):
    """One import of a register extract or a bank statement (what, when, by whom, counts)."""

    kind = models.CharField(_("kind"), max_length=20)  # residents | vehicles | statement
    rows = models.PositiveIntegerField(_("rows"))
    matched = models.PositiveIntegerField(_("matched"), default=0)
    unmatched = models.JSONField(_("unmatched entries"), default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind} {self.imported_at:%Y-%m-%d %H:%M}"
