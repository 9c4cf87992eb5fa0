"""Forms of the citizen's pages: who comes with which services, the persons' details, the
standby list. No business logic: the rules are checked by `selectors.plan_make` and the
services; the forms only turn what was typed into their arguments and keep it on errors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.timezone import local_today
from rathaus.protection.forms import BotProtectionMixin

from .constants import MAX_PERSONS
from .models import Service
from .selectors import PersonNeed, PlanInvalid, plan_make
from .services.booking import PersonDetails

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]
LANGUAGES = [("de", "Deutsch"), ("en", "English")]


# --- who comes with what: carried in the address as "slug:count,slug:count;slug:count" ---


def needs_encode(needs: list[PersonNeed]) -> str:
    return ";".join(",".join(f"{slug}:{count}" for slug, count in need.services) for need in needs)


def needs_decode(text: str | None) -> list[PersonNeed]:
    """The persons and their services from the address; ValueError for anything else."""
    needs = []
    for person in (text or "").split(";")[: MAX_PERSONS + 1]:
        services = []
        for part in person.split(","):
            slug, _sep, count = part.strip().partition(":")
            if not slug:
                continue
            if count and not count.isdigit():
                raise ValueError(part)
            services.append((slug[:60], min(int(count or 1), 99)))
        needs.append(PersonNeed(tuple(services)))
    if not needs or not any(need.services for need in needs):
        raise ValueError("no services")
    return needs


def per_person_most(service: Service) -> int:
    """How many of a service one person may ask for: one, unless the service's maximum per
    appointment differs from one per possible person (copies, certifications)."""
    return 1 if service.max_count in (1, MAX_PERSONS) else service.max_count


class ErrorItemsMixin:
    """(anchor, text) pairs for the error summary; every field error links to its field."""

    def error_items(self) -> list[tuple[str, str]]:
        form: Any = self
        items = [("", str(error)) for error in form.non_field_errors()]
        for field in form:
            items += [(field.auto_id, f"{field.label}: {error}") for error in field.errors]
        return items


class ServiceSearchForm(forms.Form):
    q = forms.CharField(label=_("Search for a service"), required=False, max_length=100)


class NeedsForm(ErrorItemsMixin, forms.Form):
    """Per person a choice of every service bookable at the location: a checkbox, or a count
    where a person may need several (three certified copies)."""

    def __init__(
        self,
        *args: Any,
        location: Any,
        services: list[Service],
        persons: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.location = location
        self.services = services
        self.persons = max(1, min(persons, MAX_PERSONS))
        self.plan: Any = None
        for index in range(self.persons):
            for service in services:
                name = self.field_name(index, service)
                most = per_person_most(service)
                if most == 1:
                    self.fields[name] = forms.BooleanField(label=service.name, required=False)
                else:
                    self.fields[name] = forms.TypedChoiceField(
                        label=service.name,
                        choices=[(n, str(n)) for n in range(most + 1)],
                        coerce=int,
                        required=False,
                        empty_value="0",
                    )

    @staticmethod
    def field_name(index: int, service: Service) -> str:
        return f"p{index}-{service.slug}"

    @classmethod
    def initial_from(cls, needs: list[PersonNeed]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for index, need in enumerate(needs[:MAX_PERSONS]):
            for slug, count in need.services:
                initial[f"p{index}-{slug}"] = count if count > 1 else True
        return initial

    def person_fields(self) -> list[list[forms.BoundField]]:
        return [
            [self[self.field_name(index, service)] for service in self.services]
            for index in range(self.persons)
        ]

    def needs(self) -> list[PersonNeed]:
        data = self.cleaned_data
        needs = []
        for index in range(self.persons):
            chosen = []
            for service in self.services:
                value = data.get(self.field_name(index, service))
                count = int(value or 0)
                if count:
                    chosen.append((service.slug, count))
            needs.append(PersonNeed(tuple(chosen)))
        return needs

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            self.plan = plan_make(self.location, self.needs())
        except PlanInvalid as error:
            raise forms.ValidationError(str(error.message)) from error
        return cleaned


class PersonsFormBase(BotProtectionMixin, ErrorItemsMixin, forms.Form):
    """Names and dates of birth of `persons` persons, an e-mail address and the language."""

    def __init__(self, *args: Any, persons: int, labels: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persons = persons
        self.labels = labels
        for index in range(persons):
            self.fields[f"p{index}-given_name"] = forms.CharField(
                label=_("Given name"),
                max_length=100,
                error_messages={"required": _("Please enter the given name.")},
                widget=forms.TextInput(
                    attrs={"autocomplete": "given-name" if not index else "off"}
                ),
            )
            self.fields[f"p{index}-family_name"] = forms.CharField(
                label=_("Family name"),
                max_length=100,
                error_messages={"required": _("Please enter the family name.")},
                widget=forms.TextInput(
                    attrs={"autocomplete": "family-name" if not index else "off"}
                ),
            )
            self.fields[f"p{index}-date_of_birth"] = forms.DateField(
                label=_("Date of birth"),
                help_text=_("For example 31.12.1990"),
                input_formats=DATE_FORMATS,
                error_messages={
                    "required": _("Please enter the date of birth."),
                    "invalid": _(
                        "Please enter the date of birth as day.month.year, e.g. 31.12.1990."
                    ),
                },
                widget=forms.DateInput(
                    format="%d.%m.%Y",
                    attrs={"inputmode": "numeric", "autocomplete": "bday" if not index else "off"},
                ),
            )
        self.fields["email"] = forms.EmailField(
            label=_("E-mail address"),
            help_text=_("You receive the link to confirm the appointment by e-mail."),
            error_messages={
                "required": _("Please enter your e-mail address."),
                "invalid": _("Please enter an e-mail address like name@example.org."),
            },
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        )
        self.fields["language"] = forms.ChoiceField(
            label=_("Language of the e-mails"), choices=LANGUAGES, widget=forms.RadioSelect
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for index in range(self.persons):
            born = cleaned.get(f"p{index}-date_of_birth")
            if born is not None and not date(1900, 1, 1) <= born <= local_today():
                self.add_error(f"p{index}-date_of_birth", _("This date of birth is not possible."))
        return cleaned

    def person_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (
                self.labels[index] if index < len(self.labels) else "",
                [
                    self[f"p{index}-{name}"]
                    for name in ("given_name", "family_name", "date_of_birth")
                ],
            )
            for index in range(self.persons)
        ]

    def person_details(self) -> list[PersonDetails]:
        data = self.cleaned_data
        return [
            PersonDetails(
                data[f"p{index}-given_name"].strip(),
                data[f"p{index}-family_name"].strip(),
                data[f"p{index}-date_of_birth"],
            )
            for index in range(self.persons)
        ]


class DetailsForm(PersonsFormBase):
    """Who comes to the held time. `carried` shows a consent box for the carried-over data."""

    def __init__(self, *args: Any, carried: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if carried:
            self.fields["consent"] = forms.BooleanField(
                label=_(
                    "Yes, the citizens' office may keep the data shown above with my appointment."
                ),
                required=False,
            )


class StandbyForm(PersonsFormBase):
    """The standby list: the same persons' details and the period that suits them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["earliest"] = forms.DateField(
            label=_("From"),
            help_text=_("For example 31.12.2027"),
            input_formats=DATE_FORMATS,
            error_messages={
                "required": _("Please enter the first day that suits you."),
                "invalid": _("Please enter the day as day.month.year, e.g. 31.12.2027."),
            },
            widget=forms.DateInput(format="%d.%m.%Y", attrs={"inputmode": "numeric"}),
        )
        self.fields["latest"] = forms.DateField(
            label=_("Until"),
            help_text=_("For example 31.12.2027"),
            input_formats=DATE_FORMATS,
            error_messages={
                "required": _("Please enter the last day that suits you."),
                "invalid": _("Please enter the day as day.month.year, e.g. 31.12.2027."),
            },
            widget=forms.DateInput(format="%d.%m.%Y", attrs={"inputmode": "numeric"}),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        earliest, latest = cleaned.get("earliest"), cleaned.get("latest")
        if earliest and latest and earliest > latest:
            self.add_error("latest", _("The period must not end before it starts."))
        return cleaned


class HoldForm(BotProtectionMixin, forms.Form):
    """Choosing a time: no fields of its own, only the bot protection of the hold."""
