"""The drift of the catalogue's minutes at /verwaltung/buergerbuero/abweichungen/: services
whose measured median differs from the configured minutes by more than 20 %, each with a
one-click adoption of the median (on the 5-minute grid) through the audited catalogue edit."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rathaus.accounts.access import staff_page
from rathaus.appointments.services.catalogue import CatalogueRefused
from rathaus.appointments.staff_selectors import access_citizen_office_staff, service_or_404
from rathaus.core.redirects import see_other

from .constants import DRIFT_PERCENT, SAMPLE_DAYS, SAMPLE_MINIMUM, SAMPLE_WINDOW
from .services import duration_adopt
from .services.drift_report import drift_lines

staff_required = staff_page(access_citizen_office_staff)


@staff_required
def page(request: HttpRequest) -> HttpResponse:
    context = {
        "lines": drift_lines(timezone.now()),
        "percent": DRIFT_PERCENT,
        "window": SAMPLE_WINDOW,
        "days": SAMPLE_DAYS,
        "minimum": SAMPLE_MINIMUM,
    }
    return render(request, "queue/drift/page.html", context)


@staff_required
@require_POST
def adopt(request: HttpRequest, service: str) -> HttpResponse:
    found = service_or_404(service)
    # the suggestion is taken from the measurement now, the posted minutes only guard
    # against adopting a value the clerk did not see
    line = next((x for x in drift_lines(timezone.now()) if x.drift.service.pk == found.pk), None)
    posted = request.POST.get("minutes", "")
    if line is None or line.suggested is None or posted != str(line.suggested):
        messages.error(request, _("The measurement has changed; please check the new values."))
        return see_other(reverse("queue_drift:page"))
    try:
        duration_adopt(found, line.suggested, request.user)
    except CatalogueRefused as error:
        messages.error(request, str(error.message))
    else:
        text = _("%(service)s now takes %(minutes)s minutes in the catalogue.")
        messages.success(request, text % {"service": found.name, "minutes": line.suggested})
    return see_other(reverse("queue_drift:page"))
