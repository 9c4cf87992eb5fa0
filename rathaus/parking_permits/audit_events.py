"""The parking-permit module's audit events: one function each, and the sentence staff read
(registered with `rathaus.audit.registry`). Entries never carry an applicant's name, address
or plate; the object label is the application's reference or the permit's number."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.audit.models import AuditEntry
from rathaus.audit.registry import event_register
from rathaus.audit.services import audit_record

from .constants import ApplicationKind

event_register("parking.application.submitted", _("The application was submitted online."))
event_register(
    "parking.application.decided_automatically",
    _("Every check passed: approved automatically (§ 46 Abs. 5 StVO)."),
)
event_register("parking.application.referred", _("Sent to a case worker; reasons: %(reasons)s."))
event_register("parking.application.approved", _("%(actor)s approved the application."))
event_register("parking.application.refused", _("%(actor)s refused the application."))
event_register("parking.application.erased", _("%(actor)s erased the personal data."))
event_register(
    "parking.payment.recorded", _("%(actor)s recorded a payment of %(amount)s € (%(source)s).")
)
event_register("parking.permit.issued", _("Permit %(number)s was issued."))
event_register("parking.permit.revoked", _("%(actor)s revoked the permit."))
event_register(
    "parking.visitor.bought",
    _("Visitor day permit %(number)s for %(days)s day(s) was bought and billed."),
)
event_register(
    "parking.visitor.cancelled", _("The holder cancelled visitor day permit %(number)s.")
)
event_register("parking.zone.updated", _("%(actor)s changed the zone."))


def _segment_shown(data: dict[str, Any], shown: dict[str, str]) -> dict[str, str]:
    """The segment in the reader's language: the side's label is stored in English."""
    if not {"street", "first_number", "last_number", "side"} <= data.keys():
        return {}
    side = gettext(str(data["side"]))
    return {"segment": f"{data['street']} {data['first_number']}–{data['last_number']} ({side})"}


event_register(
    "parking.segment.created",
    _("%(actor)s added %(segment)s to the zone."),
    values=_segment_shown,
)
event_register(
    "parking.segment.updated",
    _("%(actor)s changed %(segment)s of the zone."),
    values=_segment_shown,
)
event_register(
    "parking.segment.deleted",
    _("%(actor)s removed %(segment)s from the zone."),
    values=_segment_shown,
)
event_register(
    "parking.fee.created",
    _("%(actor)s added the fee %(kind)s of %(amount)s € from %(valid_from)s."),
)
event_register(
    "parking.register.imported",
    _("%(actor)s imported the %(register)s register extract (%(rows)s rows)."),
)
event_register(
    "parking.statement.imported",
    _("%(actor)s imported a bank statement: %(matched)s of %(rows)s entries matched."),
)
event_register("parking.key.created", _("%(actor)s created signing key %(key_id)s."))


# --- Renewal and change of plate (docs/parking-permits.md) ------------------------------------
_AUTO_RENEW_STATES = {"on": _("on"), "off": _("off")}
_REMINDER_STAGES = {"early": _("six weeks before the end"), "late": _("one week before the end")}


def _follow_up_shown(data: dict[str, Any], shown: dict[str, str]) -> dict[str, str]:
    """The kind (stored as its value) in the reader's language."""
    kind = str(data.get("kind", ""))
    labels = dict(ApplicationKind.choices)
    return {"kind": str(labels.get(kind, kind))}


def _stage_shown(data: dict[str, Any], shown: dict[str, str]) -> dict[str, str]:
    return {"stage": str(_REMINDER_STAGES.get(str(data.get("stage")), ""))}


def _auto_renew_shown(data: dict[str, Any], shown: dict[str, str]) -> dict[str, str]:
    return {"state": str(_AUTO_RENEW_STATES.get(str(data.get("state")), ""))}


event_register(
    "parking.follow_up.submitted",
    _("Applied for online: %(kind)s of permit %(number)s."),
    values=_follow_up_shown,
)
event_register(
    "parking.permit.replaced", _("Replaced by permit %(number)s (new licence plate): revoked.")
)
event_register(
    "parking.permit.reminded", _("Renewal reminder sent (%(stage)s)."), values=_stage_shown
)
event_register(
    "parking.permit.auto_renew",
    _("The holder switched automatic renewal %(state)s."),
    values=_auto_renew_shown,
)


def application_submitted(application: Model) -> AuditEntry:
    return audit_record(code="parking.application.submitted", obj=application)


def application_decided_automatically(application: Model, checks: dict[str, bool]) -> AuditEntry:
    return audit_record(
        code="parking.application.decided_automatically", obj=application, checks=checks
    )


def application_referred(application: Model, reasons: list[str]) -> AuditEntry:
    return audit_record(
        code="parking.application.referred", obj=application, reasons=", ".join(reasons)
    )


def application_approved(application: Model, *, actor: Any) -> AuditEntry:
    return audit_record(code="parking.application.approved", obj=application, actor=actor)


def application_refused(application: Model, *, actor: Any) -> AuditEntry:
    return audit_record(code="parking.application.refused", obj=application, actor=actor)


def application_erased(application: Model, *, actor: Any) -> AuditEntry:
    return audit_record(code="parking.application.erased", obj=application, actor=actor)


def payment_recorded(application: Model, *, actor: Any, amount: Decimal, source: str) -> AuditEntry:
    return audit_record(
        code="parking.payment.recorded",
        obj=application,
        actor=actor,
        amount=str(amount),
        source=source,
    )


def permit_issued(permit: Model, *, number: str) -> AuditEntry:
    return audit_record(code="parking.permit.issued", obj=permit, number=number)


def permit_revoked(permit: Model, *, actor: Any) -> AuditEntry:
    return audit_record(code="parking.permit.revoked", obj=permit, actor=actor)


def visitor_permit_bought(permit: Any, *, days: int) -> AuditEntry:
    return audit_record(code="parking.visitor.bought", obj=permit, number=permit.number, days=days)


def visitor_permit_cancelled(permit: Any) -> AuditEntry:
    return audit_record(code="parking.visitor.cancelled", obj=permit, number=permit.number)


def zone_updated(zone: Model, *, actor: Any, changes: list[dict[str, Any]]) -> AuditEntry:
    return audit_record(code="parking.zone.updated", obj=zone, actor=actor, changes=changes)


Snapshot = dict[str, dict[str, Any]]


def segment_values(values: Snapshot) -> dict[str, Any]:
    """The segment's street, numbers and side (English label) from its snapshot, and the
    whole as `Brauerstraße 1–29 (odd numbers)`."""
    parts = {name: values[name]["value"] for name in ("street", "first_number", "last_number")}
    parts["side"] = values["side"]["value"]
    parts["segment"] = (
        f"{parts['street']} {parts['first_number']}–{parts['last_number']} ({parts['side']})"
    )
    return parts


def _fields(before: Snapshot | None, after: Snapshot | None) -> list[dict[str, Any]]:
    """Every field with its value before and after (None for a segment added or removed)."""
    names = (before or after or {}).keys()
    return [
        {
            "field": name,
            "label": (before or after or {})[name]["label"],
            "before": before[name]["value"] if before else None,
            "after": after[name]["value"] if after else None,
        }
        for name in names
    ]


def segment_created(zone: Model, *, actor: Any, after: Snapshot) -> AuditEntry:
    return audit_record(
        code="parking.segment.created",
        obj=zone,
        actor=actor,
        **segment_values(after),
        changes=_fields(None, after),
    )


def segment_updated(
    zone: Model, *, actor: Any, before: Snapshot, after: Snapshot, changes: list[dict[str, Any]]
) -> AuditEntry:
    return audit_record(
        code="parking.segment.updated",
        obj=zone,
        actor=actor,
        **segment_values(before),
        changes=changes,
    )


def segment_deleted(zone: Model, *, actor: Any, before: Snapshot) -> AuditEntry:
    return audit_record(
        code="parking.segment.deleted",
        obj=zone,
        actor=actor,
        **segment_values(before),
        changes=_fields(before, None),
    )


def fee_created(fee: Any, *, actor: Any) -> AuditEntry:
    return audit_record(
        code="parking.fee.created",
        obj=fee,
        actor=actor,
        kind=fee.kind,
        amount=str(fee.amount),
        valid_from=fee.valid_from,
    )


def register_imported(obj: Model, *, actor: Any, register: str, rows: int) -> AuditEntry:
    return audit_record(
        code="parking.register.imported", obj=obj, actor=actor, register=register, rows=rows
    )


def key_created(key: Any, *, actor: Any) -> AuditEntry:
    return audit_record(code="parking.key.created", obj=key, actor=actor, key_id=key.key_id)


def statement_imported(run: Any, *, actor: Any) -> AuditEntry:
    return audit_record(
        code="parking.statement.imported", obj=run, actor=actor, rows=run.rows, matched=run.matched
    )


# --- Renewal and change of plate --------------------------------------------------------------


def follow_up_submitted(application: Model, *, kind: str, number: str) -> AuditEntry:
    """`kind`: ApplicationKind value (renewal, plate_change)."""
    return audit_record(
        code="parking.follow_up.submitted", obj=application, kind=kind, number=number
    )


def permit_replaced(permit: Model, *, number: str) -> AuditEntry:
    return audit_record(code="parking.permit.replaced", obj=permit, number=number)


def permit_reminded(permit: Model, *, stage: str) -> AuditEntry:
    return audit_record(code="parking.permit.reminded", obj=permit, stage=stage)


def permit_auto_renew(permit: Model, *, on: bool) -> AuditEntry:
    return audit_record(code="parking.permit.auto_renew", obj=permit, state="on" if on else "off")


# --- Changes by the holder, charges and refunds ---------------------------------------------

event_register(
    "parking.charge.billed", _("A charge of %(amount)s € (%(kind)s) was billed to the holder.")
)
event_register(
    "parking.charge.paid", _("%(actor)s recorded a payment of %(amount)s € (%(source)s).")
)
event_register(
    "parking.permit.temporary_issued",
    _(
        "Temporary permit for a replacement vehicle of permit %(parent)s, "
        "%(days)s days (%(reason)s)."
    ),
)
event_register("parking.permit.ended", _("%(actor)s ended the permit: %(reason)s."))
event_register(
    "parking.permit.reprinted", _("Reprint of permit %(old)s (reported lost or damaged).")
)
event_register(
    "parking.permit.cancelled", _("The holder ends the permit on %(ends_on)s: %(reason)s.")
)
event_register(
    "parking.refund.requested",
    _("The holder asked for a refund of %(amount)s € (permit %(permit)s)."),
)
event_register("parking.refund.paid", _("%(actor)s marked the refund of %(amount)s € paid out."))
event_register(
    "parking.permit.move_out_flagged",
    _("Not registered in the zone any more (register import): the permit ends on %(ends_on)s."),
)
event_register("parking.permit.move_out_cleared", _("%(actor)s cleared the move-out flag."))


def charge_billed(charge: Model, *, amount: Decimal, kind: str) -> AuditEntry:
    return audit_record(code="parking.charge.billed", obj=charge, amount=str(amount), kind=kind)


def charge_paid(charge: Model, *, actor: Any, amount: Decimal, source: str) -> AuditEntry:
    return audit_record(
        code="parking.charge.paid", obj=charge, actor=actor, amount=str(amount), source=source
    )


def temporary_issued(permit: Model, *, parent: str, reason: str, days: int) -> AuditEntry:
    return audit_record(
        code="parking.permit.temporary_issued", obj=permit, parent=parent, reason=reason, days=days
    )


def permit_ended(permit: Model, *, actor: Any, reason: str) -> AuditEntry:
    return audit_record(code="parking.permit.ended", obj=permit, actor=actor, reason=str(reason))


def permit_reprinted(permit: Model, *, old: str, damaged: bool) -> AuditEntry:
    return audit_record(code="parking.permit.reprinted", obj=permit, old=old, damaged=damaged)


def permit_cancelled(permit: Model, *, ends_on: Any, reason: str) -> AuditEntry:
    return audit_record(
        code="parking.permit.cancelled", obj=permit, ends_on=ends_on, reason=str(reason)
    )


def refund_requested(refund: Model, *, permit: str, amount: Decimal) -> AuditEntry:
    return audit_record(
        code="parking.refund.requested", obj=refund, permit=permit, amount=str(amount)
    )


def refund_paid(refund: Model, *, actor: Any, amount: Decimal) -> AuditEntry:
    return audit_record(code="parking.refund.paid", obj=refund, actor=actor, amount=str(amount))


def move_out_flagged(permit: Model, *, actor: Any, ends_on: Any) -> AuditEntry:
    return audit_record(
        code="parking.permit.move_out_flagged", obj=permit, actor=actor, ends_on=ends_on
    )


def move_out_cleared(permit: Model, *, actor: Any) -> AuditEntry:
    return audit_record(code="parking.permit.move_out_cleared", obj=permit, actor=actor)
