"""Scheduled jobs of the Traukalender (cron lines: docs/runbooks/jobs.md).

Each job is idempotent and safe when two copies run at once: rows are claimed with
`select_for_update(skip_locked=True)` or with a unique marker row, and every reservation is
handled in its own short transaction, so its e-mail leaves only after its own commit. Logs
carry counts only, never names, addresses or references.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.timezone import BERLIN
from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.services import bookings_expire_due
from rathaus.weddings import audit_events as audit

from ...constants import ReservationStatus
from ...models import (
    COUPLE_CONTACT_FIELDS,
    Reservation,
    ReservationErasure,
    ReservationReminder,
    VenueAgreement,
    VenueCalendarSource,
)
from ...tokens import nonce_new
from .. import ics_import
from .calendar_import import venue_calendar_source_import
from .reservations import _mail

logger = logging.getLogger("rathaus.weddings.jobs")

NOTICE_7, NOTICE_1, CEREMONY_7 = "notice_7", "notice_1", "ceremony_7"
IMPORT_INTERVAL = timedelta(minutes=30)
BATCH = 500


def _claim(queryset):
    """Lock the next rows nobody else is working on (PostgreSQL); SQLite serialises writers."""
    return queryset.select_for_update(skip_locked=True, of=("self",))


# --- Expiry ------------------------------------------------------------------------------------


def reservations_expire(*, now: datetime | None = None) -> int:
    """Expire pending holds and reservations whose marriage-notice deadline has passed.

    The scheduling core marks the lapsed bookings (`bookings_expire_due`); then each
    reservation whose booking has lapsed is marked expired, audited, and – when its address
    was confirmed – the couple is told.
    """
    now = now or timezone.now()
    bookings_expire_due(now=now)
    count = 0
    while True:
        with transaction.atomic():
            batch = list(
                _claim(
                    Reservation.objects.filter(
                        status__in=(ReservationStatus.PENDING, ReservationStatus.RESERVED),
                        booking__status=BookingStatus.EXPIRED,
                    ).select_related("venue")
                )[:BATCH]
            )
            for reservation in batch:
                _expire(reservation)
        count += len(batch)
        if len(batch) < BATCH:
            break
    logger.info("reservations expired: %s", count)
    return count


def _expire(reservation: Reservation) -> None:
    before = audit.snapshot(reservation, ["status"])
    was_confirmed_address = reservation.status == ReservationStatus.RESERVED
    reservation.status = ReservationStatus.EXPIRED
    reservation.save(update_fields=["status", "updated_at"])
    audit.reservation_expired(
        reservation=reservation,
        changes=audit.changes(before, audit.snapshot(reservation, ["status"])),
    )
    if was_confirmed_address:  # never write to an address the couple did not confirm
        _mail(reservation, "expired")


# --- Reminders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRule:
    kind: str
    template: str
    query: Q


def _reminder_rules(today) -> list[ReminderRule]:
    notice_open = Q(status=ReservationStatus.RESERVED, notice_filed_on__isnull=True)
    return [
        ReminderRule(
            NOTICE_1,
            "reminder_notice",
            notice_open & Q(notice_deadline__gte=today, notice_deadline__lte=today + timedelta(1)),
        ),
        ReminderRule(
            NOTICE_7,
            "reminder_notice",
            notice_open
            & Q(
                notice_deadline__gt=today + timedelta(1), notice_deadline__lte=today + timedelta(7)
            ),
        ),
        ReminderRule(
            CEREMONY_7,
            "reminder_ceremony",
            Q(status=ReservationStatus.CONFIRMED, start__date__gt=today)
            & Q(start__date__lte=today + timedelta(7)),
        ),
    ]


def reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """Marriage notice due in 7 days and tomorrow; wedding in 7 days. Each one at most once."""
    now = now or timezone.now()
    today = now.astimezone(BERLIN).date()
    sent = {}
    for rule in _reminder_rules(today):
        candidates = (
            Reservation.objects.filter(rule.query)
            .exclude(reminders__kind=rule.kind)
            .select_related("venue")
        )
        sent[rule.kind] = sum(_remind(reservation, rule) for reservation in candidates)
    logger.info("reminders sent: %s", sent)
    return sent


def _remind(reservation: Reservation, rule: ReminderRule) -> bool:
    try:
        with transaction.atomic():
            ReservationReminder.objects.create(reservation=reservation, kind=rule.kind)
            audit.reservation_reminder_sent(reservation=reservation, kind=rule.kind)
            _mail(reservation, rule.template)
    except IntegrityError:  # another run has sent this one
        return False
    return True


# --- Venue calendars ---------------------------------------------------------------------------


def venue_calendars_import(*, now: datetime | None = None) -> dict[str, int]:
    """Import every venue calendar address. A source another run has just claimed is skipped.

    Each venue stands alone: whatever goes wrong with one calendar – a file it cannot read, a
    server that does not answer, an error nobody foresaw – is noted on that source (the venue
    operator sees it on the import page) and logged by venue id and error class only (no
    address, file content or event text); the other venues are still imported.
    """
    now = now or timezone.now()
    done = failed = 0
    for source in VenueCalendarSource.objects.select_related("venue"):
        claimed = (
            VenueCalendarSource.objects.filter(pk=source.pk)
            .filter(
                Q(last_imported_at__isnull=True) | Q(last_imported_at__lt=now - IMPORT_INTERVAL)
            )
            .update(last_imported_at=now)
        )
        if not claimed:
            continue
        try:
            venue_calendar_source_import(actor=None, source=source, now=now)
        except ics_import.ImportFailed:
            failed += 1
            logger.warning("venue calendar import refused: venue #%s", source.venue_id)
        except Exception as error:  # one venue's failure must not stop the others
            failed += 1
            logger.error(
                "venue calendar import failed: venue #%s: %s",
                source.venue_id,
                type(error).__name__,
            )
            VenueCalendarSource.objects.filter(pk=source.pk).update(
                last_result=str(
                    _(
                        "The import failed because of a technical error; "
                        "it is tried again with the next run."
                    )
                )
            )
        else:
            done += 1
    logger.info("venue calendars imported: %s, failed: %s", done, failed)
    return {"imported": done, "failed": failed}


# --- Retention ---------------------------------------------------------------------------------


def retention_months_after_ceremony() -> int:
    return getattr(settings, "RATHAUS_RETENTION_MONTHS_AFTER_CEREMONY", 6)


def retention_days_after_cancellation() -> int:
    return getattr(settings, "RATHAUS_RETENTION_DAYS_AFTER_CANCELLATION", 30)


def _due_for_erasure(now: datetime):
    after_ceremony = now - relativedelta(months=retention_months_after_ceremony())
    after_end = now - timedelta(days=retention_days_after_cancellation())
    ended = (ReservationStatus.CANCELLED, ReservationStatus.EXPIRED)
    return Reservation.objects.filter(erasure__isnull=True).filter(
        Q(end__lt=after_ceremony) | Q(status__in=ended, updated_at__lt=after_end)
    )


def personal_data_erase(*, now: datetime | None = None) -> int:
    """Erase names, contact data and notes by the retention rule; keep the numbers.

    Default: 6 months after the ceremony, 30 days after a cancellation or expiry
    (RATHAUS_RETENTION_MONTHS_AFTER_CEREMONY, RATHAUS_RETENTION_DAYS_AFTER_CANCELLATION).
    """
    now = now or timezone.now()
    count = 0
    while True:
        with transaction.atomic():
            batch = list(_claim(_due_for_erasure(now))[:BATCH])
            for reservation in batch:
                reservation_personal_data_erase(reservation)
        count += len(batch)
        if len(batch) < BATCH:
            break
    logger.info("reservations erased: %s", count)
    return count


def reservation_personal_data_erase(
    reservation: Reservation, *, actor=None, on_request: bool = False
) -> None:
    """Erase one locked reservation's personal data: by the retention rule, or on request
    (Art. 17 DSGVO, `rathaus/weddings/privacy.py`). Both ways erase exactly the same fields."""
    for name in (*COUPLE_CONTACT_FIELDS, "note", "cancelled_reason"):
        setattr(reservation, name, "")
    reservation.token_nonce = nonce_new()  # old links stop working
    reservation.save()
    VenueAgreement.objects.filter(reservation=reservation).update(reason="")
    ReservationErasure.objects.create(reservation=reservation)
    audit.personal_data_scrub(obj=reservation)
    if on_request:
        audit.reservation_personal_data_erased_on_request(actor=actor, reservation=reservation)
    else:
        audit.reservation_personal_data_erased(reservation=reservation)
