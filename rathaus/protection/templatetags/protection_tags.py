from django import template
from django.urls import reverse

from rathaus.protection.conf import protection_on

register = template.Library()


@register.inclusion_tag("protection/altcha_widget.html")
def altcha_widget():
    """The ALTCHA widget for the surrounding <form>; nothing when the protection is off."""
    if not protection_on():
        return {"enabled": False}
    return {"enabled": True, "challenge_url": reverse("api:altcha-challenge")}
