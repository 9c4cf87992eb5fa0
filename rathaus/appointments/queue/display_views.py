"""The call display of a waiting room at /buergerbuero/anzeige/<location>/: public and
read-only, a number and a counter, never a name. The page refreshes itself without
JavaScript; with it, `queue-display.js` polls `stand.json` and plays each new call's
announcement from `ton/<key>.wav`. The key must belong to a call of today at that location,
so nobody can make the server synthesise a text of their choosing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from rathaus.appointments.models import Location
from rathaus.appointments.staff_selectors import location_or_404
from rathaus.core.live import live_follow_url
from rathaus.core.timezone import BERLIN

from .display_selectors import call_of_key
from .selectors import CallLine, QueueState, queue_state
from .services import live_channel
from .speech import SpeechUnavailable, announcement_audio, announcement_key, gong_audio

# The last calls the page and the JSON carry (the display catches up from them).
LAST_CALLS = 6
# Calls of today an audio key is checked against.
AUDIO_CALLS = 100
# Languages of the announcement, German always first. Per location (by slug) in the setting
# RATHAUS_QUEUE_ANNOUNCE_LANGUAGES, e.g. {"rathaus": ["de", "en", "tr"]}.
DEFAULT_LANGUAGES = ("de", "en")


def announce_languages(location: Location) -> tuple[str, ...]:
    configured = getattr(settings, "RATHAUS_QUEUE_ANNOUNCE_LANGUAGES", {}) or {}
    chosen = [code for code in configured.get(location.slug, DEFAULT_LANGUAGES) if code != "de"]
    return ("de", *chosen)


def _audio_url(location: Location, line: CallLine, languages: tuple[str, ...]) -> str:
    key = announcement_key(line.number, line.counter, languages)
    return reverse("queue_display:audio", args=[location.slug, key])


def _payload(location: Location, state: QueueState) -> dict[str, Any]:
    languages = announce_languages(location)
    minutes = state.walk_in_minutes
    return {
        "last_call_id": state.last_call_id,
        "calls": [
            {
                "id": line.id,
                "number": line.number,
                "counter": line.counter,
                "at": line.called_at.astimezone(BERLIN).isoformat(),
                "audio": _audio_url(location, line, languages),
            }
            for line in state.calls
        ],
        "current": [{"counter": line.counter, "number": line.number} for line in state.current],
        "waiting_count": state.waiting,
        "walk_in_wait_minutes": None if minutes is None else round(minutes),
    }


def _state(location: Location, now: datetime) -> QueueState:
    return queue_state(location, now, last=LAST_CALLS)


@never_cache
def page(request: HttpRequest, location: str) -> HttpResponse:
    place = location_or_404(location)
    now = timezone.now()
    state = _state(place, now)
    context = {
        "location": place,
        "state": state,
        "recent": list(reversed(state.calls)),
        "walk_in_minutes": None if state.walk_in_minutes is None else round(state.walk_in_minutes),
        "now": now,
        "state_url": reverse("queue_display:state", args=[place.slug]),
        "live_url": live_follow_url(live_channel(place.pk)),
    }
    return render(request, "queue/display/page.html", context)


@never_cache
def state(request: HttpRequest, location: str) -> JsonResponse:
    place = location_or_404(location)
    return JsonResponse(_payload(place, _state(place, timezone.now())))


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
