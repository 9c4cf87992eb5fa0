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


@register.simple_tag(takes_context=True)
def staff_session(context) -> dict | None:
    """Seconds until a signed-in session ends and how early to warn, set by the staff-session
    middleware; None for everyone else (reads no session, so public pages stay cacheable)."""
    from ..middleware import session_warning_lead

    request = context.get("request")
    remaining = getattr(request, "staff_session_remaining", None)
    if remaining is None:
        return None
    return {
        "remaining": int(remaining.total_seconds()),
        "lead": int(session_warning_lead().total_seconds()),
    }


@register.simple_tag(takes_context=True)
def staff_domains(context) -> list[dict]:
    """`{% staff_domains as domains %}`: the staff shell's domains the current user may use,
    each with its `url` and whether the page shown belongs to it (`current`)."""
    from ..staff_domains import staff_domains_for

    request = context.get("request")
    path = getattr(request, "path", "")
    return [
        {"domain": domain, "url": domain.url, "current": path.startswith(domain.url)}
        for domain in staff_domains_for(getattr(request, "user", None))
    ]
