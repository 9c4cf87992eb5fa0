"""The log of the online plate lookups for the data-protection officer (§ 63g Abs. 4 StVG):
who looked up which plate when, with the answer; entries are deleted after 30 days."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .access import enforcement_page
from .forms import LogFilterForm


@enforcement_page(selectors.access_lookup_log)
@require_GET
def lookup_log(request):
    form = LogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.lookup_log(
        plate=filters.get("plate", ""), officer=filters.get("officer", "")
    )
    page = Paginator(entries, selectors.LOG_PAGE_SIZE).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "retention_days": selectors.LOG_RETENTION_DAYS,
    }
    return render(request, "enforcement/lookup_log.html", context)
