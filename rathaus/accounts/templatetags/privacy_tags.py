"""`{% privacy_value value %}`: a JSON-ready value of an access request as nested HTML lists."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


def _render(value):
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        items = format_html_join(
            "", "<dt>{}</dt><dd>{}</dd>", ((key, _render(item)) for key, item in value.items())
        )
        return format_html('<dl class="facts">{}</dl>', items)
    if isinstance(value, list):
        items = format_html_join("", "<li>{}</li>", ((_render(item),) for item in value))
        return format_html("<ol>{}</ol>", items)
    return format_html("{}", value)


@register.simple_tag
def privacy_value(value):
    return _render(value)
