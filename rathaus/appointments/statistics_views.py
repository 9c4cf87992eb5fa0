"""The Bürgerbüro's statistics for the council: page, CSV export and SVG charts.

Gate: the citizen-office administration (`statistics.selectors.access_statistics`).
"""

from __future__ import annotations

import csv
from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from rathaus.accounts.access import staff_page
from rathaus.core.charts import bars_svg, grouped_svg
from rathaus.core.timezone import local_today

from .selectors import catalogue
from .statistics.charts import statistics_csv_rows
from .statistics.figures import LEAD_TARGET_DAYS, Statistics
from .statistics.selectors import (
    access_statistics,
    statistics_default_year,
    statistics_for,
    statistics_locations,
    statistics_years,
)

WEEKDAYS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
CHARTS = ("lead", "noshow-weekday", "noshow-lead", "capacity", "same-day")


class PeriodForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    location = forms.ChoiceField(label=gettext_lazy("Location"), required=False)


def _selection(request: HttpRequest) -> tuple[PeriodForm, list[int], date, date, str]:
    locations = statistics_locations()
    every = [location.pk for location in locations]
    today = local_today()
    form = PeriodForm(request.GET or None)
    form.fields["year"].choices = [(y, str(y)) for y in statistics_years(every, today)]
    form.fields["location"].choices = [("", _("Both locations"))] + [
        (location.slug, location.name) for location in locations
    ]
    year, chosen, name = statistics_default_year(every, today), every, _("Both locations")
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
        for location in locations:
            if location.slug == form.cleaned_data["location"]:
                chosen, name = [location.pk], location.name
    elif not form.is_bound:
        form = PeriodForm(initial={"year": year, "location": ""})
        form.fields["year"].choices = [(y, str(y)) for y in statistics_years(every, today)]
        form.fields["location"].choices = [("", _("Both locations"))] + [
            (location.slug, location.name) for location in locations
        ]
    return form, chosen, date(year, 1, 1), date(year, 12, 31), name


def _services() -> dict[int, object]:
    return {service.pk: service for service in catalogue().services.values()}


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %".replace(".", ",")


def _page(request: HttpRequest) -> HttpResponse:
    form, chosen, first, last, name = _selection(request)
    stats = statistics_for(location_ids=chosen, first=first, last=last)
    services = _services()
    mean = stats.same_day_mean_minutes()
    context = {
        "form": form,
        "stats": stats,
        "location_name": name,
        "target": LEAD_TARGET_DAYS,
        "query": request.GET.urlencode(),
        "charts": CHARTS,
        "weekdays": [(WEEKDAYS[day], share) for day, share in stats.no_show_weekdays()],
        "services": [(services.get(pk), share) for pk, share in stats.no_show_services()],
        "lead_months": [
            (month, figures.within_target, figures.median)
            for month, figures in sorted(stats.lead_by_month.items())
        ],
        "capacity": stats.capacity_by_month(),
        "capacity_total": stats.capacity_total(),
        "same_day": [
            (month, cell, cell.supply_appointments(mean))
            for month, cell in stats.same_day_by_month()
        ],
        "same_day_total": stats.same_day_total(),
        "same_day_supply": stats.same_day_total().supply_appointments(mean),
    }
    return render(request, "appointments/statistics/page.html", context)


def _csv(request: HttpRequest) -> HttpResponse:
    _form, chosen, first, last, name = _selection(request)
    stats = statistics_for(location_ids=chosen, first=first, last=last)
    slugs = {service.pk: service.slug for service in catalogue().services.values()}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="buergerbuero-{first.year}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 correctly with a byte-order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerows(statistics_csv_rows(stats, location=name, service_slugs=slugs))
    return response


def chart_svg(stats: Statistics, chart: str, name: str) -> str:
    year = stats.first.year
    desc = _("The same numbers are in the table below the chart on the statistics page.")
    if chart == "lead":
        return bars_svg(
            title=_("Lead time from booking to appointment, %(where)s %(year)s")
            % {"where": name, "year": year},
            desc=desc
            + " "
            + _("Orange: beyond the target of %(days)d days.") % {"days": LEAD_TARGET_DAYS},
            rows=[
                (
                    _("%(key)s days") % {"key": bucket.key},
                    count,
                    str(count),
                    not bucket.within_target,
                )
                for bucket, count in stats.lead.buckets()
            ],
        )
    if chart == "noshow-weekday":
        return bars_svg(
            title=_("No-shows by weekday, %(where)s %(year)s") % {"where": name, "year": year},
            desc=desc,
            rows=[
                (str(WEEKDAYS[day]), share.percent or 0, _fmt(share.percent), False)
                for day, share in stats.no_show_weekdays()
            ],
        )
    if chart == "noshow-lead":
        return bars_svg(
            title=_("No-shows by lead time, %(where)s %(year)s") % {"where": name, "year": year},
            desc=desc,
            rows=[
                (
                    _("%(key)s days") % {"key": bucket.key},
                    share.percent or 0,
                    _fmt(share.percent),
                    not bucket.within_target,
                )
                for bucket, share in stats.no_show_leads()
            ],
        )
    if chart == "same-day":
        months = stats.same_day_by_month()
        mean = stats.same_day_mean_minutes()
        series: list[tuple[str, list[float]]] = [
            (
                _("Supply (appointments)"),
                [float(c.supply_appointments(mean) or 0) for _m, c in months],
            ),
            (_("Served"), [float(c.served) for _m, c in months]),
        ]
        if stats.demand_known:
            series.append((_("Requests"), [float(c.demand or 0) for _m, c in months]))
        return grouped_svg(
            title=_("Same-day supply and demand, %(where)s %(year)s")
            % {"where": name, "year": year},
            desc=desc,
            categories=[month.strftime("%m") for month, _c in months],
            series=series,
        )
    months_cap = stats.capacity_by_month()
    return grouped_svg(
        title=_("Counter hours planned, booked and used, %(where)s %(year)s")
        % {"where": name, "year": year},
        desc=desc,
        categories=[month.strftime("%m") for month, _c in months_cap],
        series=[
            (_("Planned"), [c.planned / 60 for _m, c in months_cap]),
            (_("Booked"), [c.booked / 60 for _m, c in months_cap]),
            (_("Used"), [c.used / 60 for _m, c in months_cap]),
        ],
    )


def _svg(request: HttpRequest) -> HttpResponse:
    _form, chosen, first, last, name = _selection(request)
    chart = request.GET.get("chart", CHARTS[0])
    if chart not in CHARTS:
        chart = CHARTS[0]
    stats = statistics_for(location_ids=chosen, first=first, last=last)
    return HttpResponse(chart_svg(stats, chart, name), content_type="image/svg+xml; charset=utf-8")


statistics_page = staff_page(access_statistics)(require_GET(_page))
statistics_csv = staff_page(access_statistics)(require_GET(_csv))
statistics_chart = staff_page(access_statistics)(require_GET(_svg))
