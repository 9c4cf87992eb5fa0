"""Form fields shared by the services."""

from __future__ import annotations

from django import forms


class WholeNumberInput(forms.TextInput):
    """A whole number typed into a text field with a numeric keyboard.

    A `type=number` field cannot give back what was typed when it is not a number ("viele"):
    browsers drop it and the HTML is invalid. As text, a wrong entry comes back verbatim next
    to its error message, and nothing typed is lost.
    """

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})


class WholeNumberField(forms.IntegerField):
    widget = WholeNumberInput
