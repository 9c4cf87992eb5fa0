"""Issuing permits (decided and paid), their signed code, the e-mail with the PDF, and keys."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from rathaus.core.mail import Attachment, mail_send_on_commit
from rathaus.core.references import reference_draw, reference_unique

from .. import audit_events as audit
from .. import selectors
from ..constants import (
    PERMIT_PREFIX,
    PERMIT_YEARS,
    ApplicationKind,
    EndReason,
    PermitKind,
    Status,
)
from ..follow_up_selectors import (
    period_end,
    permit_lineage,
    plate_change_period,
    renewal_period,
)
from ..links import check_url, status_url
from ..models import Application, Permit, SigningKey, Zone
from ..pdf import PermitSheet, permit_pdf
from ..signing import PermitClaims, code_sign, keypair_new


def signing_key_create(*, actor: Any = None) -> SigningKey:
    """A new key that signs from now on; the old one stays published for existing permits."""
    pair = keypair_new()
    with transaction.atomic():
        SigningKey.objects.filter(active=True).update(active=False, retired_at=timezone.now())
        key = SigningKey.objects.create(
            key_id=pair.key_id, public_key=pair.public, private_key=pair.private, active=True
        )
        audit.key_created(key, actor=actor)
    return key


def _active_key() -> SigningKey:
    return selectors.signing_key_active() or signing_key_create()


def permit_sheet(permit: Permit) -> PermitSheet:
    return PermitSheet(
        number=permit.number,
        plate=permit.plate,
        zone=permit.zone.name,
        valid_from=permit.valid_from,
        valid_until=permit.valid_until,
        check_url=check_url(permit.code),
        display_required=permit.zone.display_required,
        temporary=permit.kind == PermitKind.TEMPORARY,
    )


def _validity(application: Application, start: date) -> tuple[date, date]:
    previous = application.previous_permit
    if previous is not None and application.kind == ApplicationKind.RENEWAL:
        years = PERMIT_YEARS[application.fee_kind]
        return renewal_period(previous_until=previous.valid_until, today=start, years=years)
    if previous is not None and application.kind == ApplicationKind.PLATE_CHANGE:
        return plate_change_period(previous_until=previous.valid_until, today=start)
    return start, period_end(start, PERMIT_YEARS[application.fee_kind])


def _number() -> str:
    return reference_unique(
        lambda: reference_draw(PERMIT_PREFIX, length=6),
        lambda number: Permit.objects.filter(number=number).exists(),
    )


def permit_sign_new(
    *,
    application: Application,
    plate: str,
    valid_from: date,
    valid_until: date,
    fee_rule: Any,
    amount: Any,
    now: datetime,
    kind: str = PermitKind.RESIDENT,
    parent: Permit | None = None,
    replaces: Permit | None = None,
    zone: Zone | None = None,
) -> Permit:
    """A new permit with its own number and signed code (inside the caller's transaction).
    Resident, temporary and reprinted permits are all made here."""
    zone = zone or application.zone
    key = _active_key()
    number = _number()
    claims = PermitClaims(number, plate, zone.slug, valid_from, valid_until)
    return Permit.objects.create(
        number=number,
        kind=kind,
        application=application,
        parent=parent,
        replaces=replaces,
        zone=zone,
        plate=plate,
        valid_from=valid_from,
        valid_until=valid_until,
        fee_rule=fee_rule,
        amount=amount,
        key_id=key.key_id,
        code=code_sign(claims, key_id=key.key_id, private_key=key.private_key),
        issued_at=now,
    )


def permit_issue(*, application: Application, now: datetime) -> Permit:
    """Issue the permit of an approved and paid application (inside the caller's transaction)
    and queue the e-mail with the PDF."""
    existing = selectors.permit_for_application(application)
    if existing is not None:
        return existing
    start, end = _validity(application, timezone.localdate(now))
    permit = permit_sign_new(
        application=application,
        plate=application.plate,
        valid_from=start,
        valid_until=end,
        fee_rule=application.fee_rule,
        amount=application.amount,
        now=now,
        replaces=application.previous_permit,
    )
    application.status = Status.ISSUED
    application.save(update_fields=["status", "updated_at"])
    audit.permit_issued(permit, number=permit.number)
    if application.kind == ApplicationKind.PLATE_CHANGE and permit.replaces is not None:
        _replaced_revoke(permit, now=now)
    permit_mail(application, permit)
    return permit


def _replaced_revoke(permit: Permit, *, now: datetime) -> None:
    """A new plate: the old permit (and a renewal of it not yet started) ends at once, so the
    revocation list for enforcement carries it."""
    assert permit.replaces is not None
    lineage = permit_lineage(permit.replaces)
    today = timezone.localdate(now)
    for old in Permit.objects.select_for_update().filter(
        pk__in=lineage, revoked_at__isnull=True, valid_until__gte=today
    ):
        old.revoked_at = now
        old.end_reason = EndReason.REPLACED
        old.save(update_fields=["revoked_at", "end_reason"])
        audit.permit_replaced(old, number=permit.number)


def permit_mail(
    application: Application,
    permit: Permit,
    *,
    template_prefix: str = "parking_permits/email/permit_issued",
    context: dict[str, Any] | None = None,
) -> None:
    """The e-mail with the permit's PDF (queued on commit), in the holder's language."""
    with translation.override(application.language):
        pdf = permit_pdf(permit_sheet(permit))
    mail_send_on_commit(
        to=application.email,
        template_prefix=template_prefix,
        context={
            "application": application,
            "permit": permit,
            "status_url": status_url(application),
            **(context or {}),
        },
        language=application.language,
        attachments=[
            Attachment(f"Bewohnerparkausweis-{permit.number}.pdf", pdf, "application/pdf")
        ],
    )


def permit_erase(*, application: Application) -> None:
    Permit.objects.filter(application=application).update(plate="–", code="")


def permit_revoke(*, permit: Permit, actor: Any, now: datetime) -> Permit:
    """Revoke a permit (moved out, vehicle sold, issued in error): its code stops verifying as
    valid at once on the check page."""
    with transaction.atomic():
        permit = Permit.objects.select_for_update().get(pk=permit.pk)
        if permit.revoked_at is None:
            permit.revoked_at = now
            permit.end_reason = EndReason.REVOKED
            permit.save(update_fields=["revoked_at", "end_reason"])
            # its temporary and visitor permits end with it
            Permit.objects.filter(parent=permit, revoked_at__isnull=True).update(
                revoked_at=now, end_reason=EndReason.REVOKED
            )
            audit.permit_revoked(permit, actor=actor)
    return permit
