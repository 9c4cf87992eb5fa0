"""Visitor day permits: bought by the holder of a resident permit for a visitor's plate, issued
at once (one signed permit per purchase, bound to the plate), billed afterwards as a charge;
cancelled by the holder before the first day (docs/parking-permits.md, decision 0028)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rathaus.core.mail import Attachment, mail_send_on_commit

from .. import audit_events as audit
from .. import selectors
from ..constants import (
    VISITOR_MAX_DAYS,
    VISITOR_PLATE_RETENTION_DAYS,
    EndReason,
    FeeKind,
    PermitKind,
)
from ..epc import creditor
from ..links import status_url
from ..models import ZERO, Application, Charge, Permit
from ..pdf import PermitSheet, permit_pdf
from ..plates import plate_check
from .charges import charge_bill
from .permits import permit_sheet, permit_sign_new


class VisitorRejected(ValueError):
    """Why a purchase or a cancellation is refused; `field` names the form field, if any."""

    def __init__(self, field: str | None, message: Any) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def visitor_sheet(permit: Permit) -> PermitSheet:
    """The permit to print, titled as a visitor day permit with its days."""
    days = (permit.valid_until - permit.valid_from).days + 1
    parent = permit.parent.number if permit.parent is not None else ""
    subtitle = ngettext(
        "visitor of resident permit %(parent)s · %(days)s day",
        "visitor of resident permit %(parent)s · %(days)s days",
        days,
    ) % {"parent": parent, "days": days}
    return dataclasses.replace(
        permit_sheet(permit), title=str(_("Visitor day permit")), subtitle=subtitle
    )


def visitor_pdf(permit: Permit, language: str) -> bytes:
    with translation.override(language):
        return permit_pdf(visitor_sheet(permit))


def visitor_pdf_name(permit: Permit) -> str:
    return f"Besuchertagesausweis-{permit.number}.pdf"


def _check(
    *, application: Application, parent: Permit, plate: str, first: date, last: date, today: date
) -> None:
    """Every rule of a purchase, in the order the holder can fix them."""
    if parent.zone.visitor_day_fee is None:
        raise VisitorRejected(None, _("Your zone does not offer visitor day permits."))
    if parent.revoked_at is not None or not (
        parent.valid_from <= today <= selectors.resident_last_day(parent)
    ):
        raise VisitorRejected(None, _("Visitor day permits need a valid resident permit."))
    if selectors.charges_overdue_of(application, today):
        raise VisitorRejected(
            None,
            _(
                "A charge of yours is overdue. Please pay it first; then you can buy visitor "
                "day permits again."
            ),
        )
    if plate == parent.plate:
        raise VisitorRejected("plate", _("This is the plate of your own resident permit."))
    if first < today:
        raise VisitorRejected("first_day", _("The first day must not lie in the past."))
    if not 1 <= (last - first).days + 1 <= VISITOR_MAX_DAYS:
        raise VisitorRejected(
            "days", _("Choose between 1 and %(max)s days.") % {"max": VISITOR_MAX_DAYS}
        )
    resident_end = selectors.resident_last_day(parent)
    if last > resident_end:
        raise VisitorRejected(
            "days",
            _("All days must lie within your resident permit's validity (until %(end)s).")
            % {"end": formats.date_format(resident_end, "SHORT_DATE_FORMAT")},
        )
    for year in range(first.year, last.year + 1):
        wanted = selectors.visitor_days_in_year(first, last, year)
        left = selectors.visitor_days_remaining(parent, year)
        if wanted > left:
            raise VisitorRejected(
                "days",
                _("Only %(left)s visitor days are left for %(year)s.")
                % {"left": left, "year": year},
            )
    clash = [
        permit
        for permit in selectors.visitor_permits_of(parent)
        if permit.plate == plate
        and permit.revoked_at is None
        and permit.valid_from <= last
        and permit.valid_until >= first
    ]
    if clash:
        raise VisitorRejected(
            "first_day",
            _("You already hold visitor permit %(number)s for this plate on these days.")
            % {"number": clash[0].number},
        )


def visitor_permit_buy(
    *, application: Application, plate: str, first_day: date, days: int, now: datetime
) -> Permit:
    """Issue one visitor permit for `days` consecutive days from `first_day` for the visitor's
    plate (canonical form), bill days × the zone's fee, and send the PDF to the holder."""
    check = plate_check(plate)
    if check.plate is None or check.plate.canonical != plate:
        raise VisitorRejected("plate", _("This is not a valid German licence plate."))
    if days < 1:
        raise VisitorRejected(
            "days", _("Choose between 1 and %(max)s days.") % {"max": VISITOR_MAX_DAYS}
        )
    today = timezone.localdate(now)
    last_day = first_day + timedelta(days=days - 1)
    with transaction.atomic():
        resident = selectors.permit_for_application(application)
        if resident is None:
            raise VisitorRejected(None, _("Visitor day permits need a valid resident permit."))
        # One purchase at a time per resident permit: the yearly allowance cannot be overrun.
        parent = Permit.objects.select_for_update().select_related("zone").get(pk=resident.pk)
        _check(
            application=application,
            parent=parent,
            plate=plate,
            first=first_day,
            last=last_day,
            today=today,
        )
        fee = parent.zone.visitor_day_fee or ZERO  # set: checked above
        permit = permit_sign_new(
            application=application,
            kind=PermitKind.VISITOR,
            parent=parent,
            zone=parent.zone,
            plate=plate,
            valid_from=first_day,
            valid_until=last_day,
            fee_rule=None,
            amount=fee * days,
            now=now,
        )
        charge = charge_bill(
            application=application,
            permit=permit,
            kind=FeeKind.VISITOR_DAY,
            amount=permit.amount,
            fee_rule=None,
            now=now,
            notify=False,  # the permit's e-mail carries the payment details
        )
        audit.visitor_permit_bought(permit, days=days)
        _mail(application, permit, charge)
    return permit


def _mail(application: Application, permit: Permit, charge: Charge) -> None:
    mail_send_on_commit(
        to=application.email,
        template_prefix="parking_permits/email/visitor_permit_issued",
        context={
            "application": application,
            "permit": permit,
            "charge": charge,
            "creditor": creditor(),
            "days": (permit.valid_until - permit.valid_from).days + 1,
            "status_url": status_url(application),
        },
        language=application.language,
        attachments=[
            Attachment(
                visitor_pdf_name(permit),
                visitor_pdf(permit, application.language),
                "application/pdf",
            )
        ],
    )


def visitor_permit_cancel(*, application: Application, permit: Permit, now: datetime) -> Permit:
    """Cancel a visitor permit whose first day has not begun: it stops verifying at once and
    its unpaid charge drops to 0 € (cancelled). A paid one goes through the Bürgerbüro."""
    today = timezone.localdate(now)
    with transaction.atomic():
        permit = Permit.objects.select_for_update().get(pk=permit.pk)
        if permit.kind != PermitKind.VISITOR or permit.application_id != application.pk:
            raise VisitorRejected(None, _("This is not one of your visitor day permits."))
        if permit.revoked_at is not None:
            raise VisitorRejected(None, _("This visitor permit has already ended."))
        if permit.valid_from <= today:
            raise VisitorRejected(
                None, _("A visitor permit can only be cancelled before its first day.")
            )
        charge = selectors.charge_for_permit(permit)
        if charge is not None:
            charge = Charge.objects.select_for_update().get(pk=charge.pk)
        if charge is not None and charge.paid_at is not None:
            raise VisitorRejected(
                None,
                _(
                    "This visitor permit has already been paid. Please contact the Bürgerbüro "
                    "to cancel it and have the fee refunded."
                ),
            )
        permit.revoked_at = now
        permit.end_reason = EndReason.CANCELLED
        permit.save(update_fields=["revoked_at", "end_reason"])
        if charge is not None:
            charge.amount = ZERO
            charge.save(update_fields=["amount"])
        audit.visitor_permit_cancelled(permit)
    return permit


ERASED = "–"


def visitor_plates_erase(*, now: datetime) -> int:
    """The scheduled job `parking_visitor_plates`: the plate (and the signed code, which holds
    it) of every visitor permit whose last day is more than 30 days past. The purchase, its days
    and its charge stay for the accounts. One UPDATE: idempotent and safe twice at once."""
    cutoff = timezone.localdate(now) - timedelta(days=VISITOR_PLATE_RETENTION_DAYS)
    return (
        Permit.objects.filter(kind=PermitKind.VISITOR, valid_until__lt=cutoff)
        .exclude(plate=ERASED)
        .update(plate=ERASED, code="")
    )
