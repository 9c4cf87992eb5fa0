"""The call display of a waiting room at /buergerbuero/anzeige/<location>/: public and
read-only, a number and a counter, never a name. The page refreshes itself without
JavaScript; with it, `queue-display.js` shows the state each event of the live channel
carries (or polls `stand.json` without a live server) and plays each new call's
announcement from `ton/<key>.wav`. The key must belong to a call of today at that location,
so nobody can make the server synthesise a text of their choosing."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from rathaus.appointments.staff_selectors import location_or_404
from rathaus.core.live import live_follow_url

from .display_selectors import call_of_key
from .selectors import (
    DEFAULT_LANGUAGES,
    LAST_CALLS,
    announce_languages,
    display_payload,
    queue_state,
)
from .services import live_channel
from .speech import SpeechUnavailable, announcement_audio, announcement_key, gong_audio

__all__ = ["DEFAULT_LANGUAGES", "announce_languages"]

# Calls of today an audio key is checked against.
AUDIO_CALLS = 100


@never_cache
def page(request: HttpRequest, location: str) -> HttpResponse:
    place = location_or_404(location)
    now = timezone.now()
    state = queue_state(place, now, last=LAST_CALLS)
    context = {
        "location": place,
        "state": state,
        "recent": list(reversed(state.calls)),
        "walk_in_minutes": None if state.walk_in_minutes is None else round(state.walk_in_minutes),
        "now": now,
        "state_url": reverse("queue_display:state", args=[place.slug]),
        # served before the phones: the whole waiting room looks at it
        "live_url": live_follow_url(live_channel(place.pk), first=True),
    }
    return render(request, "queue/display/page.html", context)


@never_cache
def state(request: HttpRequest, location: str) -> JsonResponse:
    place = location_or_404(location)
    return JsonResponse(display_payload(place, timezone.now()))


def audio(request: HttpRequest, location: str, key: str) -> FileResponse:
    place = location_or_404(location)
    languages = announce_languages(place)

    def spoken(number: str, counter: str) -> str:
        return announcement_key(number, counter, languages)

    found = call_of_key(place, timezone.now(), spoken, key, last=AUDIO_CALLS)
    if found is None:
        raise Http404
    number, counter = found
    try:
        path = announcement_audio(number, counter, languages)
    except (SpeechUnavailable, ValueError):
        path = gong_audio()
    response = FileResponse(path.open("rb"), content_type="audio/wav")
    # The key names exactly what is said; the same key never sounds different.
    response["Cache-Control"] = "public, max-age=86400, immutable"
    return response
