"""A same-day request: one small insert, refused outside the window and when the e-mail
address or the first person has asked for this location and day already.

It is hammered at 07:00, so it reads nothing but cached configuration (the catalogue and the
draw's window, both fixed before the window opens) and writes one row in one statement, which
commits alone. Under `revision_assumed` that statement also carries the check that the
configuration is still the cached one (RevisionMoved when it is not).
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from rathaus.appointments.models import Location
from rathaus.appointments.selectors import PersonNeed, PlanInvalid, plan_make
from rathaus.core import sql
from rathaus.core.identity import email_key, person_key
from rathaus.core.references import reference_draw
from rathaus.core.revision import RevisionMoved, revision_unchanged
from rathaus.core.timezone import BERLIN

from ..constants import REASONS, REFERENCE_LENGTH, REFERENCE_PREFIX
from ..models import SameDayDraw, SameDayRequest
from .draws import draw_ensure


class RequestRefused(Exception):
    def __init__(self, message: object, *, conflict: bool = False) -> None:
        self.message = message
        self.conflict = conflict
        super().__init__(str(message))


@dataclass(frozen=True)
class PersonWish:
    given_name: str
    family_name: str
    date_of_birth: date
    services: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class _Window:
    draw_id: int
    opens_at: datetime
    closes_at: datetime
    offered: bool


# (location id, day) -> the draw's fixed window: read once per process and day.
_windows: dict[tuple[int, date], _Window] = {}


def _window(location: Location, day: date, now: datetime) -> _Window:
    key = (location.pk, day)
    window = _windows.get(key)
    if window is None:
        draw: SameDayDraw = draw_ensure(location, day, now=now)
        window = _Window(draw.pk, draw.opens_at, draw.closes_at, draw.offered)
        if len(_windows) > 1000:
            _windows.clear()
        _windows[key] = window
    return window


def _hhmm(moment: datetime) -> str:
    return formats.time_format(moment.astimezone(BERLIN), "H:i")


def request_submit(
    *,
    location: Location,
    persons: list[PersonWish],
    email: str,
    reason: str,
    language: str,
    now: datetime,
) -> SameDayRequest:
    """Enter a request for today's draw at `location`; RequestRefused says why not."""
    if reason not in REASONS:
        raise RequestRefused(_("Please choose the reason for your request."))
    if not persons:
        raise RequestRefused(_("Please name at least one person."))
    day = now.astimezone(BERLIN).date()
    window = _window(location, day, now)
    if not window.offered:
        raise RequestRefused(_("There are no same-day appointments here today."))
    if not window.opens_at <= now < window.closes_at:
        raise RequestRefused(
            _(
                "Same-day requests are accepted today from %(opens)s until before %(closes)s "
                "only. Please book a regular appointment, or try again tomorrow."
            )
            % {"opens": _hhmm(window.opens_at), "closes": _hhmm(window.closes_at)}
        )
    try:
        plan = plan_make(location, [PersonNeed(person.services) for person in persons])
    except PlanInvalid as error:
        raise RequestRefused(error.message) from error
    stored: list[dict[str, Any]] = [
        {
            "given_name": person.given_name.strip(),
            "family_name": person.family_name.strip(),
            "date_of_birth": person.date_of_birth.isoformat(),
            "services": [[slug, count] for slug, count in person.services],
        }
        for person in persons
    ]
    first = persons[0]
    row = SameDayRequest(
        draw_id=window.draw_id,
        created_at=now,
        email=email.strip(),
        email_key=email_key(email),
        person_key=person_key(first.given_name, first.family_name, first.date_of_birth),
        persons=stored,
        minutes=plan.minutes,
        reason=reason,
        language=language,
    )
    for _attempt in range(3):
        row.reference = reference_draw(REFERENCE_PREFIX, length=REFERENCE_LENGTH)
        try:
            # one statement commits alone; inside a caller's transaction a savepoint keeps
            # that transaction usable after a refused insert
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                made = sql.insert(row, only_if=revision_unchanged())
        except IntegrityError:
            if SameDayRequest.objects.filter(draw_id=window.draw_id, email_key=row.email_key)[
                :1
            ].exists():
                raise RequestRefused(
                    _("This e-mail address has already asked for today here."), conflict=True
                ) from None
            if SameDayRequest.objects.filter(draw_id=window.draw_id, person_key=row.person_key)[
                :1
            ].exists():
                raise RequestRefused(
                    _("This person has already asked for today here."), conflict=True
                ) from None
            continue
        if made is None:
            raise RevisionMoved("the configuration changed while the request was checked")
        return made
    raise RequestRefused(_("Please try again."))  # three reference collisions: not in practice
