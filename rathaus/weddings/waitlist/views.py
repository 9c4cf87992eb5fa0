"""Public pages of the waiting list. Thin: reads through selectors, writes through services.

Pages reached with a token are never cached and not indexed; a wrong token is a 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from rathaus.core.redirects import see_other
from rathaus.weddings import selectors as weddings_selectors
from rathaus.weddings import services as weddings
from rathaus.weddings.forms import day_parse

from . import selectors, services
from .constants import WAITING_STATUSES, OfferStatus, WishStatus
from .forms import DeclineForm, WishForm

PROTECTION_SCOPE = "weddings.waiting_list"


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _status_url(wish) -> str:
    return reverse("waitlist:wish-status", args=[wish.reference, wish.manage_token])


def _service_errors(form, error: ValidationError) -> None:
    items = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for key, messages in items:
        for message in messages:
            form.add_error(key if key in form.fields else None, message)


@method_decorator(never_cache, name="dispatch")
class WishCreateView(View):
    """The wish form. `?datum=YYYY-MM-DD` (from the lottery) prefills the period."""

    template_name = "waitlist/wish_form.html"

    def get(self, request):
        initial = {}
        day = day_parse(request.GET.get("datum", "")[:10])
        if day:
            initial = {"first_day": day, "last_day": day}
        if request.GET.get("guests", "").isdigit():
            initial["guests"] = int(request.GET["guests"])
        return self._render(WishForm(initial=initial))

    def post(self, request):
        form = WishForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=422)
        data = form.cleaned_data
        if not form.protect(request, scope=PROTECTION_SCOPE, email=data["email"]):
            return form.protection_response(self._render(form, status=form.protection_status))
        try:
            services.wish_create(
                request=services.WishRequest(
                    partners=(
                        weddings.Partner(data["partner1_given_name"], data["partner1_family_name"]),
                        weddings.Partner(data["partner2_given_name"], data["partner2_family_name"]),
                    ),
                    email=data["email"],
                    phone=data["phone"],
                    guests=data["guests"],
                    language=data["language"],
                    first_day=data.get("first_day"),
                    last_day=data.get("last_day"),
                    days=tuple(data.get("days") or ()),
                    weekdays=frozenset(data.get("weekdays") or ()),
                    venues=tuple(data.get("venues") or ()),
                    time_of_day=data.get("time_of_day") or "",
                )
            )
        except ValidationError as error:
            _service_errors(form, error)
            return self._render(form, status=422)
        return see_other(reverse("waitlist:wish-pending"))

    def _render(self, form, status=200):
        earliest, latest = services.wish_window(timezone.now())
        context = {
            "form": form,
            "earliest": earliest,
            "latest": latest,
            "offer_hours": services.offer_hours(),
        }
        return render(self.request, self.template_name, context, status=status)


class WishPendingView(View):
    def get(self, request):
        return render(
            request, "waitlist/wish_pending.html", {"optin_days": services.OPTIN_VALID_DAYS}
        )


class _WishMixin:
    confirm_token = False

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.wish = selectors.wish_by_reference(kwargs["reference"][:20])
        if not selectors.wish_authorised(self.wish, kwargs["token"], confirm=self.confirm_token):
            raise Http404


@method_decorator(never_cache, name="dispatch")
class WishConfirmView(_WishMixin, View):
    """The opt-in link. GET only shows a button: link scanners must not confirm."""

    confirm_token = True
    template_name = "waitlist/wish_confirm.html"

    def get(self, request, reference, token):
        return self._render()

    def post(self, request, reference, token):
        try:
            wish = services.wish_confirm(wish=self.wish, token=token)
        except services.OptInExpired:
            return self._render(expired=True, status=410)
        return see_other(_status_url(wish))

    def _render(self, *, expired=False, status=200):
        context = {"wish": self.wish, "expired": expired, "status_url": _status_url(self.wish)}
        return _private(render(self.request, self.template_name, context, status=status))


@method_decorator(never_cache, name="dispatch")
class WishStatusView(_WishMixin, View):
    def get(self, request, reference, token):
        now = timezone.now()
        offers = [
            {"offer": offer, "state": selectors.offer_state(offer, now)}
            for offer in selectors.offers_of(self.wish)
        ]
        accepted = next((o for o in offers if o["state"] == OfferStatus.ACCEPTED), None)
        status = WishStatus.FULFILLED if accepted else WishStatus(self.wish.status)
        context = {
            "status": status,
            "wish": self.wish,
            "token": token,
            "offers": offers,
            "open_offer": next((o for o in offers if o["state"] == OfferStatus.OPEN), None),
            "accepted": accepted,
            "waiting": self.wish.status in WAITING_STATUSES and not accepted,
            "venues": list(self.wish.venues.all()),
        }
        return _private(render(request, "waitlist/wish_status.html", context))


@method_decorator(never_cache, name="dispatch")
class WishWithdrawView(_WishMixin, View):
    template_name = "waitlist/wish_withdraw.html"

    def get(self, request, reference, token):
        context = {
            "wish": self.wish,
            "token": token,
            "active": self.wish.status in WAITING_STATUSES,
        }
        return _private(render(request, self.template_name, context))

    def post(self, request, reference, token):
        services.wish_withdraw(wish=self.wish)
        return see_other(_status_url(self.wish))


@method_decorator(never_cache, name="dispatch")
class OfferDeclineView(View):
    """The decline link of an offer e-mail: the reservation's reference and management token."""

    template_name = "waitlist/offer_decline.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        reservation = weddings_selectors.reservation_by_reference(kwargs["reference"][:20])
        if not weddings.reservation_authorised(reservation, kwargs["token"]):
            raise Http404
        self.offer = selectors.offer_by_reservation(reservation)
        if self.offer is None:
            raise Http404

    def get(self, request, reference, token):
        return self._render(DeclineForm())

    def post(self, request, reference, token):
        form = DeclineForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=422)
        services.offer_decline(offer=self.offer, remove_from_list=form.cleaned_data["remove"])
        return see_other(_status_url(self.offer.wish))

    def _render(self, form, status=200):
        offer = self.offer
        reservation = offer.reservation
        state = selectors.offer_state(offer, timezone.now())
        context = {
            "offer": offer,
            "reservation": reservation,
            "state": state,
            "form": form,
            "accept_url": reverse(
                "weddings:reservation-confirm",
                args=[reservation.reference, reservation.confirm_token],
            ),
            "status_url": _status_url(offer.wish),
            "wish_waiting": offer.wish.status == WishStatus.ACTIVE,
        }
        return _private(render(self.request, self.template_name, context, status=status))
