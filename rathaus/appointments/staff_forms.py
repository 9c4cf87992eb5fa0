"""Forms of the Bürgerbüro's back office (thin: the services decide and refuse)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.timezone import BERLIN
from rathaus.scheduling.models import WeeklyRule

from .constants import Channel
from .models import Location, Service
from .services.catalogue import LOCATION_FIELDS, SERVICE_FIELDS

MAX_STAFF_PERSONS = 4
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


class DayForm(forms.Form):
    tag = forms.DateField(label=_("Day"), widget=DATE)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the citizen)"), max_length=300, widget=forms.Textarea({"rows": 2})
    )


def _start_choices(times: list[Any]) -> list[tuple[str, str]]:
    return [
        (
            time.start.isoformat(),
            f"{time.start.astimezone(BERLIN):%H:%M}–{time.end.astimezone(BERLIN):%H:%M}",
        )
        for time in times
    ]


class StartForm(forms.Form):
    """A free time, offered as radio buttons (the start as an ISO timestamp)."""

    start = forms.ChoiceField(label=_("Free times"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, times: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].choices = _start_choices(times)

    def clean_start(self) -> datetime:
        return datetime.fromisoformat(self.cleaned_data["start"])


class NeedsForm(forms.Form):
    """What a caller or walk-in needs: location, day, channel, each person's services."""

    ort = forms.ChoiceField(label=_("Location"))
    tag = forms.DateField(label=_("Day"), widget=DATE)
    kanal = forms.ChoiceField(
        label=_("Booked for"),
        choices=[
            (Channel.PHONE, _("a caller on the phone")),
            (Channel.WALK_IN, _("a walk-in at the counter")),
        ],
        widget=forms.RadioSelect,
        initial=Channel.PHONE,
    )

    def __init__(
        self, *args: Any, locations: list[Location], services: list[Service], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ort"].choices = [(location.slug, location.name) for location in locations]
        choices = [(service.slug, service.name) for service in services]
        self.counted = [service for service in services if service.max_count > 1]
        for index in range(1, MAX_STAFF_PERSONS + 1):
            self.fields[f"p{index}"] = forms.MultipleChoiceField(
                label=_("Services"),
                choices=choices,
                required=index == 1,
                widget=forms.CheckboxSelectMultiple,
            )
            for service in self.counted:
                self.fields[f"p{index}_{service.slug}"] = forms.IntegerField(
                    label=_("How many: %(service)s") % {"service": service.name},
                    min_value=1,
                    max_value=service.max_count,
                    required=False,
                )

    def persons(self) -> list[tuple[int, list[Any]]]:
        """Each person's fields, for one fieldset per person."""
        return [
            (
                index,
                [self[f"p{index}"]]
                + [self[f"p{index}_{service.slug}"] for service in self.counted],
            )
            for index in range(1, MAX_STAFF_PERSONS + 1)
        ]

    @property
    def more_persons(self) -> bool:
        """Whether a person after the first was asked for (the section then stays open)."""
        return any(self.data.get(f"p{index}") for index in range(2, MAX_STAFF_PERSONS + 1)) or bool(
            self.errors
        )

    def person_services(self) -> list[list[tuple[str, int]]]:
        """Each person's (service slug, count), persons without a service left out."""
        chosen = []
        for index in range(1, MAX_STAFF_PERSONS + 1):
            slugs = self.cleaned_data.get(f"p{index}") or []
            if slugs:
                chosen.append(
                    [(slug, self.cleaned_data.get(f"p{index}_{slug}") or 1) for slug in slugs]
                )
        return chosen


class BookDetailsForm(StartForm):
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(
        label=_("E-mail (optional: the confirmation is sent there)"), required=False
    )

    def __init__(self, *args: Any, persons: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(1, persons + 1):
            self.fields[f"given_{index}"] = forms.CharField(
                label=_("Person %(number)d: given name") % {"number": index}, max_length=100
            )
            self.fields[f"family_{index}"] = forms.CharField(
                label=_("Person %(number)d: family name") % {"number": index}, max_length=100
            )
            self.fields[f"born_{index}"] = forms.DateField(
                label=_("Person %(number)d: date of birth") % {"number": index}, widget=DATE
            )
        self.persons = persons


class CommaListField(forms.CharField):
    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]


class JSONTextField(forms.CharField):
    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | dict):
            return json.dumps(value, ensure_ascii=False, indent=1)
        return value

    def to_python(self, value: Any) -> Any:
        text = (super().to_python(value) or "").strip()
        if not text:
            return []
        try:
            parsed = json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(_("This is not valid JSON.")) from error
        if not isinstance(parsed, list) or not all(
            isinstance(item, dict) and item.get("de") for item in parsed
        ):
            raise forms.ValidationError(
                _('A list of documents, each like {"de": "…", "en": "…", "for": "all"}.')
            )
        return parsed


class ServiceForm(forms.ModelForm):
    documents = JSONTextField(
        label=_("Documents to bring (JSON)"), required=False, widget=forms.Textarea({"rows": 8})
    )
    assumptions = CommaListField(
        label=_("Values that are assumptions (field names, comma-separated)"), required=False
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Offered at"),
        queryset=Location.objects.order_by("order", "slug"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Service
        fields = SERVICE_FIELDS


class FeeForm(forms.Form):
    variant = forms.SlugField(label=_("Variant"), max_length=40, initial="standard")
    amount_eur = forms.DecimalField(
        label=_("Amount (EUR)"), max_digits=7, decimal_places=2, min_value=0
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    label_de = forms.CharField(label=_("Label (German)"), max_length=120, required=False)
    label_en = forms.CharField(label=_("Label (English)"), max_length=120, required=False)
    min_age = forms.IntegerField(label=_("From age"), min_value=0, required=False)
    max_age = forms.IntegerField(label=_("Until age (exclusive)"), min_value=1, required=False)
    assumed = forms.BooleanField(label=_("Assumption"), required=False)
    source = forms.URLField(
        label=_("Source"), max_length=400, required=False, assume_scheme="https"
    )


class LocationForm(forms.ModelForm):
    assumptions = CommaListField(
        label=_("Values that are assumptions (field names, comma-separated)"), required=False
    )

    class Meta:
        model = Location
        fields = LOCATION_FIELDS
        widgets = {"same_day_opens": TIME, "same_day_closes": TIME}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("same_day_opens"), data.get("same_day_closes")
        if opens and closes and opens >= closes:
            self.add_error("same_day_closes", _("The window must close after it opens."))
        for field in ("same_day_percent", "same_day_urgent_percent"):
            if (data.get(field) or 0) > 100:
                self.add_error(field, _("At most 100 %."))
        return data


class CounterServicesForm(forms.Form):
    services = forms.ModelMultipleChoiceField(
        label=_("Services this counter can do"),
        queryset=Service.objects.order_by("order", "name_de"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class HoursForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=WeeklyRule._meta.get_field("weekday").choices, coerce=int
    )
    start_time = forms.TimeField(label=_("From"), widget=TIME)
    end_time = forms.TimeField(label=_("Until"), widget=TIME)
    staff = forms.CharField(label=_("Staffed by (roster)"), max_length=200, required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE, required=False)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and start >= end:
            self.add_error("end_time", _("The end must be after the start."))
        return data


class ClosureForm(forms.Form):
    start = forms.DateTimeField(label=_("From"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    end = forms.DateTimeField(label=_("Until"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    reason = forms.CharField(label=_("Reason (internal)"), max_length=200)


class ExtraOpeningForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("From"), widget=TIME)
    end_time = forms.TimeField(label=_("Until"), widget=TIME)
    note = forms.CharField(label=_("Note"), max_length=200, initial="Bürgersamstag")
    counters = forms.ModelMultipleChoiceField(
        label=_("Counters"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, counters: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counters"].queryset = counters

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and start >= end:
            self.add_error("end_time", _("The end must be after the start."))
        return data


class NewServiceForm(forms.Form):
    slug = forms.SlugField(label=_("Short name in the address"), max_length=60)
    name_de = forms.CharField(label=_("Name (German)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    minutes = forms.IntegerField(label=_("Counter minutes per person"), min_value=1)
    max_count = forms.IntegerField(label=_("Maximum count"), min_value=1, initial=1)
    combination_group = forms.CharField(
        label=_("Combines within group"), max_length=40, initial="identity"
    )
    online = forms.BooleanField(label=_("Bookable online"), required=False, initial=True)
    locations = forms.ModelMultipleChoiceField(
        label=_("Offered at"),
        queryset=Location.objects.order_by("order", "slug"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class NewCounterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    services = forms.ModelMultipleChoiceField(
        label=_("Services this counter can do"),
        queryset=Service.objects.order_by("order", "name_de"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
