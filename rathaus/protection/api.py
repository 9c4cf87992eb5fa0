"""JSON side of the bot protection: the challenge endpoint and a guard for ninja endpoints.

The router is mounted at /api/v1/altcha/. A protected endpoint calls `api_guard` first and
returns what it returns, if anything::

    refused = api_guard(request, scope="weddings.reservation", email=payload.email,
                        payload=payload.altcha)
    if refused is not None:
        return refused

The proof travels in the header `X-Altcha` or in a body field `altcha` (docs/api.md).
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from ninja import Router

from . import services
from .conf import protection_on
from .exceptions import ProofRejected, Throttled

router = Router(tags=["Bot protection"])


def throttled_json(refusal: Throttled) -> JsonResponse:
    response = JsonResponse(
        {"detail": f"Too many requests; retry in {refusal.retry_after} seconds."}, status=429
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


_DETAIL = {
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        }
    }
}


@router.get(
    "/challenge",
    url_name="altcha-challenge",
    summary="A new ALTCHA proof-of-work challenge (for the widget or an API client)",
    openapi_extra={
        "responses": {
            200: {
                "description": "A challenge: `parameters` and `signature` (ALTCHA v2)",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            404: {"description": "Bot protection is switched off", "content": _DETAIL},
            429: {"description": "Too many challenges; see Retry-After", "content": _DETAIL},
        }
    },
)
def altcha_challenge(request):
    if not protection_on():
        return _no_store(JsonResponse({"detail": "Bot protection is switched off."}, status=404))
    try:
        services.challenge_guard(request)
    except Throttled as refusal:
        return _no_store(throttled_json(refusal))
    return _no_store(JsonResponse(services.altcha_challenge_create()))


def api_guard(
    request, *, scope: str, email: str | None = None, payload: str | None = None
) -> HttpResponse | None:
    """None when the request may go on, else the 403 or 429 JSON response to return."""
    if not payload:
        payload = request.headers.get("X-Altcha", "")
    try:
        services.submission_guard(request, scope=scope, email=email, payload=payload)
    except Throttled as refusal:
        return throttled_json(refusal)
    except ProofRejected as refusal:
        return JsonResponse({"detail": refusal.detail}, status=403)
    return None


def api_read_guard(request, *, scope: str) -> HttpResponse | None:
    """None, or the 429 JSON response for a read endpoint over RATHAUS_RATE_LIMIT_READ_IP."""
    try:
        services.read_guard(request, scope=scope)
    except Throttled as refusal:
        return throttled_json(refusal)
    return None
