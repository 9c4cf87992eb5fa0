"""The holder's forms on the status page: renewal (one or two years), a new licence plate
(the exact plate check of the application form) and automatic renewal on or off."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import FeeKind
from .forms import ErrorItemsMixin, PlateMixin, plate_choice_field, plate_field


class RenewalForm(ErrorItemsMixin, forms.Form):
    fee_kind = forms.ChoiceField(label=_("Period"), widget=forms.RadioSelect, choices=[])

    def __init__(self, *args: Any, fees: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fee_kind"].choices = [
            (fee.kind, f"{FeeKind(fee.kind).label}: {fee.amount} €") for fee in fees
        ]


class PlateChangeForm(PlateMixin, ErrorItemsMixin, forms.Form):
    plate = plate_field(_("New licence plate"))
    plate_choice = plate_choice_field()


class AutoRenewForm(forms.Form):
    state = forms.ChoiceField(choices=[("on", "on"), ("off", "off")])
