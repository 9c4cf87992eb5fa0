"""The online plate lookup (plate-bound permits, § 63g StVG) as a page that works without
JavaScript and as JSON for the app, and the revocation list the app keeps offline. Thin: reads
in `selectors`, the lookup and its log in `services`. Plates come by POST only, so they land
in no access log and no browser history; none is written to the application log."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core.revision import assuming_revision
from rathaus.core.timezone import to_local

from . import selectors, services
from .access import enforcement_api, enforcement_page
from .forms import PlateLookupForm


def _reading_json(reading: selectors.Reading) -> dict:
    return {
        "plate": reading.plate,
        "allowed": reading.allowed,
        "permits": [
            {
                "kind": permit.kind,
                "zone": permit.zone.slug,
                "zone_name": permit.zone.name,
                "valid_until": permit.valid_until.isoformat(),
                "in_grace": permit.in_grace,
            }
            for permit in reading.permits
        ],
    }


def _lookup(request, form: PlateLookupForm) -> services.LookupAnswer | None:
    """The answer of a valid form (logged), or None with the error on the form."""
    try:
        return services.plate_lookup(
            officer=request.user,
            text=form.cleaned_data["kennzeichen"],
            zone_slug=form.cleaned_data.get("zone") or "",
            now=timezone.now(),
            facts=form.zones,
        )
    except services.ZoneUnknown:
        form.add_error("zone", form.fields["zone"].error_messages["invalid_choice"])
    return None


@enforcement_page()
@require_http_methods(["GET", "POST"])
def plate_lookup(request):
    answer = None
    if request.method == "POST":
        form = PlateLookupForm(request.POST)
        if form.is_valid():
            answer = _lookup(request, form)
    else:
        form = PlateLookupForm()
    status = 400 if form.errors else 200
    return render(
        request, "enforcement/plate_lookup.html", {"form": form, "answer": answer}, status=status
    )


@enforcement_api()
@require_POST
def plate_api(request):
    # every officer's every lookup: its one write carries the configuration check
    # (docs/decisions/0023-one-statement-writes.md)
    return assuming_revision(lambda: _plate_api(request))


def _plate_api(request):
    form = PlateLookupForm(request.POST)
    answer = _lookup(request, form) if form.is_valid() else None
    if answer is None:
        errors = [str(error) for field in form for error in field.errors]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    return JsonResponse(
        {
            "query": answer.query,
            "checked_at": to_local(answer.checked_at).isoformat(timespec="seconds"),
            "readings": [_reading_json(reading) for reading in answer.readings],
        }
    )


@enforcement_api()
@require_GET
def revocations(request):
    return JsonResponse(selectors.revocation_list(now=timezone.now()))
