"""The feedback form of the accessibility statement (BITV NRW: an electronic contact form)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from . import guards

PROBLEM_MAX = 3000


class ProtectedFormMixin:
    """Gives a form `protect(request, scope=…, email=…)` against bots and floods.

    The guard is the one registered in `core.guards` (ALTCHA and rate limits of
    `rathaus.protection`, whose module docstring shows the whole use in a view). The template
    includes `form.protection_widget` inside the <form>.
    """

    protection_status: int | None = None
    protection_retry_after: int | None = None

    def protect(self, request: HttpRequest, *, scope: str, email: str | None = None) -> bool:
        """True when the submission may go on; otherwise a form error explains why not."""
        try:
            guards.submission_check(request, scope=scope, email=email)
        except guards.SubmissionRefused as refusal:
            self.add_error(None, refusal.message)  # type: ignore[attr-defined]  # on the form
            self.protection_status = refusal.status
            self.protection_retry_after = refusal.retry_after
            return False
        return True

    def protection_response(self, response: HttpResponse) -> HttpResponse:
        """The re-rendered form, with `Retry-After` when a rate limit refused it."""
        if self.protection_retry_after:
            response["Retry-After"] = str(self.protection_retry_after)
        return response

    @property
    def protection_widget(self) -> str:
        """The template of the widget the guard needs inside the form."""
        return guards.widget_template()


class AccessibilityFeedbackForm(ProtectedFormMixin, forms.Form):
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
