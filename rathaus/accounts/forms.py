from django import forms
from django.utils.translation import gettext_lazy as _


class PrivacyRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person"),
        max_length=254,
        help_text=_("The address they used for reservations or applications."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class PrivacyEraseForm(PrivacyRequestForm):
    identity_checked = forms.BooleanField(
        label=_("I have checked that the request comes from the person this address belongs to."),
        required=True,
    )
