"""Writes of the lottery apart from the draw run (draw_run.py): lotteries, applications, e-mail
confirmation, withdrawal, marking by the registry office."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.core.draw import seed_new
from rathaus.core.mail import mail_send_on_commit
from rathaus.core.references import reference_unique
from rathaus.core.timezone import BERLIN
from rathaus.weddings import release
from rathaus.weddings.dates import is_high_demand
from rathaus.weddings.lottery import audit_events as audit
from rathaus.weddings.models import Venue
from rathaus.weddings.services import Partner, couple_fields

from .. import pure_draw
from ..constants import MAX_PREFERENCES, ApplicationStatus, LotterySource, LotteryState
from ..models import Application, Lottery, Preference
from ..selectors import (
    announce_days,
    lottery_state,
    policy_current,
    release_moment,
    window_days,
    window_default,
)
from ..slots import ceremony_day, lottery_slots_offered
from ..tokens import CONFIRM, MANAGE, application_token_matches, reference_new


class LotteryError(Exception):
    """A request the lottery's rules do not allow; `message` is for the person."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _lottery_new(day: date, source: str, now: datetime) -> Lottery:
    """A new lottery with its secret seed; only the commitment is shown until the draw."""
    seed = seed_new()
    if source == LotterySource.STAFF:
        opens_at, closes_at = window_default(day, now=now)
    else:
        opens_at = release_moment(day)
        closes_at = opens_at + timedelta(days=window_days())
    return Lottery(
        day=day,
        source=source,
        opens_at=opens_at,
        closes_at=closes_at,
        seed=seed,
        seed_commitment=pure_draw.seed_commitment(seed),
        commitment_shown_at=now,
    )


def lottery_get_or_create(day: date, *, now: datetime | None = None) -> Lottery | None:
    """The lottery of `day`; an automatic one is created on first use (idempotent).

    None for an ordinary date, for a date on which no ceremony can take place, for an
    automatic date whose window closed without a row (nobody can have applied, so there is
    nothing to draw) and for one not yet within the announcement period before its window.
    """
    now = now or timezone.now()
    lottery = Lottery.objects.filter(day=day).first()
    if lottery is not None or not is_high_demand(day) or not ceremony_day(day):
        return lottery
    candidate = _lottery_new(day, LotterySource.AUTO, now)
    if candidate.closes_at <= now or candidate.opens_at > now + timedelta(days=announce_days()):
        return None  # closed without anyone applying, or not announced yet
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:  # created at the same moment elsewhere
        return Lottery.objects.get(day=day)
    return candidate


def lottery_schedule(*, now: datetime | None = None) -> int:
    """Create the lotteries of Schnapszahl dates whose window opens within the announcement
    period, so each commitment is public well before the first application. Idempotent."""
    now = now or timezone.now()
    today = now.astimezone(BERLIN).date()
    created = 0
    day = today
    last = release.last_released_day(policy_current(), now + timedelta(days=announce_days()))
    while day <= last:
        if is_high_demand(day) and not Lottery.objects.filter(day=day).exists():
            created += lottery_get_or_create(day, now=now) is not None
        day += timedelta(days=1)
    return created


# --- Marking by the registry office ------------------------------------------------------------


def lottery_mark(*, actor, day: date, now: datetime | None = None) -> Lottery:
    """Make `day` a lottery date. Only while its window can still close before the date."""
    now = now or timezone.now()
    lottery = Lottery.objects.filter(day=day).first()
    if lottery is not None and not lottery.excluded:
        raise LotteryError(_("This date is already a lottery date."))
    if lottery is not None and lottery.drawn_at:
        raise LotteryError(_("The lottery of this date has already been drawn."))
    if not ceremony_day(day):
        raise LotteryError(
            _("No ceremony can take place on this date (opening hours, duty rota and closures).")
        )
    candidate = _lottery_new(day, LotterySource.STAFF, now)
    latest_close = day - timedelta(days=policy_current().min_lead_days)
    if candidate.closes_at.astimezone(BERLIN).date() > latest_close:
        raise LotteryError(
            _(
                "Too late for a lottery: the application period would end less than "
                "%(days)s days before the date."
            )
            % {"days": policy_current().min_lead_days}
        )
    with transaction.atomic():
        if lottery is None:
            lottery = candidate
            lottery.save()
        else:
            lottery.excluded = False
            if lottery.opens_at < now and not lottery.applications.exists():
                lottery.opens_at, lottery.closes_at = candidate.opens_at, candidate.closes_at
            lottery.save(update_fields=["excluded", "opens_at", "closes_at", "updated_at"])
        audit.lottery_marked(actor=actor, lottery=lottery)
    return lottery


def lottery_unmark(*, actor, day: date, now: datetime | None = None) -> Lottery:
    """Take `day` out of the lottery: only while nobody has applied, so nothing can be biased."""
    now = now or timezone.now()
    with transaction.atomic():
        lottery = Lottery.objects.select_for_update().filter(day=day).first()
        if lottery is None and is_high_demand(day):
            lottery = _lottery_new(day, LotterySource.AUTO, now)
            lottery.save()
        if lottery is None or lottery.excluded:
            raise LotteryError(_("This date is not a lottery date."))
        if lottery.drawn_at or lottery.applications.exists():
            raise LotteryError(
                _(
                    "Couples have already applied for this date; the lottery can no longer "
                    "be removed."
                )
            )
        lottery.excluded = True
        lottery.save(update_fields=["excluded", "updated_at"])
        audit.lottery_unmarked(actor=actor, lottery=lottery)
    return lottery


# --- Applications ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationRequest:
    partners: tuple[Partner, Partner]
    email: str
    guests: int
    language: str
    preferences: tuple[tuple[Venue, datetime], ...]  # best first
    phone: str = ""


def _preferences_check(lottery: Lottery, request: ApplicationRequest, now: datetime) -> None:
    if not request.preferences:
        raise ValidationError({"preference_1": _("Please choose at least one time.")})
    if len(request.preferences) > MAX_PREFERENCES:
        raise ValidationError(_("At most %(max)s preferences.") % {"max": MAX_PREFERENCES})
    keys = [(venue.pk, start) for venue, start in request.preferences]
    if len(set(keys)) != len(keys):
        raise ValidationError(_("Please choose each time only once."))
    offered = {(slot.venue.pk, slot.start_epoch) for slot in lottery_slots_offered(lottery, now)}
    for rank, (venue, start) in enumerate(request.preferences, start=1):
        if (venue.pk, int(start.timestamp())) not in offered:
            raise ValidationError(
                {f"preference_{rank}": _("This time is not offered in the lottery.")}
            )
        if request.guests > venue.max_guests:
            raise ValidationError(
                {
                    f"preference_{rank}": _("%(venue)s has room for at most %(max)s guests.")
                    % {"venue": venue.name, "max": venue.max_guests}
                }
            )


def _reference_unique(year: int) -> str:
    return reference_unique(
        lambda: reference_new(year),
        lambda reference: Application.objects.filter(reference=reference).exists(),
    )


def application_submit(
    *, lottery: Lottery, request: ApplicationRequest, now: datetime | None = None
) -> Application:
    """Take an application while the window is open and e-mail the confirmation link.

    Duplicates are accepted here (telling would reveal who applied) and count once at the draw.
    """
    now = now or timezone.now()
    if lottery.excluded or lottery_state(lottery, now) != LotteryState.OPEN:
        raise LotteryError(_("Applications for this date are not open."))
    _preferences_check(lottery, request, now)
    with transaction.atomic():
        application = Application.objects.create(
            lottery=lottery,
            reference=_reference_unique(lottery.day.year),
            **couple_fields(request),
            token_nonce=secrets.token_hex(16),
        )
        Preference.objects.bulk_create(
            Preference(application=application, rank=rank, venue=venue, start=start)
            for rank, (venue, start) in enumerate(request.preferences, start=1)
        )
        audit.lottery_application_submitted(application=application)
        application_mail(application, "lottery/email/confirm_request")
    return application


def application_confirm_email(
    *, application: Application, token: str, now: datetime | None = None
) -> Application:
    """Double opt-in: only confirmed applications take part. Only before the close."""
    now = now or timezone.now()
    if not application_token_matches(token, CONFIRM, application):
        raise PermissionError
    with transaction.atomic():
        application = (
            Application.objects.select_for_update().select_related("lottery").get(pk=application.pk)
        )
        if application.status != ApplicationStatus.PENDING:
            return application
        if now >= application.lottery.closes_at:
            raise LotteryError(_("The application period has ended."))
        application.status = ApplicationStatus.ENTERED
        application.email_confirmed_at = now
        application.save(update_fields=["status", "email_confirmed_at", "updated_at"])
        audit.lottery_application_confirmed(application=application)
        application_mail(application, "lottery/email/entered")
    return application


def application_withdraw(
    *, application: Application, token: str, now: datetime | None = None
) -> Application:
    now = now or timezone.now()
    if not application_token_matches(token, MANAGE, application):
        raise PermissionError
    with transaction.atomic():
        application = (
            Application.objects.select_for_update().select_related("lottery").get(pk=application.pk)
        )
        if application.status not in (ApplicationStatus.PENDING, ApplicationStatus.ENTERED):
            return application
        if now >= application.lottery.closes_at:
            raise LotteryError(
                _("After the application period an application cannot be withdrawn.")
            )
        application.status = ApplicationStatus.WITHDRAWN
        application.save(update_fields=["status", "updated_at"])
        audit.lottery_application_withdrawn(application=application)
    return application


def application_mail(application: Application, template: str, **context) -> None:
    mail_send_on_commit(
        to=application.email,
        template_prefix=template,
        context={
            "application": application,
            "lottery": application.lottery,
            "site_url": settings.SITE_URL,
            **context,
        },
        language=application.language,
    )
