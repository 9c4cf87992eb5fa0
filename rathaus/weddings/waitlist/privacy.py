"""Waiting-list wishes in requests of data subjects (the contract: `rathaus/core/privacy.py`).

Export: every wish made with the address, with its criteria and the offers made to it.
Erasure: a wish still in line is withdrawn first through `services.wish_withdraw` (an open,
unaccepted offer is declined and its date goes to the next couple), then the wish and its
offers are deleted by `services.wish_erase`, as the retention job does. A reservation that came from
an offer is the Traukalender's (`rathaus/weddings/privacy.py`).
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from rathaus.core.privacy import Erasure, Section, model_record

from .constants import WAITING_STATUSES
from .models import Wish
from .services import wish_erase, wish_withdraw

FIELDS = [
    "reference",
    "status",
    "partner1_given_name",
    "partner1_family_name",
    "partner2_given_name",
    "partner2_family_name",
    "email",
    "phone",
    "guests",
    "language",
    "first_day",
    "last_day",
    "days",
    "time_of_day",
    "confirmed_at",
    "ended_at",
]


def _wishes(email: str):
    return (
        Wish.objects.filter(email__iexact=email)
        .prefetch_related("venues", "offers__venue", "offers__reservation")
        .order_by("created_at", "pk")
    )


def _record(wish: Wish) -> dict:
    return model_record(
        wish,
        FIELDS,
        **{
            str(_("weekdays")): [str(name) for name in wish.weekday_names],
            str(_("venues")): [venue.name for venue in wish.venues.all()],
            str(_("created")): wish.created_at,
            str(_("offers")): [
                {
                    str(_("start")): offer.start,
                    str(_("venue")): offer.venue.name,
                    str(_("status")): offer.get_status_display(),
                    str(_("reference")): offer.reservation.reference if offer.reservation else "",
                }
                for offer in wish.offers.all()
            ],
        },
    )


def personal_data_for_email(email: str) -> list[Section]:
    records = [_record(wish) for wish in _wishes(email)]
    if not records:
        return []
    note = _(
        "The links in our e-mails are secured by a random value that is stored but not shown "
        "here. A reservation that came from an offer is listed with the wedding reservations."
    )
    return [Section("wedding_waitlist.wishes", _("Waiting-list wishes"), records, note)]


def _withdraw_and_erase(pk: int, *, now: datetime) -> tuple[bool, bool]:
    wish = Wish.objects.filter(pk=pk).first()
    if wish is None:  # erased meanwhile by the retention job
        return False, False
    withdrawn = wish.status in WAITING_STATUSES
    if withdrawn:
        wish_withdraw(wish=wish, now=now)
    return wish_erase(pk=pk), withdrawn


def personal_data_erase_for_email(email: str, *, actor, now: datetime) -> Erasure:
    pks = list(_wishes(email).values_list("pk", flat=True))
    outcomes = [_withdraw_and_erase(pk, now=now) for pk in pks]
    return Erasure(
        erased=sum(erased for erased, _withdrawn in outcomes),
        cancelled=sum(withdrawn for _erased, withdrawn in outcomes),
    )
