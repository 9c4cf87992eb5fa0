"""The application form: the couple, contact data and up to five ranked times. No business
logic; the lottery's rules are checked by services.application_submit."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rathaus.core.timezone import BERLIN
from rathaus.protection.forms import BotProtectionMixin
from rathaus.weddings import validators
from rathaus.weddings.constants import Language
from rathaus.weddings.forms import MAX_GUESTS, ErrorSummaryMixin, _name_field
from rathaus.weddings.selectors import CeremonySlot

from .constants import MAX_PREFERENCES

RANK_LABELS = {
    1: _("First choice"),
    2: _("Second choice"),
    3: _("Third choice"),
    4: _("Fourth choice"),
    5: _("Fifth choice"),
}


def slot_value(slot: CeremonySlot) -> str:
    return f"{slot.venue.slug}/{slot.start_epoch}"


def slot_label(slot: CeremonySlot) -> str:
    start = slot.start.astimezone(BERLIN)
    return _("%(time)s – %(venue)s (fee %(fee)s EUR, up to %(guests)s guests)") % {
        "time": date_format(start, "H:i"),
        "venue": slot.venue.name,
        "fee": slot.fee_eur,
        "guests": slot.venue.max_guests,
    }


class ApplicationForm(BotProtectionMixin, ErrorSummaryMixin, forms.Form):
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
        help_text=_("We send the confirmation link and the result of the draw to this address."),
        error_messages={"required": _("Please enter your e-mail address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        help_text=_("For questions about the ceremony, e.g. 02041 70-0."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    guests = forms.IntegerField(
        label=_("Expected number of guests"),
        help_text=_("Including the two of you."),
        min_value=1,
        max_value=MAX_GUESTS,
        error_messages={"required": _("Please enter the expected number of guests.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    language = forms.ChoiceField(
        label=_("Language for e-mails"), choices=Language.choices, widget=forms.RadioSelect
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that our data is processed for this "
            "application."
        ),
        error_messages={"required": _("Please agree to the processing of your data.")},
    )

    def __init__(self, *args, slots: list[CeremonySlot], **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {slot_value(slot): slot for slot in slots}
        choices = [(value, slot_label(slot)) for value, slot in self.slots.items()]
        for rank in range(1, MAX_PREFERENCES + 1):
            first = rank == 1
            self.fields[f"preference_{rank}"] = forms.ChoiceField(
                label=RANK_LABELS[rank],
                required=first,
                choices=[("", _("Please choose") if first else _("No further choice")), *choices],
                error_messages={
                    "required": _("Please choose at least one time."),
                    "invalid_choice": _("This time is not offered in the lottery."),
                },
            )
        self.order_fields([f"preference_{rank}" for rank in range(1, MAX_PREFERENCES + 1)])
        language = (get_language() or "de")[:2]
        self.fields["language"].initial = language if language in Language.values else "de"
        self.fields["consent"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("core:privacy"), _("Read the privacy notice")
        )

    def preference_fields(self):
        return [self[f"preference_{rank}"] for rank in range(1, MAX_PREFERENCES + 1)]

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

    def clean(self):
        data = super().clean()
        seen = set()
        for rank in range(1, MAX_PREFERENCES + 1):
            value = data.get(f"preference_{rank}")
            if not value:
                continue
            if value in seen:
                self.add_error(f"preference_{rank}", _("You have already chosen this time."))
            seen.add(value)
            guests, venue = data.get("guests"), self.slots[value].venue
            if guests and guests > venue.max_guests:
                self.add_error(
                    f"preference_{rank}",
                    _("%(venue)s has room for at most %(max)s guests.")
                    % {"venue": venue.name, "max": venue.max_guests},
                )
        return data

    def preferences(self) -> tuple:
        """(venue, start) in the order of the choices, gaps closed."""
        values = [self.cleaned_data.get(f"preference_{r}") for r in range(1, MAX_PREFERENCES + 1)]
        return tuple((self.slots[v].venue, self.slots[v].start) for v in values if v)


class MarkForm(forms.Form):
    day = forms.DateField(
        label=_("Wedding date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"required": _("Please enter a date.")},
    )
