"""Back-office forms: parse and validate input only; services do the writing."""

from __future__ import annotations

from datetime import date, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.core.timezone import local_datetime, local_today
from rathaus.scheduling import engine
from rathaus.scheduling.models import ExtraOpening, WeeklyRule
from rathaus.scheduling.services.availability import OPENING_FIELDS, RULE_FIELDS

from ..constants import ReservationStatus
from ..dates import day_plausible
from ..models import ReservationPolicy, Venue
from ..validators import PlausibleDateField
from . import labels as field_labels
from .services.settings import POLICY_FIELDS, VENUE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ReservationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("all")), *ReservationStatus.choices],
        required=False,
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"), queryset=Venue.objects.all(), required=False, to_field_name="slug"
    )
    deadline_until = PlausibleDateField(
        label=_("Marriage notice due by"),
        required=False,
        widget=DATE,
        help_text=_("Only reservations whose marriage notice is still missing."),
    )
    first = PlausibleDateField(label=_("Wedding from"), required=False, widget=DATE)
    last = PlausibleDateField(label=_("Wedding until"), required=False, widget=DATE)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=20)


class ConfirmForm(forms.Form):
    notice_filed_on = PlausibleDateField(
        label=_("Marriage notice filed on"), widget=DATE, initial=local_today
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancellation"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The couple receives this reason by e-mail."),
    )


class MoveSearchForm(forms.Form):
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.filter(resource__active=True),
        to_field_name="slug",
    )
    day = PlausibleDateField(label=_("Date"), widget=DATE)


class MoveForm(forms.Form):
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.filter(resource__active=True), to_field_name="slug"
    )
    start = forms.IntegerField(min_value=0)

    def clean_start(self):
        return engine.from_epoch(self.cleaned_data["start"])


class RegistrarAssignForm(forms.Form):
    registrar = forms.IntegerField(min_value=1)


class AgreementForm(forms.Form):
    decision = forms.ChoiceField(choices=[("agree", _("Agree")), ("decline", _("Decline"))])


class UndoForm(forms.Form):
    """A button only: nothing to enter."""


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give a reason.")},
        help_text=_("The couple receives this reason by e-mail; the registry office sees it too."),
    )


class TimeSpanForm(forms.Form):
    """From a date (and time) to a date (and time), in Berlin wall-clock time."""

    first_day = PlausibleDateField(label=_("From (date)"), widget=DATE)
    start_time = forms.TimeField(
        label=_("From (time)"),
        required=False,
        widget=TIME,
        help_text=_("Leave empty for the whole day."),
    )
    last_day = PlausibleDateField(
        label=_("Until (date)"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty for the same day."),
    )
    end_time = forms.TimeField(
        label=_("Until (time)"),
        required=False,
        widget=TIME,
        help_text=_("Leave empty for the end of the day."),
    )
    reason = forms.CharField(
        label=_("Reason (internal)"),
        max_length=200,
        required=False,
        help_text=_("Only staff see it; couples see the time as not available."),
    )

    def clean_first_day(self):
        day = self.cleaned_data["first_day"]
        if day < local_today():
            raise ValidationError(_("This date is in the past."))
        return day

    def clean(self):
        data = super().clean()
        first = data.get("first_day")
        if not first:
            return data
        last = data.get("last_day") or first
        start = local_datetime(first, data.get("start_time") or time.min)
        end_time = data.get("end_time")
        end = (
            local_datetime(last, end_time)
            if end_time
            else local_datetime(last + timedelta(days=1), time.min)
        )
        if end <= start:
            raise ValidationError(_("The end must be after the start."))
        if end <= timezone.now():
            raise ValidationError(_("This time is already over."))
        if (end - start).days > 400:
            raise ValidationError(_("A block can last at most 400 days."))
        data["start"], data["end"] = start, end
        return data


class FixedStartsField(forms.CharField):
    """Start times typed as "10:30, 12:00"; stored as a list of "HH:MM"."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        starts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        for start in starts:
            try:
                time.fromisoformat(start)
            except ValueError as error:
                raise ValidationError(_("Use the form HH:MM, e.g. 10:30.")) from error
        return [time.fromisoformat(s).strftime("%H:%M") for s in starts]


class WeeklyRuleForm(forms.ModelForm):
    fixed_starts = FixedStartsField(
        label=field_labels.RULE["fixed_starts"],
        required=False,
        help_text=field_labels.RULE_HELP["fixed_starts"],
    )

    class Meta:
        model = WeeklyRule
        fields = RULE_FIELDS
        labels = field_labels.RULE
        help_texts = field_labels.RULE_HELP
        widgets = {
            "start_time": TIME,
            "end_time": TIME,
            "valid_from": DATE,
            "valid_until": DATE,
        }
        field_classes = {"valid_from": PlausibleDateField, "valid_until": PlausibleDateField}


class ExtraOpeningForm(forms.ModelForm):
    fixed_starts = FixedStartsField(
        label=field_labels.RULE["fixed_starts"],
        required=False,
        help_text=field_labels.RULE_HELP["fixed_starts"],
    )

    class Meta:
        model = ExtraOpening
        labels = field_labels.RULE
        help_texts = field_labels.RULE_HELP
        fields = OPENING_FIELDS
        widgets = {"date": DATE, "start_time": TIME, "end_time": TIME}
        field_classes = {"date": PlausibleDateField}

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day < local_today():
            raise ValidationError(_("This date is in the past."))
        return day


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = VENUE_FIELDS
        labels = field_labels.VENUE
        help_texts = field_labels.VENUE_HELP
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class PolicyForm(forms.ModelForm):
    class Meta:
        model = ReservationPolicy
        fields = POLICY_FIELDS
        labels = field_labels.POLICY


class CalendarUrlForm(forms.Form):
    url = forms.URLField(
        label=_("Address of your event calendar (ICS)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Imported every night. Leave empty to stop the nightly import."),
    )


class CalendarFileForm(forms.Form):
    file = forms.FileField(label=_("Calendar file (.ics)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 2 MB."))
        return upload.read()


class PeriodForm(forms.Form):
    first = PlausibleDateField(label=_("From"), widget=DATE)
    last = PlausibleDateField(label=_("Until"), widget=DATE)

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last and (last < first or (last - first).days > 731):
            raise ValidationError(_("Choose a period of at most two years."))
        return data


def day_or_today(value: str | None) -> date:
    """The day of a `?tag=`-like parameter; today when it is absent or unreadable, 404 for a
    date no plan can show (before 2000, after 2199)."""
    try:
        day = date.fromisoformat(value) if value else local_today()
    except ValueError:
        return local_today()
    if not day_plausible(day):
        raise Http404
    return day
