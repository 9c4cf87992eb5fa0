"""Placeholder views; the public pages are being written (see issue 3)."""

from django.http import Http404
from django.views import View


class _NotYet(View):
    def get(self, request, *args, **kwargs):
        raise Http404


SearchView = NextFreeView = VenueDetailView = ReservationCreateView = _NotYet
ReservationPendingView = ReservationConfirmView = ReservationStatusView = _NotYet
ReservationIcsView = ReservationCancelView = _NotYet
