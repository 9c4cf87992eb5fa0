"""Changes by the holder of a resident permit (issue 17): a temporary permit for a replacement
vehicle, a reprint of a lost or damaged permit, cancellation with a pro-rata refund, and a move
out of the zone — reported by the holder or found when staff import a new extract of the
population register. Refunds are paid out by the cash office and marked here.

Dates: `ends_on` is the first day without the permit; the job `parking_permits_ended` revokes
a permit on that day (Berlin's calendar). A permit whose end is set but not yet reached carries
the reason in `end_reason` already (revoked_at still empty).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.mail import mail_send_on_commit

from .. import audit_events as audit
from .. import selectors
from ..addresses import house_number_parse
from ..constants import EndReason, FeeKind, PermitKind, RefundStatus, Residence, Status
from ..links import status_url
from ..models import Permit, Refund
from ..refund_rules import IbanInvalid, RefundFigure, iban_normalize, refund_figure
from ..registers import population_register
from .charges import charge_bill
from .permits import permit_mail, permit_sign_new

DEFAULT_TEMPORARY_MAX_DAYS = 28
DEFAULT_MOVE_OUT_NOTICE_DAYS = 28
# A paid-out refund keeps its IBAN this long (a transfer returned by the bank is paid again),
# then account holder and IBAN are erased; the cash office's books keep the payment.
REFUND_ACCOUNT_RETENTION_DAYS = 30


def temporary_max_days() -> int:
    return int(getattr(settings, "PARKING_TEMPORARY_MAX_DAYS", DEFAULT_TEMPORARY_MAX_DAYS))


def move_out_notice_days() -> int:
    return int(getattr(settings, "PARKING_MOVE_OUT_NOTICE_DAYS", DEFAULT_MOVE_OUT_NOTICE_DAYS))


class ChangeRejected(ValueError):
    """A change that cannot be made; `message` is for the holder, `field` the form field."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _locked(permit: Permit) -> Permit:
    return (
        Permit.objects.select_for_update().select_related("zone", "application").get(pk=permit.pk)
    )


def _end(permit: Permit, *, reason: str, now: datetime, actor: Any, dependants: bool) -> None:
    """Revoke a locked permit now (its code stops verifying as valid at once) and, with
    `dependants`, its temporary and visitor permits still running."""
    permit.revoked_at = now
    permit.end_reason = reason
    permit.save(update_fields=["revoked_at", "end_reason"])
    audit.permit_ended(permit, actor=actor, reason=EndReason(reason).label)
    if dependants:
        Permit.objects.filter(parent=permit, revoked_at__isnull=True).update(
            revoked_at=now, end_reason=reason
        )


def _holder_permit(permit: Permit, today: date) -> None:
    if permit.kind != PermitKind.RESIDENT or permit.application.status != Status.ISSUED:
        raise ChangeRejected(None, _("Only an issued resident permit can be changed."))
    if permit.revoked_at is not None or permit.valid_until < today:
        raise ChangeRejected(None, _("This permit is no longer valid."))


# --- Temporary permit for a replacement vehicle ----------------------------------------------


def temporary_issue(
    *, permit: Permit, plate: str, starts: date, days: int, reason: str, now: datetime
) -> Permit:
    """Issue at once a short-lived permit for a replacement vehicle (repair, rental) inside the
    resident permit's validity; bill the fee if one is set above zero."""
    today = timezone.localdate(now)
    limit = temporary_max_days()
    with transaction.atomic():
        permit = _locked(permit)
        _holder_permit(permit, today)
        if not 1 <= days <= limit:
            raise ChangeRejected("days", _("Between 1 and %(limit)s days.") % {"limit": limit})
        if starts < today or starts < permit.valid_from:
            raise ChangeRejected("starts", _("The first day cannot lie in the past."))
        until = starts + timedelta(days=days - 1)
        last = permit.valid_until
        if permit.ends_on is not None:
            last = min(last, permit.ends_on - timedelta(days=1))
        if until > last:
            raise ChangeRejected("days", _("The temporary permit must end with your permit."))
        if plate == permit.plate:
            raise ChangeRejected("plate", _("This is the plate of your permit."))
        if selectors.temporary_permit_current(permit, today) is not None:
            raise ChangeRejected(None, _("There is already a temporary permit."))
        application = permit.application
        rule = selectors.fee_rule_on(FeeKind.TEMPORARY, today)
        amount = rule.amount if rule is not None else Decimal("0.00")
        temporary = permit_sign_new(
            application=application,
            kind=PermitKind.TEMPORARY,
            parent=permit,
            zone=permit.zone,
            plate=plate,
            valid_from=starts,
            valid_until=until,
            fee_rule=rule,
            amount=amount,
            now=now,
        )
        audit.temporary_issued(temporary, parent=permit.number, reason=reason, days=days)
        permit_mail(
            application,
            temporary,
            template_prefix="parking_permits/email/temporary_issued",
            context={"parent": permit},
        )
        if amount > 0:
            charge_bill(
                application=application,
                permit=temporary,
                kind=FeeKind.TEMPORARY,
                amount=amount,
                fee_rule=rule,
                now=now,
            )
    return temporary


def temporary_end(*, temporary: Permit, now: datetime) -> Permit:
    """The holder ends the temporary permit early (the own car is back)."""
    with transaction.atomic():
        temporary = _locked(temporary)
        if temporary.kind != PermitKind.TEMPORARY:
            raise ChangeRejected(None, _("This is not a temporary permit."))
        if temporary.revoked_at is None:
            _end(temporary, reason=EndReason.CANCELLED, now=now, actor=None, dependants=False)
    return temporary


# --- Reprint of a lost or damaged permit ------------------------------------------------------


def permit_reprint(*, permit: Permit, damaged: bool, now: datetime) -> Permit:
    """The old permit is revoked at once (reported lost: it reaches the revocation list); a new
    one with a new number and code, the same plate, zone and validity replaces it. The
    replacement fee is billed."""
    today = timezone.localdate(now)
    with transaction.atomic():
        old = _locked(permit)
        _holder_permit(old, today)
        if old.ends_on is not None:
            raise ChangeRejected(None, _("This permit is ending; please contact the office."))
        new = permit_sign_new(
            application=old.application,
            plate=old.plate,
            zone=old.zone,
            valid_from=old.valid_from,
            valid_until=old.valid_until,
            fee_rule=old.fee_rule,
            amount=old.amount,
            replaces=old,
            now=now,
        )
        if old.auto_renew:
            new.auto_renew = True
            new.save(update_fields=["auto_renew"])
        _end(old, reason=EndReason.LOST, now=now, actor=None, dependants=False)
        # temporary and visitor permits still running belong to the new permit from now on
        Permit.objects.filter(parent=old, revoked_at__isnull=True).update(parent=new)
        audit.permit_reprinted(new, old=old.number, damaged=damaged)
        permit_mail(
            old.application,
            new,
            template_prefix="parking_permits/email/permit_reprinted",
            context={"old": old},
        )
        rule = selectors.fee_rule_on(FeeKind.REPLACEMENT, today)
        if rule is not None and rule.amount > 0:
            charge_bill(
                application=old.application,
                permit=new,
                kind=FeeKind.REPLACEMENT,
                amount=rule.amount,
                fee_rule=rule,
                now=now,
            )
    return new


# --- Cancellation and refund ------------------------------------------------------------------


def refund_preview(permit: Permit, ends: date) -> RefundFigure:
    return refund_figure(
        fee=permit.amount, valid_from=permit.valid_from, valid_until=permit.valid_until, ends=ends
    )


def _ended_on(permit: Permit) -> date | None:
    """The day a permit ended by a move out stopped (for a refund asked for afterwards)."""
    if permit.revoked_at is not None and permit.end_reason == EndReason.MOVED_OUT:
        return timezone.localdate(permit.revoked_at)
    return None


def refundable_after_move_out(permit: Permit) -> bool:
    return _ended_on(permit) is not None and selectors.refund_of(permit) is None


def permit_cancel(
    *,
    permit: Permit,
    ends: date,
    moved_out: bool,
    account_holder: str,
    iban: str,
    now: datetime,
) -> Refund | None:
    """The holder gives the permit back from `ends` on (today: at once) — or reports moving out
    of the zone on that day. The unused whole months are refunded (`refund_rules`): with an
    amount above zero a refund to the IBAN given is opened for the cash office."""
    today = timezone.localdate(now)
    with transaction.atomic():
        permit = _locked(permit)
        if selectors.refund_of(permit) is not None:
            raise ChangeRejected(None, _("A refund was already requested for this permit."))
        ended = _ended_on(permit)
        if ended is not None:  # ended by a move out before the holder asked for the refund
            ends, reason = ended, EndReason.MOVED_OUT
        else:
            _holder_permit(permit, today)
            if permit.ends_on is not None and permit.move_out_flagged_at is None:
                raise ChangeRejected(None, _("This permit is already cancelled."))
            last = permit.ends_on or (permit.valid_until + timedelta(days=1))
            if not today <= ends <= last:
                raise ChangeRejected("ends", _("The day must lie within the permit's validity."))
            flagged = permit.move_out_flagged_at is not None
            reason = EndReason.MOVED_OUT if moved_out or flagged else EndReason.CANCELLED
        figure = refund_preview(permit, ends)
        refund = None
        if figure.amount > 0:
            try:
                clean_iban = iban_normalize(iban)
            except IbanInvalid as error:
                raise ChangeRejected("iban", error.message) from None
            if not account_holder.strip():
                raise ChangeRejected("account_holder", _("Please name the account holder."))
            refund = Refund.objects.create(
                permit=permit,
                amount=figure.amount,
                account_holder=account_holder.strip()[:140],
                iban=clean_iban,
            )
            audit.refund_requested(refund, permit=permit.number, amount=figure.amount)
        if ended is None:
            if ends <= today:
                _end(permit, reason=reason, now=now, actor=None, dependants=True)
            else:
                permit.ends_on = ends
                permit.end_reason = reason
                permit.move_out_flagged_at = None  # the holder has answered the flag
                permit.save(update_fields=["ends_on", "end_reason", "move_out_flagged_at"])
                audit.permit_cancelled(permit, ends_on=ends, reason=EndReason(reason).label)
        _cancel_mail(permit, ends=ends, figure=figure, refund=refund, reason=reason)
    return refund


def _cancel_mail(
    permit: Permit, *, ends: date, figure: RefundFigure, refund: Refund | None, reason: str
) -> None:
    application = permit.application
    mail_send_on_commit(
        to=application.email,
        template_prefix="parking_permits/email/permit_cancelled",
        context={
            "application": application,
            "permit": permit,
            "ends": ends,
            "figure": figure,
            "refund": refund,
            "moved_out": reason == EndReason.MOVED_OUT,
            "status_url": status_url(application),
        },
        language=application.language,
    )


def refund_paid(*, refund: Refund, actor: Any, now: datetime) -> Refund:
    """The cash office paid the refund out (marked by staff; audited)."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("permit").get(pk=refund.pk)
        if refund.status != RefundStatus.PAID:
            refund.status = RefundStatus.PAID
            refund.paid_at = now
            refund.paid_by = actor if getattr(actor, "pk", None) else None
            refund.save(update_fields=["status", "paid_at", "paid_by"])
            audit.refund_paid(refund, actor=actor, amount=refund.amount)
    return refund


def refunds_account_erase(*, now: datetime) -> int:
    """Job: account holder and IBAN of refunds paid out more than 30 days ago are erased."""
    before = now - timedelta(days=REFUND_ACCOUNT_RETENTION_DAYS)
    return (
        Refund.objects.filter(status=RefundStatus.PAID, paid_at__lt=before)
        .exclude(iban="")
        .update(iban="", account_holder="–")
    )


# --- Moving out of the zone -------------------------------------------------------------------


def _lives_in_zone(permit: Permit, index: selectors.AddressIndex) -> bool:
    application = permit.application
    records = population_register().residents(
        given_name=application.given_name,
        family_name=application.family_name,
        birth_date=application.birth_date,
    )
    for record in records:
        if permit.zone.residence == Residence.MAIN and record.residence != "main":
            continue
        street = index.streets.get(record.street_key)
        number = house_number_parse(record.house_number)
        if street is None or number is None:
            continue
        zone = selectors.zone_for_address(street, number[0], index)
        if zone is not None and zone.pk == permit.zone_id:
            return True
    return False


def move_out_check(*, now: datetime, actor: Any = None) -> int:
    """After an import of the population register: flag every valid resident permit whose
    holder is no longer registered inside the permit's zone; the permit ends after the notice
    period and the holder is told by e-mail. Returns how many were flagged."""
    today = timezone.localdate(now)
    ends = today + timedelta(days=move_out_notice_days())
    flagged = 0
    index = selectors.address_index()  # once: inside the import's transaction it is not cached
    for permit in selectors.resident_permits_to_check(today):
        if _lives_in_zone(permit, index):
            continue
        with transaction.atomic():
            permit = _locked(permit)
            if permit.revoked_at is not None or permit.ends_on is not None:
                continue
            permit.move_out_flagged_at = now
            permit.ends_on = ends
            permit.end_reason = EndReason.MOVED_OUT
            permit.save(update_fields=["move_out_flagged_at", "ends_on", "end_reason"])
            audit.move_out_flagged(permit, actor=actor, ends_on=ends)
            _move_out_mail(permit)
        flagged += 1
    return flagged


def _move_out_mail(permit: Permit) -> None:
    application = permit.application
    mail_send_on_commit(
        to=application.email,
        template_prefix="parking_permits/email/move_out_flagged",
        context={
            "application": application,
            "permit": permit,
            "status_url": status_url(application),
        },
        language=application.language,
    )


def move_out_clear(*, permit: Permit, actor: Any, now: datetime) -> Permit:
    """Staff found the holder still lives in the zone (e.g. an error of the register)."""
    with transaction.atomic():
        permit = _locked(permit)
        if permit.move_out_flagged_at is not None and permit.revoked_at is None:
            permit.move_out_flagged_at = None
            permit.ends_on = None
            permit.end_reason = ""
            permit.save(update_fields=["move_out_flagged_at", "ends_on", "end_reason"])
            audit.move_out_cleared(permit, actor=actor)
    return permit


def move_out_end_now(*, permit: Permit, actor: Any, now: datetime) -> Permit:
    """Staff end a flagged permit at once instead of after the notice period."""
    with transaction.atomic():
        permit = _locked(permit)
        if permit.revoked_at is None:
            _end(permit, reason=EndReason.MOVED_OUT, now=now, actor=actor, dependants=True)
    return permit


def permits_ended(*, now: datetime) -> int:
    """Job `parking_permits_ended`: revoke every permit whose end day has come (cancelled for a
    later day, or flagged as moved out after the notice period). Idempotent; two runs at once
    wait for each other's row lock and the second finds the permit revoked."""
    today = timezone.localdate(now)
    done = 0
    due = Permit.objects.filter(revoked_at__isnull=True, ends_on__lte=today).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            permit = Permit.objects.select_for_update().get(pk=pk)
            if permit.revoked_at is not None or permit.ends_on is None or permit.ends_on > today:
                continue
            reason = permit.end_reason or EndReason.CANCELLED
            _end(permit, reason=reason, now=now, actor=None, dependants=True)
            done += 1
    return done
