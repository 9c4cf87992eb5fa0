"""Forms of the kiosk: an appointment's reference (typed, or scanned: a USB scanner types the
QR code's text and presses Enter), a person's family name and date of birth, a walk-in's
services. They only turn input into the arguments of the check-in services."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.appointments.constants import REFERENCE_LENGTH, REFERENCE_PREFIX
from rathaus.appointments.models import Service
from rathaus.core.references import ALPHABET
from rathaus.core.timezone import local_today

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]
_CHARS = f"[{ALPHABET}]{{{REFERENCE_LENGTH}}}"
# Anywhere in a text (a link of an e-mail, a QR code's payload): with its hyphen.
REFERENCE_IN_TEXT = re.compile(rf"(?<![A-Z0-9]){REFERENCE_PREFIX}-({_CHARS})(?![A-Z0-9])")
# Typed alone: the hyphen and spaces may be missing.
REFERENCE_ALONE = re.compile(rf"{REFERENCE_PREFIX}[-\s]*({_CHARS})")
# A scanner set to a US keyboard on a German layout types "ß" for "-" and swaps Y and Z.
_SCANNER_LAYOUT = str.maketrans({"ß": "-", "?": "_"})


def reference_extract(text: str) -> list[str]:
    """The references the input may mean, the likeliest first (empty: none)."""
    found: list[str] = []
    for variant in (text, text.translate(_SCANNER_LAYOUT)):
        upper = variant.strip().upper()
        match = REFERENCE_IN_TEXT.search(upper) or REFERENCE_ALONE.fullmatch(upper)
        if match:
            found.append(f"{REFERENCE_PREFIX}-{match[1]}")
    swapped = [ref.translate(str.maketrans("YZ", "ZY")) for ref in found]
    return list(dict.fromkeys(found + swapped))


class ReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference of your appointment"),
        help_text=_("For example BB-7KQM2A. You can also scan the code of your e-mail."),
        max_length=500,
        error_messages={"required": _("Please enter the reference of your appointment.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def clean_reference(self) -> list[str]:
        candidates = reference_extract(self.cleaned_data["reference"])
        if not candidates:
            raise forms.ValidationError(
                _("This is not a reference. It looks like BB-7KQM2A."), code="invalid"
            )
        return candidates


class PersonForm(forms.Form):
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=100,
        error_messages={"required": _("Please enter the family name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        help_text=_("For example 31.12.1990"),
        input_formats=DATE_FORMATS,
        error_messages={
            "required": _("Please enter the date of birth."),
            "invalid": _("Please enter the date of birth as day.month.year, e.g. 31.12.1990."),
        },
        widget=forms.DateInput(
            format="%d.%m.%Y", attrs={"inputmode": "numeric", "autocomplete": "off"}
        ),
    )

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        if not date(1900, 1, 1) <= born <= local_today():
            raise forms.ValidationError(_("This date of birth is not possible."))
        return born


class WalkInForm(forms.Form):
    services = forms.MultipleChoiceField(
        label=_("What is your concern?"),
        help_text=_("Choose one or more."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one service.")},
    )

    def __init__(self, *args: Any, services: list[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [(service.slug, service.name) for service in services]
