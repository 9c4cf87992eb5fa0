"""The plate lookup's form and the log's filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import ErrorItemsMixin
from ..plates import MAX_INPUT, plate_check
from . import selectors

PLATE_INVALID = _(
    "This is not a valid German licence plate. Please type it as on the car, e.g. BOT-AB 123."
)
PLATE_SPECIAL = _(
    "Special plates (short-term, red, export, official or diplomatic) carry no resident "
    "permit. Please check the vehicle on site."
)


class PlateLookupForm(ErrorItemsMixin, forms.Form):
    kennzeichen = forms.CharField(
        label=_("Licence plate"),
        max_length=MAX_INPUT,
        help_text=_("With or without hyphen and space; every possible reading is shown."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )
    zone = forms.ChoiceField(label=_("Zone"), required=False)

    def __init__(self, *args: Any, zones: selectors.Zones | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zones = zones or selectors.zones()
        self.fields["zone"].choices = [("", _("any zone")), *selectors.zone_choices(self.zones)]
        if self.is_bound:  # the error summary or the answer takes the focus
            self.fields["kennzeichen"].widget.attrs.pop("autofocus", None)

    def clean_kennzeichen(self) -> str:
        text = self.cleaned_data["kennzeichen"].strip()
        check = plate_check(text)
        if not check.readings:
            raise forms.ValidationError(PLATE_SPECIAL if check.special else PLATE_INVALID)
        return text


class LogFilterForm(forms.Form):
    plate = forms.CharField(label=_("Plate contains"), max_length=20, required=False)
    officer = forms.CharField(label=_("Officer (user name)"), max_length=150, required=False)
