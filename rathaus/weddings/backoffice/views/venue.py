"""Venue pages: the venue's calendar, blocks for private events, the venue's agreement,
the subscribable feed and the import of the venue's own calendar.

Venue operators reach only their own venues (`access_venue`); the registry office reaches all.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from rathaus.audit.selectors import audit_lines_for
from rathaus.core.ics import ics_response
from rathaus.core.timezone import BERLIN
from rathaus.scheduling import services as scheduling

from .. import ics_import, selectors, services
from ..forms import (
    AgreementForm,
    CalendarFileForm,
    CalendarUrlForm,
    DeclineForm,
    TimeSpanForm,
    day_or_today,
)
from ..selectors import access_backoffice, access_venue, access_venue_reservation
from .base import BackofficeView, done, see_other

CALENDAR_DAYS = 28


class VenueListView(BackofficeView):
    template_name = "weddings/backoffice/venue_list.html"

    def get(self, request):
        access_backoffice(request.user)
        venues = list(selectors.venues_of(request.user).order_by("name"))
        if not venues and not selectors.is_registry_office(request.user):
            raise Http404
        context = {"venues": venues, "is_office": selectors.is_registry_office(request.user)}
        return render(request, self.template_name, context)


def _agenda(venue, first, last):
    """Ceremonies and blocks of the venue, day by day."""
    days: dict = {}
    for ceremony in selectors.venue_ceremonies(venue, first, last):
        days.setdefault(ceremony.start.astimezone(BERLIN).date(), []).append(
            {"kind": "ceremony", "start": ceremony.start, "end": ceremony.end, "item": ceremony}
        )
    for closure in selectors.closures_of(venue.resource_id, first, last):
        day = max(closure.start.astimezone(BERLIN).date(), first)
        days.setdefault(day, []).append(
            {"kind": "block", "start": closure.start, "end": closure.end, "item": closure}
        )
    return [
        (day, sorted(entries, key=lambda e: e["start"])) for day, entries in sorted(days.items())
    ]


def _calendar_context(request, venue, block_form=None):
    first = day_or_today(request.GET.get("ab"))
    last = first + timedelta(days=CALENDAR_DAYS - 1)
    return {
        "venue": venue,
        "first": first,
        "last": last,
        "previous": first - timedelta(days=CALENDAR_DAYS),
        "next": last + timedelta(days=1),
        "agenda": _agenda(venue, first, last),
        "open_agreements": selectors.venue_agreements_open(venue),
        "block_form": block_form or TimeSpanForm(),
        "is_office": selectors.is_registry_office(request.user),
        "history": audit_lines_for(venue, limit=30),
    }


class VenueCalendarView(BackofficeView):
    template_name = "weddings/backoffice/venue_calendar.html"

    def get(self, request, slug):
        venue = access_venue(request.user, slug)
        return render(request, self.template_name, _calendar_context(request, venue))


class VenueBlockCreateView(BackofficeView):
    def get(self, request, slug):
        return see_other(reverse("backoffice:venue", args=[slug]))

    def post(self, request, slug):
        venue = access_venue(request.user, slug)
        form = TimeSpanForm(request.POST)
        if form.is_valid():
            try:
                scheduling.closure_create(
                    actor=request.user,
                    resource=venue.resource,
                    owner=venue,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    reason=form.cleaned_data["reason"] or _("Private event"),
                )
            except services.REFUSALS as error:
                form.add_error(None, error.message)
            else:
                url = reverse("backoffice:venue", args=[slug])
                return done(request, url, _("The time is blocked for ceremonies."))
        context = _calendar_context(request, venue, block_form=form)
        return render(request, VenueCalendarView.template_name, context, status=422)


class VenueBlockDeleteView(BackofficeView):
    def post(self, request, slug, closure_id):
        venue = access_venue(request.user, slug)
        closure = selectors.closure_find(closure_id, resource_id=venue.resource_id, imported=False)
        if closure is None:
            raise Http404
        scheduling.closure_delete(actor=request.user, closure=closure, owner=venue)
        url = reverse("backoffice:venue", args=[slug])
        return done(request, url, _("The block is removed."))


class VenueAgreementView(BackofficeView):
    """Agree with one click; declining goes to the page that asks for a reason first."""

    def post(self, request, slug, reference):
        _venue, reservation = access_venue_reservation(request.user, slug, reference)
        form = AgreementForm(request.POST)
        url = reverse("backoffice:venue", args=[slug])
        if not form.is_valid():
            return see_other(url)
        if form.cleaned_data["decision"] == "decline":
            return see_other(
                reverse("backoffice:venue-decline", args=[slug, reservation.reference])
            )
        try:
            services.reservation_venue_decide(
                actor=request.user, reservation=reservation, agreed=True
            )
        except services.REFUSALS as error:
            return done(request, url, error.message)
        return done(request, url, _("You agreed to the wedding."))


class VenueDeclineView(BackofficeView):
    """Decline a wedding: the venue confirms and gives a reason the couple is sent."""

    template_name = "weddings/backoffice/venue_decline.html"

    def _render(self, request, venue, reservation, form, status=200):
        context = {"venue": venue, "reservation": reservation, "form": form}
        return render(request, self.template_name, context, status=status)

    def get(self, request, slug, reference):
        venue, reservation = access_venue_reservation(request.user, slug, reference)
        return self._render(request, venue, reservation, DeclineForm())

    def post(self, request, slug, reference):
        venue, reservation = access_venue_reservation(request.user, slug, reference)
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                services.reservation_venue_decide(
                    actor=request.user,
                    reservation=reservation,
                    agreed=False,
                    reason=form.cleaned_data["reason"],
                )
            except services.REFUSALS as error:
                form.add_error(None, error.message)
            else:
                url = reverse("backoffice:venue", args=[slug])
                return done(
                    request,
                    url,
                    _("You declined the wedding. The couple and the registry office are told."),
                )
        return self._render(request, venue, reservation, form, status=422)


class FeedManageView(BackofficeView):
    """Create, replace or revoke the secret feed address of one venue or registrar."""

    template_name = "weddings/backoffice/feed.html"

    def owner(self, request, key):
        raise NotImplementedError

    def owner_kwargs(self, owner) -> dict:
        raise NotImplementedError

    def back_url(self, owner) -> str:
        raise NotImplementedError

    def _render(self, request, owner, token=None):
        context = {
            "owner_name": str(owner),
            "back_url": self.back_url(owner),
            "feed": selectors.feed_token_active(**self.owner_kwargs(owner)),
            "feed_url": request.build_absolute_uri(reverse("backoffice:feed", args=[token]))
            if token
            else None,
        }
        return render(request, self.template_name, context)

    def get(self, request, key):
        return self._render(request, self.owner(request, key))

    def post(self, request, key):
        owner = self.owner(request, key)
        if request.POST.get("action") == "revoke":
            services.feed_token_revoke(actor=request.user, **self.owner_kwargs(owner))
            return done(request, request.path, _("The feed address no longer works."))
        token = services.feed_token_create(actor=request.user, **self.owner_kwargs(owner))
        return self._render(request, owner, token)


class VenueFeedView(FeedManageView):
    def owner(self, request, key):
        return access_venue(request.user, key)

    def owner_kwargs(self, owner):
        return {"venue": owner}

    def back_url(self, owner):
        return reverse("backoffice:venue", args=[owner.slug])


class VenueImportView(BackofficeView):
    template_name = "weddings/backoffice/venue_import.html"

    def _render(self, request, venue, *, url_form=None, file_form=None, result=None, error=None):
        source = selectors.venue_calendar_source_of(venue)
        context = {
            "venue": venue,
            "source": source,
            "url_form": url_form or CalendarUrlForm(initial={"url": source.url if source else ""}),
            "file_form": file_form or CalendarFileForm(),
            "result": result,
            "error": error,
        }
        return render(request, self.template_name, context, status=422 if error else 200)

    def get(self, request, slug):
        return self._render(request, access_venue(request.user, slug))

    def post(self, request, slug):
        venue = access_venue(request.user, slug)
        try:
            if "file" in request.FILES:
                return self._import_file(request, venue)
            return self._import_address(request, venue)
        except ics_import.ImportFailed as error:
            return self._render(request, venue, error=error.message)

    def _import_file(self, request, venue):
        form = CalendarFileForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, venue, file_form=form, error=_("Please check the file."))
        result = services.venue_calendar_import(
            actor=request.user, venue=venue, data=form.cleaned_data["file"]
        )
        return self._render(request, venue, result=result)

    def _import_address(self, request, venue):
        form = CalendarUrlForm(request.POST)
        if not form.is_valid():
            return self._render(request, venue, url_form=form, error=_("Please check the address."))
        source = services.venue_calendar_source_set(
            actor=request.user, venue=venue, url=form.cleaned_data["url"]
        )
        if source is None:
            url = reverse("backoffice:venue-import", args=[venue.slug])
            return done(request, url, _("The nightly import is switched off."))
        result = services.venue_calendar_source_import(actor=request.user, source=source)
        return self._render(request, venue, result=result)


class FeedView(View):
    """The calendar feed behind a secret URL: no login, so calendar apps can subscribe."""

    def get(self, request, token):
        feed = selectors.feed_by_token(token)
        if feed is None:
            raise Http404
        services.feed_token_use(feed=feed)
        response = ics_response(  # ETag, Last-Modified, 304
            request, selectors.feed_ics(feed), last_modified=selectors.feed_last_modified(feed)
        )
        response["Cache-Control"] = "private, max-age=900"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
