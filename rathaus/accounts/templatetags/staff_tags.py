"""`{% staff_roles as roles %}`: the role names of the current user, for navigation only.

Access is never decided in templates; every view passes its `access_*` gate.
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_roles(context) -> set[str]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return set()
    names = set(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        names.add("registry_office")
    return names
