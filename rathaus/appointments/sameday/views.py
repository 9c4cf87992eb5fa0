"""The citizen's same-day pages: the locations, a location's request form (hammered at the
window's opening: one cached read and one insert), the result page and its JSON document."""

from __future__ import annotations

import functools
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from rathaus.appointments.models import Location
from rathaus.appointments.same_day import release_moment
from rathaus.core import guards
from rathaus.core.revision import assuming_revision, revision_pinned
from rathaus.core.timezone import BERLIN

from . import selectors
from .forms import SameDayRequestForm, request_quick_parse
from .services.draws import draw_ensure
from .services.requests import RequestRefused, request_submit


def _location(slug: str) -> Location:
    location = selectors.same_day_location(slug[:40])
    if location is None:
        raise Http404
    return location


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise Http404 from None


@never_cache
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "sameday/home.html", {"locations": selectors.locations_with_same_day()})


def _page(
    request: HttpRequest,
    location: Location,
    form: SameDayRequestForm,
    *,
    error: object = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    day = now.astimezone(BERLIN).date()
    draw = draw_ensure(location, day, now=now)  # publishes the commitment before any request
    return render(
        request,
        "sameday/location.html",
        {
            "location": location,
            "day": day,
            "state": selectors.draw_state(draw, now),
            "draw": draw,
            "form": form,
            "error": error,
            "release_at": release_moment(location, day),
        },
        status=status,
    )


def location_page(request: HttpRequest, slug: str) -> HttpResponse:
    # Hammered at the window's opening: a submission assumes the configuration this process
    # read last and its one INSERT checks that assumption; only when the configuration moved
    # (or is not cached yet) does it run again after a revision check.
    if request.method == "POST":
        response = assuming_revision(lambda: _location_page(request, slug))
        # what never_cache sends, without formatting an Expires date on every request
        response["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
        return response
    with revision_pinned():  # the catalogue as of one revision check
        response = _location_page(request, slug)
    add_never_cache_headers(response)
    return response


_GUARDED = "_same_day_guarded"  # the rate limits count an attempt once, even when it runs twice


def _location_page(request: HttpRequest, slug: str) -> HttpResponse:
    location = _location(slug)
    if request.method != "POST":
        return _page(request, location, SameDayRequestForm(location=location))
    quick = request_quick_parse(request.POST, location)
    form = None
    if quick is None:  # something is missing or wrong: the form says what
        form = SameDayRequestForm(request.POST, location=location)
        if not form.is_valid():
            return _page(request, location, form, status=400)
        quick = (form.persons(), form.cleaned_data["email"], form.cleaned_data["reason"])
    persons, email, reason = quick
    try:  # the same bot protection and rate limits as every public form (rathaus/protection)
        if not getattr(request, _GUARDED, False):  # a run again after RevisionMoved: once is enough
            guards.submission_check(request, scope="appointments.same_day", email=email)
            setattr(request, _GUARDED, True)
    except guards.SubmissionRefused as refusal:
        form = form or SameDayRequestForm(request.POST, location=location)
        form.is_valid()
        response = _page(request, location, form, error=refusal.message, status=refusal.status)
        if refusal.retry_after:
            response["Retry-After"] = str(refusal.retry_after)
        return response
    try:
        made = request_submit(
            location=location,
            persons=persons,
            email=email,
            reason=reason,
            language=(get_language() or "de")[:2],
            now=timezone.now(),
        )
    except RequestRefused as error:
        form = form or SameDayRequestForm(request.POST, location=location)
        return _page(
            request, location, form, error=error.message, status=409 if error.conflict else 400
        )
    # our own path and a reference of letters and digits: nothing for HttpResponseRedirect's
    # encoding and scheme checks to do, which cost a tenth of the request's own work
    response = HttpResponse(status=302)
    response["Location"] = _received_path(location.slug).replace(_MARK, made.reference)
    return response


_MARK = "SD-REFERENCE"


@functools.lru_cache(maxsize=64)
def _received_path(slug: str) -> str:
    """The "received" page's address with a mark for the reference: reversed once per
    location, not on every request of the window's first seconds."""
    return reverse("sameday:received", args=[slug, _MARK])


@never_cache
def received(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    location = _location(slug)
    made = selectors.request_by_reference(reference[:16])
    if made is None or made.draw.location_id != location.pk:
        raise Http404
    return render(
        request,
        "sameday/received.html",
        {"location": location, "reference": made.reference, "draw": made.draw},
    )


@never_cache
def result(request: HttpRequest, slug: str, day: str) -> HttpResponse:
    location = _location(slug)
    draw = selectors.draw_of(location, _day(day))
    if draw is None:
        raise Http404
    document = selectors.draw_document(draw)
    won = sum(1 for placement in document["allocation"].values() if placement)
    return render(
        request,
        "sameday/result.html",
        {
            "location": location,
            "draw": draw,
            "document": document,
            "won": won,
            "state": selectors.draw_state(draw, timezone.now()),
        },
    )


@never_cache
def result_json(request: HttpRequest, slug: str, day: str) -> HttpResponse:
    location = _location(slug)
    draw = selectors.draw_of(location, _day(day))
    if draw is None:
        raise Http404
    response = JsonResponse(selectors.draw_document(draw), json_dumps_params={"indent": 1})
    response["Content-Disposition"] = f'inline; filename="ergebnis-{location.slug}-{draw.day}.json"'
    return response
