"""Statistics pages of the registry office: table, CSV export and SVG chart."""

from __future__ import annotations

import csv
from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from rathaus.core.timezone import local_today

from ..forms import PeriodForm
from ..selectors import access_registry_office
from ..statistics import (
    statistics_compute,
    statistics_csv_rows,
    statistics_default_year,
    statistics_svg,
)
from .base import BackofficeView


def _period(request) -> tuple[PeriodForm, date, date]:
    year = statistics_default_year(local_today())
    first, last = date(year, 1, 1), date(year, 12, 31)
    form = PeriodForm(request.GET or {"first": first, "last": last})
    if form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    return form, first, last


class StatisticsView(BackofficeView):
    template_name = "weddings/backoffice/statistics.html"

    def get(self, request):
        access_registry_office(request.user)
        form, first, last = _period(request)
        stats = statistics_compute(first=first, last=last)
        context = {
            "form": form,
            "stats": stats,
            "total": stats.total(),
            "query": request.GET.urlencode(),
        }
        return render(request, self.template_name, context)


class StatisticsCsvView(BackofficeView):
    def get(self, request):
        access_registry_office(request.user)
        _form, first, last = _period(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="trauungen-{first}-{last}.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 correctly with a byte-order mark
        writer = csv.writer(response, delimiter=";")
        for row in statistics_csv_rows(statistics_compute(first=first, last=last)):
            writer.writerow(row)
        return response


class StatisticsChartView(BackofficeView):
    def get(self, request):
        access_registry_office(request.user)
        _form, first, last = _period(request)
        stats = statistics_compute(first=first, last=last)
        title = _("Ceremonies per venue, %(first)s – %(last)s") % {
            "first": first.strftime("%d.%m.%Y"),
            "last": last.strftime("%d.%m.%Y"),
        }
        svg = statistics_svg(stats, title=title, occupancy_label=_("occupancy"))
        return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
