"""The holder's forms for changes (temporary permit, lost permit, cancellation) and the
office's form of a counter payment of a charge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .forms import ISO_DATE, ErrorItemsMixin, plate_clean
from .refund_rules import IbanInvalid, iban_normalize

REASONS = [("repair", _("my car is being repaired")), ("rental", _("rental or loan car"))]


class TemporaryForm(ErrorItemsMixin, forms.Form):
    plate = forms.CharField(
        label=_("Licence plate of the replacement vehicle"),
        max_length=20,
        help_text=_("For example BOT-AB 123 or BOT-A 12H."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    plate_choice = forms.ChoiceField(
        label=_("Which plate is it?"), required=False, widget=forms.RadioSelect, choices=[]
    )
    starts = forms.DateField(
        label=_("From"), widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"})
    )
    days = forms.IntegerField(label=_("Number of days"), min_value=1)
    reason = forms.ChoiceField(label=_("Why"), choices=REASONS, widget=forms.RadioSelect)

    def __init__(self, *args: Any, max_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plate_readings: list[str] = []
        self.max_days = max_days
        self.fields["days"].widget.attrs.update({"min": 1, "max": max_days})
        self.fields["days"].help_text = _("1 to %(max)s days.") % {"max": max_days}

    def clean_days(self) -> int:
        days: int = self.cleaned_data["days"]
        if days > self.max_days:
            raise ValidationError(
                _("At most %(max)s days; for longer, please apply for a change of plate.")
                % {"max": self.max_days}
            )
        return days

    def clean_plate(self) -> str:
        return plate_clean(self, self.cleaned_data["plate"])


class LostForm(ErrorItemsMixin, forms.Form):
    what = forms.ChoiceField(
        label=_("What happened"),
        choices=[("lost", _("lost or stolen")), ("damaged", _("damaged or unreadable"))],
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("I understand that the old permit is invalid from now on, even if I find it.")
    )


class CancelForm(ErrorItemsMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Why"),
        choices=[
            ("cancel", _("I no longer need the permit")),
            ("moved_out", _("I am moving or have moved out of the zone")),
        ],
        widget=forms.RadioSelect,
        initial="cancel",
    )
    ends = forms.DateField(
        label=_("The permit ends on"),
        help_text=_(
            "From this day on the permit is no longer valid. Today: it ends at once. "
            "When you move: the day of the move (today if you have already moved)."
        ),
        widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}),
    )
    account_holder = forms.CharField(
        label=_("Account holder (for the refund)"),
        max_length=140,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    iban = forms.CharField(
        label=_("IBAN (for the refund)"),
        max_length=42,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_iban(self) -> str:
        value = self.cleaned_data.get("iban", "")
        if not value.strip():
            return ""
        try:
            return iban_normalize(value)
        except IbanInvalid as error:
            raise ValidationError(error.message) from None


class ChargePaymentForm(ErrorItemsMixin, forms.Form):
    booked_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"})
    )
