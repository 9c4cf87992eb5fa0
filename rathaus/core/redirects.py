"""Redirects: after a form's POST (303, Post/Redirect/Get), and permanent ones from addresses
that moved (staff bookmarks, subscribed calendar feeds)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponsePermanentRedirect, HttpResponseRedirect

RedirectView = Callable[..., HttpResponsePermanentRedirect]


def see_other(url: str) -> HttpResponseRedirect:
    """303 See Other: after a POST the browser GETs `url`, so a reload never posts again."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def moved_permanently(old_prefix: str, new_prefix: str) -> RedirectView:
    """A view answering a path under `old_prefix` with 301 to the same rest under `new_prefix`,
    query string included. Works on the raw (still percent-encoded) path, so nothing is
    decoded and re-encoded on the way."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponsePermanentRedirect:
        path = request.get_full_path()
        if not path.startswith(old_prefix):  # a SCRIPT_NAME or a mount elsewhere: start over
            return HttpResponsePermanentRedirect(new_prefix)
        return HttpResponsePermanentRedirect(new_prefix + path[len(old_prefix) :])

    return view
