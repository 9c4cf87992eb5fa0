"""Forms of the pick-up pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from rathaus.appointments.models import Location
from rathaus.appointments.selectors import FreeTime
from rathaus.core.timezone import BERLIN

from .constants import DocumentKind, PickupStatus


class BirthField(forms.DateField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Date of birth"),
            help_text=_("For example 31.12.1990"),
            input_formats=["%d.%m.%Y", "%Y-%m-%d"],
            **kwargs,
        )


class SlotForm(forms.Form):
    prefix = "slot"
    start = forms.TypedChoiceField(label=_("Pick-up time"), coerce=int)

    def __init__(self, *args: Any, times: Sequence[FreeTime], ask_birth: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[int, str]]] = {}
        for free_time in times:
            local = free_time.start.astimezone(BERLIN)
            day = date_format(local, "l, j. F Y")
            groups.setdefault(day, []).append((free_time.start_epoch, local.strftime("%H:%M")))
        self.fields["start"].choices = list(groups.items())  # type: ignore[attr-defined]
        if ask_birth:
            self.fields["date_of_birth"] = BirthField()

    def start_moment(self) -> datetime:
        return datetime.fromtimestamp(self.cleaned_data["start"], tz=BERLIN)


class PostalForm(forms.Form):
    prefix = "post"
    street = forms.CharField(label=_("Street and house number"), max_length=120)
    postcode = forms.RegexField(label=_("Postcode"), regex=r"^\d{5}$", max_length=5)
    town = forms.CharField(label=_("Town"), max_length=80)
    fee = forms.BooleanField(label=_("I will pay the postal delivery fee of 15 €."), required=True)

    def __init__(self, *args: Any, ask_birth: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if ask_birth:
            self.fields["date_of_birth"] = BirthField()

    def address(self, name: str) -> str:
        data = self.cleaned_data
        return f"{name}\n{data['street']}\n{data['postcode']} {data['town']}"


class ReadyForm(forms.Form):
    location = forms.ChoiceField(label=_("Location"))
    document_kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    document_number = forms.CharField(label=_("Document number or reference"), max_length=40)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"))
    date_of_birth = forms.DateField(
        label=_("Date of birth (optional)"), required=False, input_formats=["%d.%m.%Y", "%Y-%m-%d"]
    )

    def __init__(self, *args: Any, locations: Sequence[Location], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [  # type: ignore[attr-defined]
            (location.slug, location.name) for location in locations
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("List (CSV)"),
        help_text=_(
            "Header line: nummer; vorname; nachname; e-mail; standort; dokument; "
            "geburtsdatum (optional). Separated by semicolons or commas, UTF-8."
        ),
    )

    def text(self) -> str | None:
        upload = self.cleaned_data["file"]
        if upload.size > 2_000_000:
            return None
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            return None


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *list(PickupStatus.choices)], required=False
    )
    q = forms.CharField(label=_("Document number or family name"), required=False, max_length=100)
