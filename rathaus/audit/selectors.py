"""Audit entries as sentences staff can read, in the reader's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.core.timezone import to_local

from .models import AuditEntry

SENTENCES = {
    "weddings.reservation.confirmed": gettext_lazy(
        "%(actor)s recorded the marriage notice filed on %(notice_filed_on)s and confirmed "
        "the wedding."
    ),
    "weddings.reservation.cancelled": gettext_lazy(
        "%(actor)s cancelled the reservation. Reason: %(reason)s"
    ),
    "weddings.reservation.moved": gettext_lazy("%(actor)s moved the wedding."),
    "weddings.reservation.requested": gettext_lazy(
        "The couple reserved the date online; it is held until they confirm their e-mail address."
    ),
    "weddings.reservation.email_confirmed": gettext_lazy(
        "The couple confirmed their e-mail address; the date is reserved provisionally."
    ),
    "weddings.reservation.cancelled_by_couple": gettext_lazy(
        "The couple cancelled the reservation online."
    ),
    "weddings.reservation.registrar_assigned": gettext_lazy("%(actor)s assigned the registrar."),
    "weddings.reservation.venue_agreed": gettext_lazy(
        "%(actor)s agreed to the wedding on behalf of the venue."
    ),
    "weddings.reservation.venue_declined": gettext_lazy(
        "%(actor)s declined the wedding on behalf of the venue."
    ),
    "weddings.reservation.venue_declined_for_reason": gettext_lazy(
        "%(actor)s declined the wedding on behalf of the venue. Reason: %(reason)s"
    ),
    "weddings.reservation.venue_decline_undone": gettext_lazy(
        "%(actor)s undid the venue's refusal; the venue's agreement is outstanding again."
    ),
    "weddings.reservation.notice_recorded": gettext_lazy(
        "%(actor)s recorded the marriage notice filed on %(notice_filed_on)s; the wedding is "
        "confirmed once the venue agrees."
    ),
    "weddings.reservation.expired": gettext_lazy("%(actor)s marked the reservation as expired."),
    "weddings.reservation.reminder_sent": gettext_lazy("%(actor)s sent the reminder: %(kind)s."),
    "weddings.reservation.personal_data_erased": gettext_lazy(
        "%(actor)s erased the personal data because the retention period ended."
    ),
    "weddings.reservation.cancelled_on_request": gettext_lazy(
        "%(actor)s cancelled the reservation because the couple asked for the erasure of "
        "their personal data."
    ),
    "weddings.reservation.personal_data_erased_on_request": gettext_lazy(
        "%(actor)s erased the personal data at the couple's request (Art. 17 GDPR)."
    ),
    "privacy.request.exported": gettext_lazy(
        "%(actor)s exported the personal data stored for one e-mail address (%(records)s records)."
    ),
    "privacy.request.erased": gettext_lazy(
        "%(actor)s erased the personal data stored for one e-mail address: %(erased)s "
        "erased, %(cancelled)s cancelled beforehand."
    ),
    "weddings.waitlist.offer_made": gettext_lazy(
        "The date was offered to a couple from the waiting list; it is held for %(hours)s hours "
        "until they accept."
    ),
    "weddings.waitlist.offer_declined": gettext_lazy(
        "The couple declined the offer from the waiting list."
    ),
    "weddings.lottery.marked": gettext_lazy("%(actor)s made %(day)s a lottery date."),
    "weddings.lottery.unmarked": gettext_lazy("%(actor)s took %(day)s out of the lottery."),
    "weddings.lottery.drawn": gettext_lazy(
        "%(actor)s drew the lottery: %(participants)s applications took part, %(won)s drew a "
        "date, %(duplicates)s duplicates counted once."
    ),
    "weddings.lottery.application_submitted": gettext_lazy(
        "The couple applied for the lottery; the application takes part once they confirm their "
        "e-mail address."
    ),
    "weddings.lottery.application_confirmed": gettext_lazy(
        "The couple confirmed their e-mail address; the application takes part in the draw."
    ),
    "weddings.lottery.application_withdrawn": gettext_lazy(
        "The application was withdrawn; it takes no part in the draw."
    ),
    "weddings.lottery.application_personal_data_erased": gettext_lazy(
        "%(actor)s erased the personal data of the application because the retention period ended."
    ),
    "weddings.lottery.application_personal_data_erased_on_request": gettext_lazy(
        "%(actor)s erased the personal data of the application at the couple's request "
        "(Art. 17 GDPR)."
    ),
    "weddings.venue.updated": gettext_lazy("%(actor)s changed the venue's details."),
    "weddings.policy.updated": gettext_lazy("%(actor)s changed the reservation rules."),
    "scheduling.closure.created": gettext_lazy(
        "%(actor)s blocked the time from %(start)s to %(end)s (%(reason)s)."
    ),
    "scheduling.closure.deleted": gettext_lazy(
        "%(actor)s removed the block from %(start)s to %(end)s (%(reason)s)."
    ),
    "scheduling.rule.created": gettext_lazy("%(actor)s added the weekly rule %(rule)s."),
    "scheduling.rule.updated": gettext_lazy("%(actor)s changed the weekly rule %(rule)s."),
    "scheduling.rule.deleted": gettext_lazy("%(actor)s removed the weekly rule %(rule)s."),
    "scheduling.extra_opening.created": gettext_lazy(
        "%(actor)s opened extra capacity: %(opening)s."
    ),
    "scheduling.extra_opening.deleted": gettext_lazy(
        "%(actor)s removed the extra capacity %(opening)s."
    ),
    "weddings.feed.created": gettext_lazy(
        "%(actor)s created a new calendar feed address; earlier addresses no longer work."
    ),
    "weddings.feed.revoked": gettext_lazy("%(actor)s revoked the calendar feed address."),
    "weddings.venue_calendar.imported": gettext_lazy(
        "%(actor)s imported the venue's calendar: %(created)s new, %(updated)s changed and "
        "%(removed)s removed blocks, %(conflicts)s events overlapping a wedding."
    ),
    "weddings.venue_calendar.source_set": gettext_lazy(
        "%(actor)s changed the address of the venue's calendar."
    ),
}
REMINDER_KINDS = {
    "notice_7": gettext_lazy("marriage notice due in 7 days"),
    "notice_1": gettext_lazy("marriage notice due tomorrow"),
    "ceremony_7": gettext_lazy("wedding in 7 days"),
}
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditLine:
    when: datetime
    actor: str
    code: str
    sentence: str
    changes: list[Change]


def display(value) -> str:
    """A stored value as the reader sees it: dates localised, labels translated."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and _DATETIME.match(value):
        return formats.date_format(to_local(datetime.fromisoformat(value)), "d.m.Y H:i")
    if isinstance(value, str) and _DATE.match(value):
        return formats.date_format(date.fromisoformat(value), "d.m.Y")
    if isinstance(value, str):
        return _(value) if value else value
    if isinstance(value, list):
        return ", ".join(display(item) for item in value)
    return str(value)


def _actor(entry: AuditEntry) -> str:
    return entry.actor_name or _("The system")


def audit_line(entry: AuditEntry) -> AuditLine:
    values = {key: display(value) for key, value in entry.data.items() if key != "changes"}
    if entry.code == "weddings.reservation.reminder_sent":
        values["kind"] = str(REMINDER_KINDS.get(entry.data.get("kind"), values.get("kind", "")))
    values["actor"] = _actor(entry)
    template = SENTENCES.get(entry.code)
    try:
        sentence = str(template) % values if template else f"{values['actor']}: {entry.code}"
    except (KeyError, TypeError, ValueError):
        sentence = f"{values['actor']}: {entry.code}"
    changes = [
        Change(_(change["label"]), display(change["before"]), display(change["after"]))
        for change in entry.data.get("changes", [])
    ]
    return AuditLine(entry.created_at, values["actor"], entry.code, sentence, changes)


def audit_lines_for(obj: models.Model, *, limit: int = 200) -> list[AuditLine]:
    """The history of one object, newest first."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    )[:limit]
    return [audit_line(entry) for entry in entries]


def audit_lines_with_codes(prefixes: tuple[str, ...], *, limit: int = 50) -> list[AuditLine]:
    """Recent entries whose code starts with one of `prefixes` (e.g. global closures)."""
    query = models.Q()
    for prefix in prefixes:
        query |= models.Q(code__startswith=prefix)
    return [audit_line(entry) for entry in AuditEntry.objects.filter(query)[:limit]]
