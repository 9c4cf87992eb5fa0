"""Forms of the waiting list. Input shape only; the rules are checked by services.wish_create."""

from __future__ import annotations

import re
from datetime import date, datetime

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from rathaus.weddings.forms import ISO_DATE, CoupleForm
from rathaus.weddings.models import Venue
from rathaus.weddings.validators import PlausibleDateField

from .constants import DATES_MAX, TimeOfDay

DATE_SPLIT = re.compile(r"[\s,;]+")


def dates_parse(value: str) -> list[date]:
    """'12.06.2027, 2027-07-03' -> dates; ValueError naming the first one that is not a date."""
    days = []
    for part in DATE_SPLIT.split((value or "").strip()):
        if not part:
            continue
        for pattern in ("%d.%m.%Y", ISO_DATE):
            try:
                days.append(datetime.strptime(part, pattern).date())  # noqa: DTZ007 - a date
                break
            except ValueError:
                continue
        else:
            raise ValueError(part[:20])
    return sorted(set(days))


class VenueChoices(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        # An id beyond the database's integer range crashed the lookup (OverflowError on
        # SQLite, a 500); it is refused like any other unknown id.
        for pk in value:
            try:
                too_big = abs(int(str(pk))) >= 2**63
            except ValueError:
                too_big = False
            if too_big:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:20]},
                )
        return super()._check_values(value)

    def label_from_instance(self, venue):
        return _("%(name)s (up to %(guests)s guests)") % {
            "name": venue.name,
            "guests": venue.max_guests,
        }


class WishForm(CoupleForm):
    email_help = _("Offers and the confirmation link are sent to this address.")
    guests_help = _("Including the two of you. Only venues with enough room are offered.")
    consent_label = _(
        "I have read the privacy notice and agree that our data is processed for the waiting list."
    )

    first_day = PlausibleDateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}),
    )
    last_day = PlausibleDateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}),
    )
    days = forms.CharField(
        label=_("Or specific dates"),
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        required=False,
        coerce=int,
        help_text=_("None ticked: any weekday."),
        choices=[(str(number), name) for number, name in WEEKDAYS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    venues = VenueChoices(
        label=_("Venues"),
        required=False,
        queryset=Venue.objects.none(),
        help_text=_("None ticked: any venue."),
        widget=forms.CheckboxSelectMultiple,
    )
    time_of_day = forms.ChoiceField(
        label=_("Time of day"),
        required=False,
        choices=TimeOfDay.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_of_day"].initial = TimeOfDay.ANY
        self.fields["days"].help_text = _(
            "Up to %(max)s dates, separated by commas, e.g. 12.06.2027, 03.07.2027."
        ) % {"max": DATES_MAX}
        self.fields["venues"].queryset = Venue.objects.filter(active=True)

    def clean_days(self):
        try:
            return dates_parse(self.cleaned_data.get("days", ""))
        except ValueError as error:
            raise forms.ValidationError(
                _("“%(value)s” is not a date. Please write dates as 12.06.2027.")
                % {"value": error.args[0]}
            ) from None

    def clean(self):
        data = super().clean()
        first, last, days = data.get("first_day"), data.get("last_day"), data.get("days")
        if {"first_day", "last_day", "days"} & set(self.errors):
            return data
        if days and (first or last):
            self.add_error("days", _("Please enter either a period or specific dates, not both."))
        elif not days and not (first and last):
            missing = "last_day" if first else "first_day"
            self.add_error(missing, _("Please enter a period (from and to) or specific dates."))
        return data


class DeclineForm(forms.Form):
    remove = forms.TypedChoiceField(
        label=_("After declining"),
        coerce=lambda value: value == "remove",
        choices=[
            ("stay", _("Keep us on the waiting list for other dates")),
            ("remove", _("Remove us from the waiting list")),
        ],
        initial="stay",
        widget=forms.RadioSelect,
    )
