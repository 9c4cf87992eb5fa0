"""The feedback form of the accessibility statement (BITV NRW: an electronic contact form)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.protection.forms import BotProtectionMixin

PROBLEM_MAX = 3000


class AccessibilityFeedbackForm(BotProtectionMixin, forms.Form):
    problem = forms.CharField(
        label=_("What does not work for you?"),
        help_text=_("For example: which part of the page, what you tried, which aid you use."),
        max_length=PROBLEM_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Please describe the barrier you met."),
            "max_length": _(
                "Please shorten your description to at most %(limit_value)d characters."
            ),
        },
    )
    page = forms.CharField(
        label=_("On which page?"),
        help_text=_("The address or the name of the page."),
        required=False,
        max_length=500,
        error_messages={
            "max_length": _("Please shorten the address to at most %(limit_value)d characters.")
        },
    )
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=200,
        error_messages={
            "max_length": _("Please shorten your name to at most %(limit_value)d characters.")
        },
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("Only if you would like an answer. We use it for nothing else."),
        required=False,
        error_messages={
            "invalid": _("Please enter an e-mail address like name@example.org."),
        },
    )

    def error_items(self) -> list[tuple[str, str]]:
        """(anchor, text) pairs for the error summary: every field error links to its field."""
        items = [("", str(error)) for error in self.non_field_errors()]
        for field in self:
            items += [(field.auto_id, str(error)) for error in field.errors]
        return items
