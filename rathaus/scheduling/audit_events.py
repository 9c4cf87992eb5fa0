"""The scheduling app's audit events: closures, weekly rules and extra openings of any owner
(a venue, a registrar, the policy row for global closures), with their sentences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from rathaus.audit.models import AuditEntry
from rathaus.audit.registry import event_register
from rathaus.audit.services import audit_record, changes, snapshot

__all__ = [  # availability services use the generic helpers through this module as `audit.<name>`
    "changes",
    "closure_created",
    "closure_deleted",
    "extra_opening_created",
    "extra_opening_deleted",
    "snapshot",
    "weekly_rule_created",
    "weekly_rule_deleted",
    "weekly_rule_updated",
]

event_register(
    "scheduling.closure.created",
    _("%(actor)s blocked the time from %(start)s to %(end)s (%(reason)s)."),
)
event_register(
    "scheduling.closure.deleted",
    _("%(actor)s removed the block from %(start)s to %(end)s (%(reason)s)."),
)
event_register("scheduling.rule.created", _("%(actor)s added the weekly rule %(rule)s."))
event_register("scheduling.rule.updated", _("%(actor)s changed the weekly rule %(rule)s."))
event_register("scheduling.rule.deleted", _("%(actor)s removed the weekly rule %(rule)s."))
event_register(
    "scheduling.extra_opening.created", _("%(actor)s opened extra capacity: %(opening)s.")
)
event_register(
    "scheduling.extra_opening.deleted", _("%(actor)s removed the extra capacity %(opening)s.")
)


def closure_created(
    *, actor: Any, owner: Model, start: datetime, end: datetime, reason: str
) -> AuditEntry:
    """A block or absence on `owner` (venue, registrar or the policy row for global closures)."""
    return audit_record(
        code="scheduling.closure.created",
        obj=owner,
        actor=actor,
        start=start,
        end=end,
        reason=reason,
    )


def closure_deleted(
    *, actor: Any, owner: Model, start: datetime, end: datetime, reason: str
) -> AuditEntry:
    return audit_record(
        code="scheduling.closure.deleted",
        obj=owner,
        actor=actor,
        start=start,
        end=end,
        reason=reason,
    )


def weekly_rule_created(*, actor: Any, owner: Model, rule: str) -> AuditEntry:
    return audit_record(code="scheduling.rule.created", obj=owner, actor=actor, rule=rule)


def weekly_rule_updated(
    *, actor: Any, owner: Model, rule: str, changes: list[dict[str, Any]]
) -> AuditEntry:
    return audit_record(
        code="scheduling.rule.updated", obj=owner, actor=actor, rule=rule, changes=changes
    )


def weekly_rule_deleted(*, actor: Any, owner: Model, rule: str) -> AuditEntry:
    return audit_record(code="scheduling.rule.deleted", obj=owner, actor=actor, rule=rule)


def extra_opening_created(*, actor: Any, owner: Model, opening: str) -> AuditEntry:
    return audit_record(
        code="scheduling.extra_opening.created", obj=owner, actor=actor, opening=opening
    )


def extra_opening_deleted(*, actor: Any, owner: Model, opening: str) -> AuditEntry:
    return audit_record(
        code="scheduling.extra_opening.deleted", obj=owner, actor=actor, opening=opening
    )
