"""Contacts and link guards for templates of every app."""

from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.translation import get_language

from rathaus.core import contacts

register = template.Library()


@register.simple_tag
def city_contact() -> contacts.Contact:
    return contacts.city_contact()


@register.simple_tag
def city_name() -> str:
    name: str = settings.RATHAUS_CITY_NAME
    return name


@register.simple_tag
def registry_office_contact() -> contacts.Contact:
    return contacts.registry_office_contact()


@register.simple_tag
def accessibility_contact() -> contacts.Contact:
    return contacts.accessibility_contact()


@register.filter
def tel_href(number: str) -> str:
    return contacts.phone_href(number)


@register.filter
def live_url(url: str) -> str:
    """The URL if it leads somewhere: any absolute http(s) URL, or a path this site answers.

    A configured internal link to a page that does not exist (yet) becomes "", so the template
    can say so instead of linking into a 404.
    """
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return ""
    try:
        resolve(parts.path)
    except Resolver404:
        return ""
    return url


@register.simple_tag
def in_language(german: str, english: str) -> str:
    """The English text on English pages (never the German one); the German one otherwise."""
    return english if (get_language() or "de").startswith("en") else german
