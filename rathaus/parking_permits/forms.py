"""The public pre-check and application forms, and the office's forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rathaus.protection.forms import BotProtectionMixin

from . import selectors
from .addresses import house_number_parse
from .constants import (
    MAX_UPLOAD_BYTES,
    VISITOR_MAX_DAYS,
    DocumentKind,
    FeeKind,
    Residence,
    Side,
    UseBasis,
)
from .plates import Special, plate_check
from .uploads import UploadRejected, upload_clean

ISO_DATE = "%Y-%m-%d"
SPECIAL_PLATE = _(
    "Special plates (short-term, red, export, official or diplomatic) cannot be applied for "
    "online. Please contact the Bürgerbüro."
)


def plate_clean(form: Any, value: str) -> str:
    """The canonical plate of a form's `plate` field; an ambiguous reading fills the form's
    `plate_choice` radios and is never guessed (the holder chooses)."""
    check = plate_check(value)
    if check.plate is not None:
        return check.plate.canonical
    if check.ambiguous:
        readings = [r.canonical for r in check.readings]
        form.fields["plate_choice"].choices = [(r, r) for r in readings]
        chosen = form.data.get(form.add_prefix("plate_choice"))
        if chosen in readings:
            return str(chosen)
        form.plate_readings = readings
        raise ValidationError(
            _("This can be read in several ways. Please choose your plate below.")
        )
    if check.special is not None and check.special in Special:
        raise ValidationError(SPECIAL_PLATE)
    raise ValidationError(_("This is not a valid German licence plate."))


class ErrorItemsMixin:
    def error_items(self) -> list[tuple[str, str]]:
        items = [("", str(error)) for error in self.non_field_errors()]  # type: ignore[attr-defined]
        for field in self:  # type: ignore[attr-defined]
            for error in field.errors:
                anchor = f"{field.auto_id}_0" if field.use_fieldset else field.auto_id
                items.append((anchor, f"{field.label}: {error}"))
        return items


class AddressForm(ErrorItemsMixin, forms.Form):
    street = forms.CharField(
        label=_("Street"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    number = forms.CharField(
        label=_("House number"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        street, number = data.get("street"), data.get("number")
        if street is None or number is None:
            return data
        found = selectors.street_find(street)
        if found is None:
            self.add_error(
                "street", _("We do not know this street in Bottrop. Please check the spelling.")
            )
        if house_number_parse(number) is None:
            self.add_error("number", _("Please give a house number such as 12 or 12a."))
        data["street_obj"] = found
        return data


def plate_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Licence plate"),
        max_length=20,
        help_text=_("For example BOT-AB 123 or BOT-A 12H."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )


def plate_choice_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Which plate is yours?"), required=False, widget=forms.RadioSelect, choices=[]
    )


class PlateMixin:
    """The exact plate check of a form with the fields `plate` and `plate_choice`: a plate
    that reads in several ways (BOTA1: BO-TA 1 or BOT-A 1) is chosen by the person."""

    plate_readings: list[str] = []

    def clean_plate(self) -> str:
        return plate_clean(self, self.cleaned_data["plate"])  # type: ignore[attr-defined]


class ApplicationForm(PlateMixin, BotProtectionMixin, AddressForm):
    given_name = forms.CharField(
        label=_("Given name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date", "autocomplete": "bday"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    plate = plate_field()
    plate_choice = plate_choice_field()
    use_basis = forms.ChoiceField(
        label=_("The vehicle"), choices=UseBasis.choices, widget=forms.RadioSelect
    )
    keeper_name = forms.CharField(
        label=_("Registered keeper (if not you)"), max_length=200, required=False
    )
    car_sharing_provider = forms.CharField(
        label=_("Car-sharing provider (only for car sharing)"), max_length=120, required=False
    )
    registration_document = forms.FileField(
        label=_("Registration certificate part I (only if the vehicle is not registered to you)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    proof_document = forms.FileField(
        label=_("Proof of permanent use or car-sharing membership"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    fee_kind = forms.ChoiceField(label=_("Period"), widget=forms.RadioSelect, choices=[])
    no_garage_confirmed = forms.BooleanField(
        label=_("I confirm that I have no garage or private parking space for this vehicle.")
    )

    def __init__(self, *args: Any, fees: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fee_kind"].choices = [
            (fee.kind, f"{FeeKind(fee.kind).label}: {fee.amount} €") for fee in fees
        ]
        self.plate_readings: list[str] = []

    def _file(self, name: str) -> Any:
        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            self.add_error(name, _("The file is larger than 5 MB."))
            return None
        try:
            return upload_clean(upload.read())
        except UploadRejected:
            self.add_error(name, _("Only readable PDF, JPEG and PNG files are accepted."))
            return None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        basis = data.get("use_basis")
        if basis in (UseBasis.COMPANY, UseBasis.LEASING, UseBasis.FAMILY):
            if not data.get("keeper_name"):
                self.add_error("keeper_name", _("Please name the registered keeper."))
            if not data.get("proof_document"):
                self.add_error("proof_document", _("Please upload the proof of permanent use."))
        if basis == UseBasis.CAR_SHARING and not data.get("car_sharing_provider"):
            self.add_error("car_sharing_provider", _("Please name the car-sharing provider."))
        documents = []
        for name, kind in (
            ("registration_document", DocumentKind.REGISTRATION),
            (
                "proof_document",
                DocumentKind.PROOF_OF_USE
                if basis != UseBasis.CAR_SHARING
                else DocumentKind.CAR_SHARING,
            ),
        ):
            clean = self._file(name)
            if clean is not None:
                documents.append((kind, clean))
        data["documents"] = documents
        street, number = data.get("street_obj"), data.get("number")
        if street is not None and number and house_number_parse(number):
            zone = selectors.zone_for_address(street, house_number_parse(number)[0])  # type: ignore[index]
            if zone is None:
                self.add_error("number", _("This address is not in a residents' parking zone."))
            data["zone"] = zone
        return data


class RefuseForm(ErrorItemsMixin, forms.Form):
    explanation = forms.CharField(
        label=_("Explanation for the notice (German)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class CounterPaymentForm(ErrorItemsMixin, forms.Form):
    booked_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"})
    )


class ZoneForm(ErrorItemsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    spaces = forms.IntegerField(label=_("Parking spaces"), min_value=0)
    residence = forms.ChoiceField(label=_("Residence required"), choices=Residence.choices)
    garage_confirmation = forms.BooleanField(
        label=_("No-garage confirmation required"), required=False
    )
    display_required = forms.BooleanField(label=_("Permit must be displayed"), required=False)
    hours = forms.CharField(label=_("When the exemption applies"), max_length=300)
    hours_en = forms.CharField(label=_("When the exemption applies (English)"), max_length=300)
    grace_minutes = forms.IntegerField(
        label=_("Grace period after expiry (minutes)"),
        min_value=0,
        max_value=240,
        required=False,
        help_text=_("Empty or 0: none."),
    )
    visitor_day_fee = forms.DecimalField(
        label=_("Visitor day permit (EUR a day)"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text=_("Empty: this zone sells no visitor day permits."),
    )
    active = forms.BooleanField(label=_("Active"), required=False)

    def clean_grace_minutes(self) -> int:
        return self.cleaned_data["grace_minutes"] or 0

    def clean_visitor_day_fee(self) -> Decimal | None:
        fee = self.cleaned_data["visitor_day_fee"]
        return None if fee is None else fee.quantize(Decimal("0.01"))


class SegmentForm(ErrorItemsMixin, forms.Form):
    """House numbers of one street in a zone; overlaps are checked by the service."""

    street = forms.ModelChoiceField(label=_("Street"), queryset=selectors.streets_all())
    first_number = forms.IntegerField(label=_("From house number"), min_value=1)
    last_number = forms.IntegerField(label=_("To house number"), min_value=1)
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices, initial=Side.ALL)


class FeeForm(ErrorItemsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FeeKind.choices)
    amount = forms.DecimalField(
        label=_("Amount (EUR)"), min_value=0, max_digits=8, decimal_places=2
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"})
    )
    basis = forms.CharField(label=_("Legal basis (fee ordinance)"), max_length=200)


class StatementForm(ErrorItemsMixin, forms.Form):
    statement = forms.FileField(label=_("Account statement (CAMT.053, XML)"))


class RegisterImportForm(ErrorItemsMixin, forms.Form):
    register = forms.ChoiceField(
        label=_("Register"),
        choices=[("residents", _("population register")), ("vehicles", _("vehicle register"))],
    )
    extract = forms.FileField(label=_("Extract (CSV, UTF-8, separated by semicolons)"))


class VisitorForm(ErrorItemsMixin, forms.Form):
    """A visitor day permit: the visitor's plate (exact, with the ambiguous readings offered as
    in the application), the first day and how many days."""

    plate = forms.CharField(
        label=_("Your visitor's licence plate"),
        max_length=20,
        help_text=_("For example BOT-AB 123 or BOT-A 12H."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    plate_choice = forms.ChoiceField(
        label=_("Which plate is meant?"), required=False, widget=forms.RadioSelect, choices=[]
    )
    first_day = forms.DateField(
        label=_("First day"), widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"})
    )
    days = forms.TypedChoiceField(
        label=_("Number of days"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, VISITOR_MAX_DAYS + 1)],
        initial=1,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plate_readings: list[str] = []

    clean_plate = ApplicationForm.clean_plate  # the same exact check as the application's
