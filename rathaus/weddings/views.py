"""Public pages of the Traukalender. Thin: reads go through selectors, writes through services.

Every page works with plain GET/POST; htmx only swaps the search region in place.
Pages reached with a reservation token are never cached (`Cache-Control: no-store`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from itertools import groupby

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from rathaus.core.ics import ics_response
from rathaus.core.redirects import see_other
from rathaus.core.timezone import BERLIN, days_between
from rathaus.scheduling import engine
from rathaus.scheduling.exceptions import SlotNotOffered, SlotUnavailable

from . import allowance, handover, release, selectors, services
from .constants import ACTIVE_RESERVATION_STATUSES, ReservationStatus
from .dates import is_high_demand, notice_window_opens
from .forms import ReservationForm, SlotSearchForm, VenueChoiceForm, day_parse, month_parse
from .ics import reservation_ics
from .lottery.selectors import lottery_days_between
from .models import Reservation
from .selectors import CeremonySlot, SlotFilter
from .tokens import CONFIRM, token_matches

REFERENCE_RE = re.compile(r"TK-\d{4}-[A-Z2-9]{4}")
FIRST_DAYS_SHOWN = 2
NEXT_FREE_COUNT = 20
ALTERNATIVES_SHOWN = 6
ACTIVE_STATUSES = ACTIVE_RESERVATION_STATUSES


def _private(response: HttpResponse) -> HttpResponse:
    """Token pages: not stored by any cache, not indexed."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _months_between(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month += relativedelta(months=1)
    return months


def _day_groups(slots: list[CeremonySlot]) -> list[dict]:
    """One group per venue and fee on a day, venues in their usual order."""

    def key(slot):
        return (not slot.venue.official_room, slot.venue.name, slot.fee_eur)

    return [
        {"venue": group[0].venue, "fee": group[0].fee_eur, "slots": group}
        for group in (list(items) for _, items in groupby(sorted(slots, key=key), key=key))
    ]


def _month_page(*, filters: SlotFilter, month: date, day: date | None, bounds: tuple[date, date]):
    """Calendar grid, the days listed below it and, for an empty month, the next free slot."""
    month_last = month + relativedelta(months=1) - timedelta(days=1)
    first, last = max(month, bounds[0]), min(month_last, bounds[1])
    slots = (
        selectors.ceremony_slots_free(first=first, last=last, filters=filters)
        if first <= last
        else []
    )
    by_day = selectors.slots_by_day(slots)
    if day and month <= day <= month_last:
        shown = [day]
    else:
        day, shown = None, sorted(by_day)[:FIRST_DAYS_SHOWN]
    next_free = None
    if not slots and last < bounds[1]:
        later = selectors.ceremony_slots_free(
            first=max(last, month_last) + timedelta(days=1), last=bounds[1], filters=filters
        )
        next_free = later[0] if later else None
    policy, now = selectors.reservation_policy(), timezone.now()
    lotteries = {
        d: info
        for d, info in lottery_days_between(max(month, bounds[0]), month_last).items()
        if info.state != "drawn"
    }
    # Lotteries and the high-demand mark only on days a ceremony can take place at all: a
    # Sunday or 01.01. is no date to apply for, even when its digits make a Schnapszahl.
    # A day with free times has ceremonies: only the others are looked up once more.
    demand = {d for d in days_between(month, month_last) if is_high_demand(d)}
    ceremony_days = set(by_day) | selectors.days_with_ceremonies(
        (set(lotteries) | demand) - set(by_day), filters=filters
    )
    lotteries = {d: info for d, info in lotteries.items() if d in ceremony_days}
    last_released = release.last_released_day(policy, now)
    opening = {
        d: release.release_moment(d, policy)
        for d in (last_released + timedelta(days=n) for n in range(1, 32))
        if month <= d <= month_last
    }
    next_day, opens_at = release.next_release(policy, now)
    return {
        "month": month,
        "weeks": selectors.month_weeks(
            month.year,
            month.month,
            by_day,
            lotteries=lotteries,
            opening=opening,
            high_demand=demand & ceremony_days,
        ),
        "release": {"last_day": last_released, "next_day": next_day, "opens_at": opens_at},
        "prev_month": month - relativedelta(months=1) if month > bounds[0].replace(day=1) else None,
        "next_month": month + relativedelta(months=1) if month_last < bounds[1] else None,
        "day": day,
        "days": [
            {"day": d, "high_demand": is_high_demand(d), "groups": _day_groups(by_day.get(d, []))}
            for d in shown
        ],
        "slot_count": len(slots),
        "next_free": next_free,
    }


def _pick_month(value: date | str | None, fallback: date, bounds: tuple[date, date]) -> date:
    month = value if isinstance(value, date) else month_parse(value or "")
    month = month or fallback.replace(day=1)
    return min(max(month, bounds[0].replace(day=1)), bounds[1].replace(day=1))


def _bookable() -> tuple[date, date]:
    return selectors.bookable_range(selectors.reservation_policy(), timezone.now())


class SearchView(View):
    """Free ceremony slots across all venues: filters, a month calendar and the day's times."""

    template_name = "weddings/slot_search.html"

    def get(self, request):
        earliest, latest = _bookable()
        venues = selectors.venues_public()
        form = SlotSearchForm(
            request.GET or None, months=_months_between(earliest, latest), venues=venues
        )
        data = form.valid_data()
        bounds = (
            max(earliest, data.get("date_from") or earliest),
            min(latest, data.get("date_to") or latest),
        )
        venue = next((v for v in venues if v.slug == data.get("venue")), None)
        filters = SlotFilter(
            venues=[venue] if venue else None,
            weekdays=set(data.get("weekdays") or ()),
            time_of_day=data.get("time_of_day") or "",
            district=data.get("district") or "",
            guests=data.get("guests"),
            step_free=bool(data.get("step_free")),
            outdoor=bool(data.get("outdoor")),
            max_fee=data.get("max_fee"),
        )
        month = _pick_month(data.get("month"), bounds[0], bounds)
        query = request.GET.copy()
        for name in ("month", "day"):
            query.pop(name, None)
        htmx = request.headers.get("HX-Request") and not request.headers.get(
            "HX-History-Restore-Request"
        )
        page = _month_page(filters=filters, month=month, day=data.get("day"), bounds=bounds)
        if not data.get("month") and not data.get("day") and page["next_free"]:
            # "Earliest possible" opens the month of the first day that matches the wishes.
            month = page["next_free"].day.replace(day=1)
            page = _month_page(filters=filters, month=month, day=None, bounds=bounds)
        context = {
            "nav": "search",
            "form": form,
            "query": query,
            "reserve_query": f"?guests={filters.guests}" if filters.guests else "",
            "focus_day": bool(htmx and data.get("day")),
            **page,
        }
        response = render(request, self.template_name, context)
        patch_vary_headers(response, ["HX-Request"])
        return response


class NextFreeView(View):
    """The next free slots from the earliest bookable day on, optionally at one venue."""

    template_name = "weddings/slot_next.html"

    def get(self, request):
        venues = selectors.venues_public()
        form = VenueChoiceForm(request.GET or None, venues=venues)
        slug = form.cleaned_data.get("venue") if form.is_valid() else ""
        venue = next((v for v in venues if v.slug == slug), None)
        first, latest = _bookable()
        slots: list[CeremonySlot] = []
        while first <= latest and len(slots) < NEXT_FREE_COUNT:
            last = min(first + timedelta(days=30), latest)
            slots += selectors.ceremony_slots_free(
                first=first, last=last, filters=SlotFilter(venues=[venue] if venue else None)
            )
            first = last + timedelta(days=1)
        slots = slots[:NEXT_FREE_COUNT]
        by_day = selectors.slots_by_day(slots)
        days = [
            {"day": d, "high_demand": is_high_demand(d), "groups": _day_groups(s)}
            for d, s in by_day.items()
        ]
        context = {
            "nav": "next",
            "form": form,
            "venue": venue,
            "days": days,
            "slot_count": len(slots),
        }
        return render(request, self.template_name, context)


class VenueDetailView(View):
    template_name = "weddings/venue_detail.html"

    def get(self, request, slug):
        venue = selectors.venue_public_get(slug)
        if venue is None:
            raise Http404
        bounds = _bookable()
        month = _pick_month(request.GET.get("month", ""), bounds[0], bounds)
        day = day_parse(request.GET.get("day", ""))
        context = {
            "venue": venue,
            "query": {},
            **_month_page(filters=SlotFilter(venues=[venue]), month=month, day=day, bounds=bounds),
        }
        return render(request, self.template_name, context)


def _slot_start(start: int) -> datetime:
    try:
        moment = engine.from_epoch(start)
    except (OverflowError, OSError, ValueError):
        raise Http404 from None
    if not 2000 <= moment.year <= 2100:
        raise Http404
    return moment


def _alternatives(venue, start: datetime) -> list[CeremonySlot]:
    day = start.astimezone(BERLIN).date()
    slots = selectors.ceremony_slots_free(
        first=day, last=day + timedelta(days=14), filters=SlotFilter(venues=[venue])
    )
    return [slot for slot in slots if slot.start_epoch != engine.epoch(start)][:ALTERNATIVES_SHOWN]


def _service_errors(form: ReservationForm, error: ValidationError) -> None:
    """The service's ValidationError onto the form: 'guests' on its field, the rest on top."""
    items = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for key, messages in items:
        for message in messages:
            form.add_error(key if key in form.fields else None, message)


OWN_HOLDS_SESSION_KEY = "weddings.own_holds"
OWN_HOLDS_KEPT = 5


def _own_hold_key(venue, start: datetime) -> str:
    return f"{venue.pk}:{engine.epoch(start)}"


def _own_hold_remember(request, reservation: Reservation) -> None:
    """This browser made the hold: remembered by venue and time (the reference, no token)."""
    holds = dict(request.session.get(OWN_HOLDS_SESSION_KEY, {}))
    holds[_own_hold_key(reservation.venue, reservation.start)] = reservation.reference
    request.session[OWN_HOLDS_SESSION_KEY] = dict(list(holds.items())[-OWN_HOLDS_KEPT:])


def _own_hold(request, venue, start: datetime) -> str | None:
    """The reference of this browser's own active hold of the slot, if there is one."""
    holds = request.session.get(OWN_HOLDS_SESSION_KEY) if hasattr(request, "session") else None
    reference = (holds or {}).get(_own_hold_key(venue, start))
    if reference is None:
        return None
    reservation = selectors.reservation_by_reference(reference)
    if reservation is None or reservation.status not in ACTIVE_STATUSES:
        return None
    return reference


@method_decorator(never_cache, name="dispatch")
class ReservationCreateView(View):
    """The chosen slot and the couple's details. POST holds the slot and sends the e-mail."""

    template_name = "weddings/reservation_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.venue = selectors.venue_public_get(kwargs["slug"])
        if self.venue is None:
            raise Http404
        self.start = _slot_start(kwargs["start"])

    def get(self, request, slug, start):
        own = _own_hold(request, self.venue, self.start)
        if own is not None:  # back after reserving: lead the couple to their own hold
            return see_other(reverse("weddings:reservation-pending", args=[own]))
        slot = selectors.ceremony_slot_find(venue=self.venue, start=self.start)
        initial = {}
        if request.GET.get("guests", "").isdigit():
            initial["guests"] = int(request.GET["guests"])
        form = ReservationForm(initial=initial, venue=self.venue)
        return self._render(form, slot)

    def post(self, request, slug, start):
        form = ReservationForm(request.POST, venue=self.venue)
        own = _own_hold(request, self.venue, self.start)
        if own is not None:  # back button or a second click after reserving: the couple's hold
            return see_other(reverse("weddings:reservation-pending", args=[own]))
        slot = selectors.ceremony_slot_find(venue=self.venue, start=self.start)
        if slot is None:
            return self._render(form, None, status=409)
        if not form.is_valid():  # every field error at once, before any check that counts
            return self._render(form, slot, status=422)
        data = form.cleaned_data
        # the per-address allowance is counted below, only for attempts that hold a slot
        if not form.protect(request, scope=allowance.SCOPE):
            return form.protection_response(self._render(form, slot, status=form.protection_status))
        try:
            allowance.allowance_take(data["email"])
        except allowance.AllowanceUsed as refusal:
            form.add_error("email", refusal.message)
            form.protection_retry_after = refusal.retry_after
            return form.protection_response(self._render(form, slot, status=429))
        try:
            created = services.reservation_create(
                request=services.ReservationRequest(
                    venue=self.venue,
                    start=self.start,
                    partners=(
                        services.Partner(data["partner1_given_name"], data["partner1_family_name"]),
                        services.Partner(data["partner2_given_name"], data["partner2_family_name"]),
                    ),
                    email=data["email"],
                    phone=data["phone"],
                    guests=data["guests"],
                    language=data["language"],
                    note=data["note"],
                )
            )
        except ValidationError as error:
            allowance.allowance_return(data["email"])
            _service_errors(form, error)
            return self._render(form, slot, status=422)
        except (SlotUnavailable, SlotNotOffered):
            allowance.allowance_return(data["email"])
            return self._render(form, None, status=409)
        _own_hold_remember(request, created.reservation)
        return see_other(
            reverse("weddings:reservation-pending", args=[created.reservation.reference])
        )

    def _render(self, form, slot, status=200):
        context = {
            "venue": self.venue,
            "start": self.start,
            "slot": slot,
            "form": form,
            "alternatives": [] if slot else _alternatives(self.venue, self.start),
            "high_demand": is_high_demand(self.start.astimezone(BERLIN).date()),
            "search_query": f"?month={self.start:%Y-%m}&day={self.start:%Y-%m-%d}",
        }
        return _private(render(self.request, self.template_name, context, status=status))


def _reference(value: str) -> str:
    if not REFERENCE_RE.fullmatch(value.upper()):
        raise Http404
    return value.upper()


@method_decorator(never_cache, name="dispatch")
class ReservationPendingView(View):
    """'Check your e-mail'. Shows nothing but the reference from the address."""

    def get(self, request, reference):
        policy = selectors.reservation_policy()
        hours, minutes = divmod(policy.pending_hold_minutes, 60)
        context = {
            "reference": _reference(reference),
            "hold_total": policy.pending_hold_minutes,
            "hold_hours": hours,
            "hold_minutes": minutes,
        }
        return render(request, "weddings/reservation_pending.html", context)


@method_decorator(never_cache, name="dispatch")
class ReservationConfirmView(View):
    """The link from the e-mail. GET only shows a button: link scanners must not confirm."""

    template_name = "weddings/reservation_confirm.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.reservation = selectors.reservation_by_reference(kwargs["reference"][:20])
        reservation = self.reservation
        if reservation is None or not token_matches(
            kwargs["token"], CONFIRM, reservation.reference, reservation.token_nonce
        ):
            raise Http404

    def get(self, request, reference, token):
        reservation = self.reservation
        expires_at = reservation.booking.expires_at
        lapsed = reservation.status == ReservationStatus.EXPIRED or (
            reservation.status == ReservationStatus.PENDING
            and expires_at is not None
            and expires_at <= timezone.now()
        )
        return self._render(reservation, expired=lapsed)

    def post(self, request, reference, token):
        try:
            reservation = services.reservation_confirm_email(
                reservation=self.reservation, token=token
            )
        except PermissionError:
            raise Http404 from None
        except SlotUnavailable:
            return self._render(self.reservation, expired=True, status=409)
        return see_other(
            reverse(
                "weddings:reservation-status",
                args=[reservation.reference, reservation.manage_token],
            )
        )

    def _render(self, reservation: Reservation, *, expired: bool, status: int = 200):
        context = {
            "reservation": reservation,
            "expired": expired,
            "status_url": reverse(
                "weddings:reservation-status",
                args=[reservation.reference, reservation.manage_token],
            ),
        }
        return _private(render(self.request, self.template_name, context, status=status))


class _ManageMixin:
    """Status page, calendar file and cancellation: reference plus management token."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.reservation = selectors.reservation_by_reference(kwargs["reference"][:20])
        if not services.reservation_authorised(self.reservation, kwargs["token"]):
            raise Http404


@method_decorator(never_cache, name="dispatch")
class ReservationStatusView(_ManageMixin, View):
    def get(self, request, reference, token):
        reservation = self.reservation
        policy = selectors.reservation_policy()
        notice_opens = notice_window_opens(
            wedding_day=reservation.start.astimezone(BERLIN).date(),
            window_months=policy.notice_window_months,
        )
        wedding_day = reservation.start.astimezone(BERLIN).date()
        active = reservation.status in ACTIVE_STATUSES
        today = selectors.today()
        context = {
            "reservation": reservation,
            "token": token,
            "active": active,
            # the data walks (handover.py): book the marriage notice, then the new ID card
            "notice_booking_url": (
                handover.notice_booking_url(
                    reference=reservation.reference, wedding_day=wedding_day
                )
                if active and not reservation.notice_filed_on and wedding_day >= today
                else ""
            ),
            "married": reservation.status == ReservationStatus.CONFIRMED and wedding_day < today,
            "id_card_url": handover.ID_CARD_PAGE,
            "expires_at": reservation.booking.expires_at,
            "notice_window_months": policy.notice_window_months,
            "notice_opens": notice_opens,
            "notice_open_now": notice_opens <= selectors.today(),
            "venue_refusal": selectors.venue_refusal(reservation),
        }
        return _private(render(request, "weddings/reservation_status.html", context))


@method_decorator(never_cache, name="dispatch")
class ReservationIcsView(_ManageMixin, View):
    def get(self, request, reference, token):
        response = ics_response(
            request,
            reservation_ics(self.reservation),
            last_modified=self.reservation.updated_at,
            filename=f"{self.reservation.reference}.ics",
        )
        return _private(response)


@method_decorator(never_cache, name="dispatch")
class ReservationCancelView(_ManageMixin, View):
    template_name = "weddings/reservation_cancel.html"

    def get(self, request, reference, token):
        low, high = services.reappear_delay_range()
        context = {
            "reservation": self.reservation,
            "token": token,
            "active": self.reservation.status in ACTIVE_STATUSES,
            "delay_low": low,
            "delay_high": high,
        }
        return _private(render(request, self.template_name, context))

    def post(self, request, reference, token):
        services.reservation_cancel_by_couple(reservation=self.reservation)
        return see_other(reverse("weddings:reservation-status", args=[reference, token]))
