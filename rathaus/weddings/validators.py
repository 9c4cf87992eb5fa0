"""Input rules shared by the web form and the API."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email as django_validate_email
from django.utils.translation import gettext_lazy as _

from .dates import FIRST_DAY, LAST_DAY, day_plausible

NAME_MAX = 100


def clean_name(value: str) -> str:
    """Any script, any gender, apostrophes and hyphens: "Çağla Öztürk-Nguyễn", "D'Amato".

    Rejected: empty names, control characters (NUL included) and names over 100 characters.
    """
    value = unicodedata.normalize("NFC", value or "").strip()
    if not value:
        raise ValidationError(_("Please enter a name."))
    if len(value) > NAME_MAX:
        raise ValidationError(_("A name can have at most %(max)s characters.") % {"max": NAME_MAX})
    if any(unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") for char in value):
        raise ValidationError(_("The name contains characters that cannot be used."))
    if not any(char.isalpha() for char in value):
        raise ValidationError(_("A name must contain at least one letter."))
    return value


def clean_email(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 254 or "\x00" in value:
        raise ValidationError(_("Please enter a valid e-mail address."))
    try:
        django_validate_email(value)
    except ValidationError:
        raise ValidationError(_("Please enter a valid e-mail address.")) from None
    return value


def clean_phone(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    allowed = set("0123456789+()/- .")
    if len(value) > 40 or not set(value) <= allowed or sum(c.isdigit() for c in value) < 5:
        raise ValidationError(_("Please enter a phone number with digits only, e.g. 02041 70-0."))
    return value


def clean_note(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 2000:
        raise ValidationError(_("The note can have at most 2000 characters."))
    if "\x00" in value:
        raise ValidationError(_("The note contains characters that cannot be used."))
    return value


class PlausibleDateField(forms.DateField):
    """A date field that refuses dates no wedding, closure or plan can have (before 2000, after
    2199) as a form error, before any date arithmetic can overflow on them."""

    default_error_messages = {
        "implausible": _("Enter a date between %(first)s and %(last)s."),
    }

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not day_plausible(day):
            raise ValidationError(
                self.error_messages["implausible"],
                code="implausible",
                params={"first": FIRST_DAY.year, "last": LAST_DAY.year},
            )
        return day
