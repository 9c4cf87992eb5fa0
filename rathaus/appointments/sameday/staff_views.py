"""The citizen-office administration's same-day page: today's draws per location, with the
winners' declared urgent reasons for the counter to check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rathaus.accounts.access import staff_page
from rathaus.core.timezone import BERLIN

from . import selectors


@staff_page(selectors.access_same_day_staff)
def staff_home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    day = now.astimezone(BERLIN).date()
    draws = [
        {
            "draw": draw,
            "state": selectors.draw_state(draw, now),
            "counts": selectors.request_counts(draw),
            "won": list(selectors.winners_of(draw)),
        }
        for draw in selectors.draws_of_day(day)
    ]
    return render(request, "sameday/staff_home.html", {"day": day, "draws": draws})
