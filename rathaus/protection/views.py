"""HTML side for pages that are not forms: the German 429 page and a decorator for reads."""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render

from .exceptions import Throttled
from .services import read_guard


def throttled_response(request, refusal: Throttled):
    response = render(
        request, "protection/throttled.html", {"message": refusal.message}, status=429
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response


def read_limited(scope: str):
    """Decorator for a function view (or `method_decorator(read_limited(...), name="get")`)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                read_guard(request, scope=scope)
            except Throttled as refusal:
                return throttled_response(request, refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
