"""The lottery's audit events (marking dates, the draw, applications), with their sentences."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from rathaus.audit.models import AuditEntry
from rathaus.audit.registry import event_register
from rathaus.audit.services import audit_record

if TYPE_CHECKING:
    from .models import Lottery

ERASED = "weddings.lottery.application_personal_data_erased"
ERASED_ON_REQUEST = "weddings.lottery.application_personal_data_erased_on_request"

event_register("weddings.lottery.marked", _("%(actor)s made %(day)s a lottery date."))
event_register("weddings.lottery.unmarked", _("%(actor)s took %(day)s out of the lottery."))
event_register(
    "weddings.lottery.drawn",
    _(
        "%(actor)s drew the lottery: %(participants)s applications took part, %(won)s drew a "
        "date, %(duplicates)s duplicates counted once."
    ),
)
event_register(
    "weddings.lottery.application_submitted",
    _(
        "The couple applied for the lottery; the application takes part once they confirm their "
        "e-mail address."
    ),
)
event_register(
    "weddings.lottery.application_confirmed",
    _("The couple confirmed their e-mail address; the application takes part in the draw."),
)
event_register(
    "weddings.lottery.application_withdrawn",
    _("The application was withdrawn; it takes no part in the draw."),
)
event_register(
    ERASED,
    _("%(actor)s erased the personal data of the application because the retention period ended."),
)
event_register(
    ERASED_ON_REQUEST,
    _(
        "%(actor)s erased the personal data of the application at the couple's request "
        "(Art. 17 GDPR)."
    ),
)


def lottery_marked(*, actor: Any, lottery: Lottery) -> AuditEntry:
    return audit_record(code="weddings.lottery.marked", obj=lottery, actor=actor, day=lottery.day)


def lottery_unmarked(*, actor: Any, lottery: Lottery) -> AuditEntry:
    return audit_record(code="weddings.lottery.unmarked", obj=lottery, actor=actor, day=lottery.day)


def lottery_drawn(*, lottery: Lottery, participants: int, won: int, duplicates: int) -> AuditEntry:
    return audit_record(
        code="weddings.lottery.drawn",
        obj=lottery,
        participants=participants,
        won=won,
        duplicates=duplicates,
    )


def lottery_application_submitted(*, application: Model) -> AuditEntry:
    return audit_record(code="weddings.lottery.application_submitted", obj=application)


def lottery_application_confirmed(*, application: Model) -> AuditEntry:
    return audit_record(code="weddings.lottery.application_confirmed", obj=application)


def lottery_application_withdrawn(*, application: Model) -> AuditEntry:
    return audit_record(code="weddings.lottery.application_withdrawn", obj=application)


def lottery_application_personal_data_erased(
    *, application: Model, actor: Any = None, on_request: bool = False
) -> AuditEntry:
    return audit_record(
        code=ERASED_ON_REQUEST if on_request else ERASED, obj=application, actor=actor
    )
