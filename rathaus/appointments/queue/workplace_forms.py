"""Forms of the clerk's workplace and the information desk."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.appointments.models import Counter, Service


class MoveForm(forms.Form):
    counter = forms.ModelChoiceField(
        label=_("To counter"), queryset=Counter.objects.none(), required=False
    )
    services = forms.MultipleChoiceField(
        label=_("Or other services"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, counters: list[Counter], services: list[Service], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["counter"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Counter.objects.filter(pk__in=[counter.pk for counter in counters])
        field.empty_label = _("(the same queue)")
        field.label_from_instance = lambda counter: counter.name  # type: ignore[method-assign]
        self.fields["services"].choices = [(s.slug, s.name) for s in services]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("counter") and not data.get("services"):
            raise forms.ValidationError(_("Please choose a counter or other services."))
        return data


class ReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("Appointment reference"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class PersonForm(forms.Form):
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        help_text=_("For example 01.05.1990"),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"autocomplete": "off"}),
    )


class WalkInForm(forms.Form):
    services = forms.MultipleChoiceField(
        label=_("Services"), choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, services: list[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [(s.slug, s.name) for s in services]  # type: ignore[attr-defined]
