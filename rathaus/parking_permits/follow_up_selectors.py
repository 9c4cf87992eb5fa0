"""Reads and date rules of renewals and changes of plate (docs/parking-permits.md, "Renewal
and change of plate"): the renewal window, the validity of the follow-up permit, the open or
issued follow-up of a permit, and the permits whose reminder is due."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from .constants import OPEN_STATUSES, ApplicationKind, PermitKind, Status
from .models import Application, Permit

# Renewal from six weeks before the end until the last day (Hamburg's window); the first
# reminder at the start of the window, the last a week before the end, each from 08:00.
RENEWAL_WINDOW = timedelta(weeks=6)
REMINDER_EARLY = timedelta(weeks=6)
REMINDER_LATE = timedelta(weeks=1)
REMINDER_HOUR = time(8, 0)
EARLY, LATE = "early", "late"


def renewal_opens(permit: Permit) -> date:
    return permit.valid_until - RENEWAL_WINDOW


def renewal_open_on(permit: Permit, day: date) -> bool:
    return renewal_opens(permit) <= day <= permit.valid_until


def period_end(start: date, years: int) -> date:
    """The last day of `years` years from `start` (§ 188 Abs. 2, 3 BGB): the day before the
    same date; from 29 February into a year without it, 28 February (no day is lost)."""
    same_date = start + relativedelta(years=years)
    if (start.month, start.day) == (2, 29) and same_date.day == 28:
        return same_date
    return same_date - timedelta(days=1)


def renewal_period(*, previous_until: date, today: date, years: int) -> tuple[date, date]:
    """The renewed permit starts the day after the old one ends (the remaining time is
    credited, no gap), or today when that day has passed; it runs `years` years."""
    start = max(today, previous_until + timedelta(days=1))
    return start, period_end(start, years)


def plate_change_period(*, previous_until: date, today: date) -> tuple[date, date]:
    """The permit for the new plate runs from today to the end of the old one."""
    return min(today, previous_until), previous_until


def permit_lineage(permit: Permit) -> list[int]:
    """The permit and the ones it replaced (renewed or changed), newest first."""
    found: list[int] = []
    current: Permit | None = permit
    while current is not None and current.pk not in found and len(found) < 50:
        found.append(current.pk)
        current = current.replaces
    return found


def follow_ups(permit: Permit) -> QuerySet[Application]:
    return Application.objects.filter(previous_permit=permit).order_by("-created_at")


def follow_up_open(permit: Permit) -> Application | None:
    """The renewal or change of plate applied for and not yet issued (at most one)."""
    return follow_ups(permit).filter(status__in=OPEN_STATUSES).first()


def follow_up_issued(permit: Permit) -> Application | None:
    return follow_ups(permit).filter(status=Status.ISSUED).first()


def permit_current_for(application: Application) -> Permit | None:
    """The application's resident permit."""
    return Permit.objects.filter(application=application, kind=PermitKind.RESIDENT).first()


def is_follow_up(application: Application) -> bool:
    return application.kind in (ApplicationKind.RENEWAL, ApplicationKind.PLATE_CHANGE)


def reminder_day(now: datetime) -> date:
    """The Berlin day whose reminders are due at `now`: today from 08:00, yesterday before."""
    local = timezone.localtime(now)
    return local.date() if local.time() >= REMINDER_HOUR else local.date() - timedelta(days=1)


def reminders_due(stage: str, now: datetime) -> QuerySet[Permit]:
    """Valid, unrevoked resident permits without an open or issued follow-up whose `stage`
    reminder is due and not sent. A job that ran late still finds them (a missed day is
    caught up), but the first reminder is no longer due once the last one is."""
    day = reminder_day(now)
    follow_up = Application.objects.filter(
        previous_permit=OuterRef("pk"), status__in=[*OPEN_STATUSES, Status.ISSUED]
    )
    permits = Permit.objects.filter(
        kind=PermitKind.RESIDENT,
        revoked_at__isnull=True,
        ends_on__isnull=True,
        move_out_flagged_at__isnull=True,
        application__erased_at__isnull=True,
        valid_until__gte=day,
    ).exclude(Exists(follow_up))
    if stage == EARLY:
        return permits.filter(
            reminded_early_at__isnull=True,
            valid_until__lte=day + REMINDER_EARLY,
            valid_until__gt=day + REMINDER_LATE,
        )
    return permits.filter(reminded_late_at__isnull=True, valid_until__lte=day + REMINDER_LATE)
