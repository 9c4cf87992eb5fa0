"""Public pages of the lottery. Thin: reads through selectors, writes through services.

Pages reached with an application token are never cached and not indexed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from rathaus.core.redirects import see_other
from rathaus.weddings.dates import is_high_demand
from rathaus.weddings.services import Partner

from . import selectors, services
from .constants import LotteryState
from .forms import ApplicationForm
from .publication import lottery_document
from .slots import lottery_slots_offered
from .tokens import CONFIRM, MANAGE, application_token_matches

PROTECTION_SCOPE = "weddings.lottery_application"


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _day(value: str):
    day = selectors.day_parse(value)
    if day is None:
        raise Http404
    return day


class LotteryListView(View):
    def get(self, request):
        infos = selectors.lotteries_public(now=timezone.now())
        context = {
            "nav": "lottery",
            "open": [i for i in infos if i.state == LotteryState.OPEN],
            "upcoming": [i for i in infos if i.state == LotteryState.UPCOMING],
            "closed": [i for i in infos if i.state == LotteryState.CLOSED],
            "drawn": [i for i in infos if i.state == LotteryState.DRAWN],
            "window_days": selectors.window_days(),
        }
        return render(request, "lottery/lottery_list.html", context)


class LotteryDetailView(View):
    """Rules, commitment, the offered times, the application form and, after the draw, the
    result by reference."""

    template_name = "lottery/lottery_detail.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.now = timezone.now()
        self.day = _day(kwargs["day"])
        self.lottery = services.lottery_get_or_create(self.day, now=self.now)
        if self.lottery is None or self.lottery.excluded:
            self.lottery = None
            info = selectors.lottery_days_between(self.day, self.day, now=self.now).get(self.day)
            if info is None:
                raise Http404
            self.info = info
        else:
            self.info = None

    def get(self, request, day):
        return self._render(self._form())

    def post(self, request, day):
        form = self._form(request.POST)
        if self.lottery is None or self._state() != LotteryState.OPEN:
            return self._render(form, status=409)
        if not form.is_valid():
            return self._render(form, status=422)
        data = form.cleaned_data
        if not form.protect(request, scope=PROTECTION_SCOPE, email=data["email"]):
            return form.protection_response(self._render(form, status=form.protection_status))
        try:
            application = services.application_submit(
                lottery=self.lottery,
                request=services.ApplicationRequest(
                    partners=(
                        Partner(data["partner1_given_name"], data["partner1_family_name"]),
                        Partner(data["partner2_given_name"], data["partner2_family_name"]),
                    ),
                    email=data["email"],
                    phone=data["phone"],
                    guests=data["guests"],
                    language=data["language"],
                    preferences=form.preferences(),
                ),
                now=self.now,
            )
        except ValidationError as error:
            _errors_onto(form, error)
            return self._render(form, status=422)
        except services.LotteryError as error:
            form.add_error(None, error.message)
            return self._render(form, status=409)
        return see_other(reverse("lottery:application-pending", args=[application.reference]))

    def _state(self) -> str:
        if self.lottery is None:
            return self.info.state
        return selectors.lottery_state(self.lottery, self.now)

    def _slots(self):
        if self.lottery is None or self._state() not in (LotteryState.OPEN, LotteryState.UPCOMING):
            return []
        return lottery_slots_offered(self.lottery, self.now)

    def _form(self, data=None):
        form = ApplicationForm(data, slots=self._slots())
        if data is None and self.request.GET.get("guests", "").isdigit():
            form.initial["guests"] = int(self.request.GET["guests"])
        return form

    def _render(self, form, status=200):
        state = self._state()
        context = {
            "nav": "lottery",
            "day": self.day,
            "lottery": self.lottery,
            "info": self.info,
            "state": state,
            "automatic": is_high_demand(self.day),
            "slots": form.slots.values(),
            "form": form,
            "window_days": selectors.window_days(),
            "results": selectors.draw_results_public(self.lottery)
            if state == LotteryState.DRAWN
            else [],
            "counts": selectors.application_counts(self.lottery) if self.lottery else {},
        }
        return render(self.request, self.template_name, context, status=status)


def _errors_onto(form, error: ValidationError) -> None:
    items = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for key, messages in items:
        for message in messages:
            form.add_error(key if key in form.fields else None, message)


class ResultDocumentView(View):
    """The document anyone can recompute the draw from (docs/lottery.md)."""

    def get(self, request, day):
        lottery = selectors.lottery_for_day(_day(day))
        if lottery is None or lottery.excluded:
            raise Http404
        response = JsonResponse(
            lottery_document(lottery, now=timezone.now()),
            json_dumps_params={"indent": 2, "ensure_ascii": False},
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response


@method_decorator(never_cache, name="dispatch")
class ApplicationPendingView(View):
    def get(self, request, reference):
        reference = reference.upper()
        if not selectors.REFERENCE_SHAPE.fullmatch(reference):
            raise Http404
        return render(request, "lottery/application_pending.html", {"reference": reference})


class _TokenMixin:
    purpose = MANAGE

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.application = selectors.application_by_reference(kwargs["reference"])
        if not application_token_matches(kwargs["token"], self.purpose, self.application):
            raise Http404


@method_decorator(never_cache, name="dispatch")
class ApplicationConfirmView(_TokenMixin, View):
    """The link from the e-mail. GET only shows a button: link scanners must not confirm."""

    purpose = CONFIRM
    template_name = "lottery/application_confirm.html"

    def get(self, request, reference, token):
        return self._render()

    def post(self, request, reference, token):
        try:
            application = services.application_confirm_email(
                application=self.application, token=token
            )
        except PermissionError:
            raise Http404 from None
        except services.LotteryError as error:
            return self._render(error=error.message, status=409)
        return see_other(_status_url(application))

    def _render(self, error=None, status=200):
        context = {
            "application": self.application,
            "lottery": self.application.lottery,
            "error": error,
            "status_url": _status_url(self.application),
        }
        return _private(render(self.request, self.template_name, context, status=status))


def _status_url(application) -> str:
    return reverse(
        "lottery:application-status", args=[application.reference, application.manage_token]
    )


@method_decorator(never_cache, name="dispatch")
class ApplicationStatusView(_TokenMixin, View):
    def get(self, request, reference, token):
        return self._render()

    def post(self, request, reference, token):
        """Withdraw the application (before the close)."""
        try:
            self.application = services.application_withdraw(
                application=self.application, token=token
            )
        except services.LotteryError as error:
            return self._render(error=error.message, status=409)
        return see_other(request.path)

    def _render(self, error=None, status=200):
        application = self.application
        lottery = application.lottery
        now = timezone.now()
        result = getattr(application, "result", None)
        context = {
            "application": application,
            "lottery": lottery,
            "state": selectors.lottery_state(lottery, now),
            "preferences": selectors.application_preferences(application),
            "result": result,
            "reservation": result.reservation if result else None,
            "can_withdraw": application.status in ("pending", "entered")
            and now < lottery.closes_at,
            "waitlist_url": selectors.waitlist_url(),
            "error": error,
        }
        return _private(
            render(self.request, "lottery/application_status.html", context, status=status)
        )
