"""Reads of the lottery. `lottery_blocks_day` and `lottery_days_between` are the contract with
the Traukalender (release gate and calendar marks); they never write.

A lottery exists for every Schnapszahl date (`dates.is_high_demand`) and every date the
registry office marks, unless it took the date out. Rows for automatic dates are created by
the daily `lottery_schedule` job ahead of the window and, failing that, on first use
(`services.lottery_get_or_create`); until then the default window below stands in for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from rathaus.core.revision import cached
from rathaus.core.timezone import BERLIN
from rathaus.weddings import release
from rathaus.weddings.dates import day_plausible, is_high_demand
from rathaus.weddings.models import Venue
from rathaus.weddings.selectors import reservation_policy

from . import pure_draw
from .constants import ApplicationStatus, LotteryState
from .models import Application, DrawResult, Lottery, Preference
from .tokens import REFERENCE_SHAPE

ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
WAITLIST_PATH = "/trauung/warteliste/"


def window_days() -> int:
    return getattr(settings, "RATHAUS_LOTTERY_WINDOW_DAYS", 14)


def announce_days() -> int:
    """How long before its window opens the lottery (and its commitment) is published."""
    return getattr(settings, "RATHAUS_LOTTERY_ANNOUNCE_DAYS", 60)


def policy_current():
    return reservation_policy()


def release_moment(day: date, policy=None) -> datetime:
    """When `day` becomes reservable (rathaus/weddings/release.py)."""
    return release.release_moment(day, policy or policy_current())


def window_default(day: date, *, now: datetime, policy=None) -> tuple[datetime, datetime]:
    """Applications open at the date's release moment (or now, when marked later)."""
    opens_at = max(release_moment(day, policy), now)
    return opens_at, opens_at + timedelta(days=window_days())


def lottery_state(lottery: Lottery, now: datetime) -> str:
    if lottery.drawn_at:
        return LotteryState.DRAWN
    if now < lottery.opens_at:
        return LotteryState.UPCOMING
    if now < lottery.closes_at:
        return LotteryState.OPEN
    return LotteryState.CLOSED


@dataclass(frozen=True)
class LotteryInfo:
    day: date
    applications_open_at: datetime
    applications_close_at: datetime
    state: str
    url: str
    source: str = "auto"
    seed_commitment: str = ""  # empty while the row does not exist yet
    drawn_at: datetime | None = None


def _info(lottery: Lottery, now: datetime) -> LotteryInfo:
    return LotteryInfo(
        day=lottery.day,
        applications_open_at=lottery.opens_at,
        applications_close_at=lottery.closes_at,
        state=lottery_state(lottery, now),
        url=reverse("lottery:detail", args=[lottery.day.isoformat()]),
        source=lottery.source,
        seed_commitment=lottery.seed_commitment,
        drawn_at=lottery.drawn_at,
    )


def _virtual(day: date, opens_at: datetime, closes_at: datetime, now: datetime) -> LotteryInfo:
    state = LotteryState.UPCOMING if now < opens_at else LotteryState.OPEN
    url = reverse("lottery:detail", args=[day.isoformat()])
    return LotteryInfo(day, opens_at, closes_at, state, url)


def lottery_blocks_day(day: date, now: datetime) -> bool:
    """True while `day` is a lottery day whose draw has not happened yet."""
    blocking = cached("lottery.blocking", _blocking_load).get(day)
    if blocking is not None:
        return blocking
    if not is_high_demand(day):
        return False
    # No row yet: nobody has applied. Past the default close there is nothing to draw.
    return now < release_moment(day) + timedelta(days=window_days())


def _blocking_load() -> dict[date, bool]:
    """Each lottery row's day: does it block direct reservations (not excluded, not drawn)?"""
    return {
        day: not excluded and drawn_at is None
        for day, excluded, drawn_at in Lottery.objects.values_list("day", "excluded", "drawn_at")
    }


def lottery_days_between(first: date, last: date, now: datetime | None = None) -> dict:
    """Lottery days in [first, last] for the calendar: {day: LotteryInfo}."""
    now = now or timezone.now()
    rows = list(Lottery.objects.filter(day__gte=first, day__lte=last))
    result = {lottery.day: _info(lottery, now) for lottery in rows if not lottery.excluded}
    excluded = {lottery.day for lottery in rows if lottery.excluded}
    policy = policy_current()
    candidates = []
    day = first
    while day <= last:
        if day not in result and day not in excluded and is_high_demand(day):
            opens_at = release_moment(day, policy)
            closes_at = opens_at + timedelta(days=window_days())
            if now < closes_at:
                candidates.append((day, opens_at, closes_at))
        day += timedelta(days=1)
    if candidates:  # only days with ceremonies get a lottery (the Sunday 7.3.27 has none)
        from .slots import ceremony_days

        possible = ceremony_days(candidates[0][0], candidates[-1][0])
        for day, opens_at, closes_at in candidates:
            if day in possible:
                result[day] = _virtual(day, opens_at, closes_at, now)
    return dict(sorted(result.items()))


def lottery_days_blocking(first: date, last: date, now: datetime) -> set[date]:
    """The days whose slots still go to a lottery, for the Traukalender (`weddings.draws`): one
    day from the cached per-day answer, a range from the calendar's lottery days."""
    if first == last:
        return {first} if lottery_blocks_day(first, now) else set()
    return {
        day
        for day, info in lottery_days_between(first, last, now=now).items()
        if info.state != LotteryState.DRAWN
    }


def day_parse(value: str) -> date | None:
    """The day of an ISO date between 2000 and 2199, None for anything else."""
    if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if day_plausible(day) else None


def lottery_for_day(day: date) -> Lottery | None:
    return Lottery.objects.filter(day=day).first()


def lotteries_public(*, now: datetime, past_days: int = 90) -> list[LotteryInfo]:
    """Drawn in the last `past_days`, open now, or opening within the announcement period."""
    today = now.astimezone(BERLIN).date()
    policy = policy_current()
    last = today + relativedelta(months=policy.horizon_months) + timedelta(days=announce_days())
    infos = lottery_days_between(today - timedelta(days=past_days), last, now=now)
    horizon = now + timedelta(days=announce_days())
    return [info for info in infos.values() if info.applications_open_at <= horizon]


def application_by_reference(reference: str) -> Application | None:
    reference = (reference or "")[:20].upper()
    if not REFERENCE_SHAPE.fullmatch(reference):
        return None
    return Application.objects.select_related("lottery").filter(reference=reference).first()


def application_counts(lottery: Lottery) -> dict[str, int]:
    rows = lottery.applications.values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(ApplicationStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    counts["total"] = sum(counts[status] for status in ApplicationStatus.values)
    return counts


def draw_results_public(lottery: Lottery) -> list[DrawResult]:
    """The drawn order; each allocated slot key also as "10:00 · venue name" for people
    (`slot_display`)."""
    names = {venue.slug: venue.name for venue in Venue.objects.all()}
    results = list(
        DrawResult.objects.filter(application__lottery=lottery, position__isnull=False)
        .select_related("application")
        .order_by("position")
    )
    for result in results:
        slug, _, at = result.slot.partition("@")
        result.slot_display = f"{at} · {names.get(slug, slug)}" if result.slot else ""
    return results


def application_preferences(application: Application) -> list[Preference]:
    return list(application.preferences.select_related("venue"))


def lotteries_staff(*, first: date, last: date) -> list[Lottery]:
    return list(
        Lottery.objects.filter(day__gte=first, day__lte=last)
        .annotate(
            total=Count("applications"),
            confirmed=Count(
                "applications", filter=Q(applications__email_confirmed_at__isnull=False)
            ),
            won=Count("applications", filter=Q(applications__status=ApplicationStatus.WON)),
        )
        .order_by("day")
    )


def applications_staff(lottery: Lottery) -> list[Application]:
    """Every application of `lottery`, in the drawn order, then by arrival."""
    return list(
        Application.objects.filter(lottery=lottery)
        .select_related("result__reservation")
        .order_by("result__position", "created_at")
    )


def lotteries_due(now: datetime) -> list[Lottery]:
    return list(
        Lottery.objects.filter(excluded=False, drawn_at__isnull=True, closes_at__lte=now).order_by(
            "day"
        )
    )


# --- The draw's inputs ---------------------------------------------------------------------


def candidate_of(application: Application) -> pure_draw.Candidate:
    return pure_draw.Candidate(
        reference=application.reference,
        confirmed_at=application.email_confirmed_at,
        email=application.email,
        partner_names=(
            f"{application.partner1_given_name} {application.partner1_family_name}",
            f"{application.partner2_given_name} {application.partner2_family_name}",
        ),
    )


def participants_of(lottery: Lottery) -> tuple[list[Application], list[pure_draw.Participant]]:
    """The applications in the draw (entered and not a duplicate, or already decided)."""
    applications = list(
        lottery.applications.filter(
            status__in=(ApplicationStatus.ENTERED, ApplicationStatus.WON, ApplicationStatus.LOST)
        ).prefetch_related("preferences__venue")
    )
    participants = [
        pure_draw.Participant(a.reference, tuple(p.key for p in a.preferences.all()))
        for a in applications
    ]
    return applications, participants


def waitlist_url() -> str:
    try:
        return reverse("waitlist:wish-create")
    except NoReverseMatch:
        return WAITLIST_PATH
