"""The application form: the couple, contact data and up to five ranked times. No business
logic; the lottery's rules are checked by services.application_submit."""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from rathaus.core.timezone import BERLIN
from rathaus.weddings.forms import CoupleForm
from rathaus.weddings.selectors import CeremonySlot
from rathaus.weddings.validators import PlausibleDateField

from .constants import MAX_PREFERENCES

RANK_LABELS = {
    1: _("First choice"),
    2: _("Second choice"),
    3: _("Third choice"),
    4: _("Fourth choice"),
    5: _("Fifth choice"),
}


def slot_value(slot: CeremonySlot) -> str:
    return f"{slot.venue.slug}/{slot.start_epoch}"


def slot_label(slot: CeremonySlot) -> str:
    start = slot.start.astimezone(BERLIN)
    return _("%(time)s – %(venue)s (fee %(fee)s EUR, up to %(guests)s guests)") % {
        "time": date_format(start, "H:i"),
        "venue": slot.venue.name,
        "fee": slot.fee_eur,
        "guests": slot.venue.max_guests,
    }


class ApplicationForm(CoupleForm):
    email_help = _("We send the confirmation link and the result of the draw to this address.")
    guests_help = _("Including the two of you.")
    consent_label = _(
        "I have read the privacy notice and agree that our data is processed for this application."
    )

    def __init__(self, *args, slots: list[CeremonySlot], **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {slot_value(slot): slot for slot in slots}
        choices = [(value, slot_label(slot)) for value, slot in self.slots.items()]
        for rank in range(1, MAX_PREFERENCES + 1):
            first = rank == 1
            self.fields[f"preference_{rank}"] = forms.ChoiceField(
                label=RANK_LABELS[rank],
                required=first,
                choices=[("", _("Please choose") if first else _("No further choice")), *choices],
                error_messages={
                    "required": _("Please choose at least one time."),
                    "invalid_choice": _("This time is not offered in the lottery."),
                },
            )
        self.order_fields(
            [f"preference_{rank}" for rank in range(1, MAX_PREFERENCES + 1)]
            + [name for name in self.fields if name != "consent"]
            + ["consent"]
        )

    def preference_fields(self):
        return [self[f"preference_{rank}"] for rank in range(1, MAX_PREFERENCES + 1)]

    def clean(self):
        data = super().clean()
        seen = set()
        for rank in range(1, MAX_PREFERENCES + 1):
            value = data.get(f"preference_{rank}")
            if not value:
                continue
            if value in seen:
                self.add_error(f"preference_{rank}", _("You have already chosen this time."))
            seen.add(value)
            guests, venue = data.get("guests"), self.slots[value].venue
            if guests and guests > venue.max_guests:
                self.add_error(
                    f"preference_{rank}",
                    _("%(venue)s has room for at most %(max)s guests.")
                    % {"venue": venue.name, "max": venue.max_guests},
                )
        return data

    def preferences(self) -> tuple:
        """(venue, start) in the order of the choices, gaps closed."""
        values = [self.cleaned_data.get(f"preference_{r}") for r in range(1, MAX_PREFERENCES + 1)]
        return tuple((self.slots[v].venue, self.slots[v].start) for v in values if v)


class MarkForm(forms.Form):
    day = PlausibleDateField(
        label=_("Wedding date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"required": _("Please enter a date.")},
    )
