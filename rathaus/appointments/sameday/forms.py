"""The same-day request form: up to three persons, each with their services, the e-mail
address and the declared reason. Reads only the cached catalogue."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from rathaus.appointments.models import Location
from rathaus.appointments.selectors import catalogue
from rathaus.core.timezone import local_today

from .constants import REASONS, Reason
from .selectors import services_requestable
from .services.requests import PersonWish

PERSONS = 3


def service_choices(location: Location) -> list[tuple[str, str]]:
    offered = services_requestable(location)
    return [
        (service.slug, service.name)
        for service in sorted(catalogue().services.values(), key=lambda s: (s.order, s.name))
        if service.slug in offered
    ]


class SameDayRequestForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address for the result"), max_length=254)
    reason = forms.ChoiceField(
        label=_("Why do you need an appointment today?"),
        choices=Reason.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, location: Location, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = service_choices(location)
        for index in range(1, PERSONS + 1):
            required = index == 1
            self.fields[f"p{index}_given_name"] = forms.CharField(
                label=_("Given name"), max_length=100, required=required
            )
            self.fields[f"p{index}_family_name"] = forms.CharField(
                label=_("Family name"), max_length=100, required=required
            )
            self.fields[f"p{index}_date_of_birth"] = forms.DateField(
                label=_("Date of birth"),
                required=required,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"p{index}_services"] = forms.MultipleChoiceField(
                label=_("Services"),
                choices=choices,
                required=required,
                widget=forms.CheckboxSelectMultiple,
            )

    def person_fields(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"p{index}_{name}"] for name in ("given_name", "family_name", "date_of_birth")]
            + [self[f"p{index}_services"]]
            for index in range(1, PERSONS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for index in range(2, PERSONS + 1):
            values = [cleaned.get(f"p{index}_{name}") for name in _NAMES]
            if any(values) and not all(values):
                raise forms.ValidationError(
                    _("Please complete person %(number)d or leave it empty.") % {"number": index}
                )
        for index in range(1, PERSONS + 1):
            born = cleaned.get(f"p{index}_date_of_birth")
            if born and not date(1900, 1, 1) <= born <= local_today():
                self.add_error(f"p{index}_date_of_birth", _("A date of birth is not possible."))
        return cleaned

    def persons(self) -> list[PersonWish]:
        data = self.cleaned_data
        return [
            PersonWish(
                given_name=data[f"p{index}_given_name"],
                family_name=data[f"p{index}_family_name"],
                date_of_birth=data[f"p{index}_date_of_birth"],
                services=tuple((slug, 1) for slug in data[f"p{index}_services"]),
            )
            for index in range(1, PERSONS + 1)
            if data.get(f"p{index}_given_name")
        ]


_NAMES = ("given_name", "family_name", "date_of_birth", "services")


def request_quick_parse(
    data: QueryDict, location: Location
) -> tuple[list[PersonWish], str, str] | None:
    """The hot path's parser: a complete, valid submission without building a Django form
    (12 fields per request cost more than the insert). None when anything is missing or
    invalid: then the full form validates and shows the errors."""
    email = data.get("email", "").strip()
    reason = data.get("reason", "")
    if not email or len(email) > 254 or reason not in REASONS:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    offered = services_requestable(location)
    persons = []
    today = local_today()
    for index in range(1, PERSONS + 1):
        given = data.get(f"p{index}_given_name", "").strip()
        family = data.get(f"p{index}_family_name", "").strip()
        born_text = data.get(f"p{index}_date_of_birth", "").strip()
        services = data.getlist(f"p{index}_services")
        if not (given or family or born_text or services):
            if index == 1:
                return None
            continue
        if not (given and family and born_text and services):
            return None
        if len(given) > 100 or len(family) > 100 or not set(services) <= offered:
            return None
        try:
            born = date.fromisoformat(born_text)
        except ValueError:
            return None
        if not date(1900, 1, 1) <= born <= today:
            return None
        persons.append(PersonWish(given, family, born, tuple((slug, 1) for slug in services)))
    return persons, email, reason
