"""Forms of the public Traukalender: the slot search and the reservation. No business logic.

Input rules shared with the API live in validators.py; the reservation rules themselves (lead
time, horizon, capacity) are checked by services.reservation_create.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rathaus.core.fields import WholeNumberField
from rathaus.protection.forms import BotProtectionMixin

from . import validators
from .allowance import allowance_rule, allowance_text
from .constants import District, Language
from .models import Venue
from .validators import PlausibleDateField

MAX_GUESTS = 1000
MAX_FEE = 10000
ISO_DATE = "%Y-%m-%d"

TIME_OF_DAY_CHOICES = [
    ("", _("Any time")),
    ("morning", _("Morning (before 12:00)")),
    ("afternoon", _("Afternoon (from 12:00)")),
]


def _month_value(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_parse(value: str) -> date | None:
    """'2027-05' -> date(2027, 5, 1); None for anything else."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return None


def day_parse(value: str) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


class ErrorSummaryMixin:
    """(anchor, text) pairs for the error summary; each links to its field.

    A field's own error messages name the field already; generic ones get its label in front.
    """

    summary_labels: dict = {}

    def error_items(self) -> list[tuple[str, str]]:
        items = [("", str(error)) for error in self.non_field_errors()]
        for field in self:
            if not field.errors:
                continue
            anchor = f"{field.auto_id}_0" if field.use_fieldset else field.auto_id
            label = self.summary_labels.get(field.name, field.label)
            own = {str(message) for message in field.field.error_messages.values()}
            items += [
                (anchor, error if error in own else f"{label}: {error}") for error in field.errors
            ]
        return items


class SlotSearchForm(ErrorSummaryMixin, forms.Form):
    """The GET search over all venues. Every field is optional; invalid ones are ignored."""

    month = forms.CharField(label=_("Month"), required=False, widget=forms.Select)
    date_from = PlausibleDateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}),
    )
    date_to = PlausibleDateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        required=False,
        coerce=int,
        choices=[(str(number), name) for number, name in WEEKDAYS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    time_of_day = forms.ChoiceField(
        label=_("Time of day"),
        required=False,
        choices=TIME_OF_DAY_CHOICES,
        widget=forms.RadioSelect,
    )
    district = forms.ChoiceField(
        label=_("District"),
        required=False,
        choices=[("", _("All districts")), *District.choices],
    )
    venue = forms.ChoiceField(label=_("Venue"), required=False)
    guests = WholeNumberField(
        label=_("Number of guests"),
        required=False,
        min_value=1,
        max_value=MAX_GUESTS,
        help_text=_("Only venues with room for at least this many guests."),
    )
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    outdoor = forms.BooleanField(label=_("Outdoor ceremony possible"), required=False)
    max_fee = forms.DecimalField(
        label=_("Registry office fee up to (EUR)"),
        required=False,
        min_value=0,
        max_value=MAX_FEE,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    day = forms.CharField(required=False, widget=forms.HiddenInput)  # set by calendar links

    def __init__(self, *args, months: list[date], venues: list[Venue], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].widget.choices = [
            ("", _("Earliest possible")),
            *((_month_value(m), date_format(m, "YEAR_MONTH_FORMAT")) for m in months),
        ]
        self.fields["venue"].choices = [
            ("", _("All venues")),
            *((venue.slug, venue.name) for venue in venues),
        ]

    def clean_month(self):
        return month_parse(self.cleaned_data["month"])

    def clean_day(self):
        return day_parse(self.cleaned_data["day"])

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data

    def valid_data(self) -> dict:
        """The cleaned values of the fields that are valid; the rest is left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


class VenueChoiceForm(forms.Form):
    venue = forms.ChoiceField(label=_("Venue"), required=False)

    def __init__(self, *args, venues: list[Venue], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].choices = [
            ("", _("All venues")),
            *((venue.slug, venue.name) for venue in venues),
        ]


def _name_field(label, required_message, autocomplete=""):
    attrs = {"spellcheck": "false", "autocapitalize": "words"}
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.CharField(
        label=label,
        error_messages={"required": required_message},
        widget=forms.TextInput(attrs=attrs),
    )


class CoupleForm(BotProtectionMixin, ErrorSummaryMixin, forms.Form):
    """The couple and how to reach them: shared by the reservation, the lottery application and
    the waiting list. Subclasses set the texts that differ (`email_help`, `guests_help`,
    `consent_label`). Names in any script; nothing here decides whether a date is free."""

    email_help = _("We send the confirmation link to this address.")
    guests_help = ""
    consent_label = ""
    summary_labels = {
        "partner1_given_name": _("Given name of the first partner"),
        "partner1_family_name": _("Family name of the first partner"),
        "partner2_given_name": _("Given name of the second partner"),
        "partner2_family_name": _("Family name of the second partner"),
    }

    partner1_given_name = _name_field(
        _("Given name"), _("Please enter the given name of the first partner."), "given-name"
    )
    partner1_family_name = _name_field(
        _("Family name"), _("Please enter the family name of the first partner."), "family-name"
    )
    partner2_given_name = _name_field(
        _("Given name"), _("Please enter the given name of the second partner.")
    )
    partner2_family_name = _name_field(
        _("Family name"), _("Please enter the family name of the second partner.")
    )
    email = forms.CharField(
        label=_("E-mail address"),
        error_messages={"required": _("Please enter your e-mail address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        help_text=_("For questions about the ceremony, e.g. 02041 70-0."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    guests = WholeNumberField(
        label=_("Expected number of guests"),
        min_value=1,
        max_value=MAX_GUESTS,
        error_messages={"required": _("Please enter the expected number of guests.")},
    )
    language = forms.ChoiceField(
        label=_("Language for e-mails"),
        choices=Language.choices,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Please agree to the processing of your data.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = (get_language() or "de")[:2]
        self.fields["language"].initial = language if language in Language.values else "de"
        self.fields["email"].help_text = self.email_help
        self.fields["guests"].help_text = self.guests_help
        self.fields["consent"].label = self.consent_label
        self.fields["consent"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("core:privacy"), _("Read the privacy notice")
        )
        self.order_fields([name for name in self.fields if name != "consent"] + ["consent"])

    def _clean_with(self, name, validator):
        return validator(self.cleaned_data.get(name, ""))

    def clean_partner1_given_name(self):
        return self._clean_with("partner1_given_name", validators.clean_name)

    def clean_partner1_family_name(self):
        return self._clean_with("partner1_family_name", validators.clean_name)

    def clean_partner2_given_name(self):
        return self._clean_with("partner2_given_name", validators.clean_name)

    def clean_partner2_family_name(self):
        return self._clean_with("partner2_family_name", validators.clean_name)

    def clean_email(self):
        return self._clean_with("email", validators.clean_email)

    def clean_phone(self):
        return self._clean_with("phone", validators.clean_phone)


class ReservationForm(CoupleForm):
    consent_label = _(
        "I have read the privacy notice and agree that our data is processed for this reservation."
    )

    note = forms.CharField(
        label=_("Your note"),
        required=False,
        help_text=_("For example wishes about music or the need for an interpreter."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, venue: Venue, **kwargs):
        self.venue = venue
        self.guests_help = _(
            "Including the two of you. This venue has room for at most %(max)s guests."
        ) % {"max": venue.max_guests}
        super().__init__(*args, **kwargs)
        limit = allowance_rule()
        if limit is not None:
            self.fields["email"].help_text = format_html(
                "{} {}", self.email_help, allowance_text(limit)
            )

    def clean_guests(self):
        # here, not only in the service: reported together with every other field error
        guests = self.cleaned_data["guests"]
        if guests > self.venue.max_guests:
            raise forms.ValidationError(
                _("This venue has room for at most %(max)s guests.")
                % {"max": self.venue.max_guests}
            )
        return guests

    def clean_note(self):
        return self._clean_with("note", validators.clean_note)
