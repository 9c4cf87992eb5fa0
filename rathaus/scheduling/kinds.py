"""Resource kinds are data a domain registers, not a list the core must edit.

Each domain app registers its kinds in `AppConfig.ready()` (weddings: ceremony room and
registrar); `Resource.clean()` and the admin accept only registered kinds.
"""

from __future__ import annotations

from django.utils.functional import Promise

_KINDS: dict[str, str | Promise] = {}


def resource_kind_register(slug: str, label: str | Promise) -> None:
    """Make `slug` a kind of resource; registering the same slug again replaces its label."""
    _KINDS[slug] = label


def resource_kinds() -> list[tuple[str, str | Promise]]:
    """(slug, label) of every registered kind, for form choices."""
    return sorted(_KINDS.items())


def resource_kind_known(slug: str) -> bool:
    return slug in _KINDS


def resource_kind_label(slug: str) -> str | Promise:
    return _KINDS.get(slug, slug)
