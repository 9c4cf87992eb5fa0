"""The waiting room's statistics at /verwaltung/buergerbuero/wartebereich-statistik/: page,
CSV export and SVG charts (drawn by the council statistics' chart helpers).

Gate: the citizen-office administration, as the clerk's workplace.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from rathaus.accounts.access import staff_page
from rathaus.appointments.models import Counter, Service
from rathaus.appointments.staff_selectors import access_citizen_office_staff
from rathaus.core.charts import bars_svg, grouped_svg
from rathaus.core.timezone import local_today

from .constants import DRIFT_PERCENT, RETENTION_DAYS, TicketKind
from .statistics import CounterCalls, QueueStatistics, Spread
from .statistics_selectors import (
    counters_by_id,
    queue_statistics_for,
    services_by_id,
    statistics_earliest_day,
    statistics_locations,
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
CHARTS = ("waiting-hour", "waiting-weekday", "processing", "kinds", "no-show", "calls")
DEFAULT_DAYS = 28


class PeriodForm(forms.Form):
    first = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
    )
    last = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
    )
    location = forms.ChoiceField(label=gettext_lazy("Location"), required=False)

    def __init__(self, *args, earliest: date, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.earliest, self.today = earliest, today

    def clean(self) -> dict:
        data = super().clean()
        if "first" in data and data["first"] is None:
            data["first"] = self.today - timedelta(days=DEFAULT_DAYS - 1)
        if "last" in data and data["last"] is None:
            data["last"] = self.today
        first, last = data.get("first"), data.get("last")
        if first is not None and first < self.earliest:
            self.add_error(
                "first",
                _("Queue data is deleted after %(days)d days: the earliest day is %(day)s.")
                % {"days": RETENTION_DAYS, "day": self.earliest.strftime("%d.%m.%Y")},
            )
        if last is not None and last > self.today:
            data["last"] = self.today
        if first is not None and last is not None and first > min(last, self.today):
            self.add_error("last", _("The end must not be before the start."))
        return data


@dataclass(frozen=True)
class Selection:
    form: PeriodForm
    location_ids: list[int]
    first: date
    last: date
    name: str
    earliest: date


def _selection(request: HttpRequest) -> Selection:
    locations = statistics_locations()
    today = local_today()
    earliest = statistics_earliest_day(today)
    form = PeriodForm(request.GET or None, earliest=earliest, today=today)
    choices = [("", _("All locations"))] + [(loc.slug, loc.name) for loc in locations]
    form.fields["location"].choices = choices
    chosen, name = [location.pk for location in locations], _("All locations")
    first, last = today - timedelta(days=DEFAULT_DAYS - 1), today
    if form.is_bound and form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        for location in locations:
            if location.slug == form.cleaned_data["location"]:
                chosen, name = [location.pk], location.name
    elif not form.is_bound:
        form = PeriodForm(
            initial={"first": first, "last": last, "location": ""}, earliest=earliest, today=today
        )
        form.fields["location"].choices = choices
    return Selection(form, chosen, first, last, name, earliest)


def _minutes(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %".replace(".", ",")


def _kind_label(kind: str) -> str:
    return str(TicketKind(kind).label)


def _drifts(spread: Spread, service: Service | None) -> bool:
    if service is None or spread.median is None or not service.minutes:
        return False
    return abs(spread.median - service.minutes) * 100 > DRIFT_PERCENT * service.minutes


@dataclass(frozen=True)
class Names:
    services: dict[int, Service]
    counters: dict[int, Counter]

    def processing(self, stats: QueueStatistics) -> list[tuple[Service | None, Spread, bool]]:
        rows = [
            (self.services.get(pk), spread, _drifts(spread, self.services.get(pk)))
            for pk, spread in stats.processing.items()
        ]
        return sorted(rows, key=lambda row: (-row[1].count, row[0].name if row[0] else ""))

    def counter_calls(self, stats: QueueStatistics) -> list[tuple[str, CounterCalls]]:
        def label(pk: int) -> str:
            counter = self.counters.get(pk)
            return f"{counter.name} ({counter.location.name})" if counter else "?"

        return sorted(((label(pk), tally) for pk, tally in stats.calls.items()), key=str)


def _names(stats: QueueStatistics) -> Names:
    return Names(services_by_id(list(stats.processing)), counters_by_id(list(stats.calls)))


def _compute(selection: Selection) -> QueueStatistics:
    return queue_statistics_for(
        location_ids=selection.location_ids, first=selection.first, last=selection.last
    )


def _page(request: HttpRequest) -> HttpResponse:
    selection = _selection(request)
    stats = _compute(selection)
    names = _names(stats)
    context = {
        "form": selection.form,
        "stats": stats,
        "location_name": selection.name,
        "earliest": selection.earliest,
        "retention_days": RETENTION_DAYS,
        "query": request.GET.urlencode(),
        "weekdays": [(WEEKDAYS[day], spread) for day, spread in stats.weekdays()],
        "kinds": [(_kind_label(kind), spread, share) for kind, spread, share in stats.kinds()],
        "processing": names.processing(stats),
        "counters": names.counter_calls(stats),
        "drift_percent": DRIFT_PERCENT,
    }
    return render(request, "queue/statistics/page.html", context)


def _period(stats: QueueStatistics) -> str:
    return f"{stats.first.isoformat()}/{stats.last.isoformat()}"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def csv_rows(stats: QueueStatistics, names: Names, location: str) -> Iterator[list[object]]:
    """One tidy table, as the council statistics' CSV, with the minutes in their own columns."""
    period = _period(stats)
    yield ["section", "location", "period", "category", "count", "base", "percent",
           "median_minutes", "p90_minutes", "configured_minutes"]  # fmt: skip

    def spread_row(section: str, category: object, spread: Spread) -> list[object]:
        return [section, location, period, category, spread.count, "", "",
                _number(spread.median), _number(spread.p90), ""]  # fmt: skip

    yield ["tickets", location, period, "all", stats.tickets, "", "", "", "", ""]
    yield ["tickets", location, period, "called", stats.called, stats.tickets, "", "", "", ""]
    share = stats.walk_in
    yield ["walk_in_share", location, period, "walk_in", share.count, share.base,
           _number(share.percent), "", "", ""]  # fmt: skip
    yield spread_row("waiting", "all", stats.waiting)
    for hour, spread in stats.hours():
        yield spread_row("waiting_by_hour", f"{hour:02d}", spread)
    for weekday, spread in stats.weekdays():
        yield spread_row("waiting_by_weekday", str(weekday + 1), spread)
    for kind, spread, _share in stats.kinds():
        yield spread_row("waiting_by_kind", kind, spread)
    share = stats.no_show
    yield ["no_show", location, period, "all", share.count, share.base,
           _number(share.percent), "", "", ""]  # fmt: skip
    for kind, _spread, share in stats.kinds():
        yield ["no_show_by_kind", location, period, kind, share.count, share.base,
               _number(share.percent), "", "", ""]  # fmt: skip
    for service, spread, _drift in names.processing(stats):
        row = spread_row("processing_by_service", service.slug if service else "?", spread)
        row[-1] = service.minutes if service else ""
        yield row
    for label, tally in names.counter_calls(stats):
        yield ["calls_by_counter", location, period, label, tally.calls, "", "", "", "", ""]
        yield ["recalls_by_counter", location, period, label, tally.recalls, "", "", "", "", ""]


def _csv(request: HttpRequest) -> HttpResponse:
    selection = _selection(request)
    stats = _compute(selection)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"wartebereich-{selection.first.isoformat()}-{selection.last.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 correctly with a byte-order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerows(csv_rows(stats, _names(stats), selection.name))
    return response


def _spread_series(spreads: list[tuple[object, Spread]]) -> list[tuple[str, list[float]]]:
    return [
        (_("Median (minutes)"), [spread.median or 0 for _key, spread in spreads]),
        (_("90th percentile (minutes)"), [spread.p90 or 0 for _key, spread in spreads]),
    ]


def chart_svg(stats: QueueStatistics, names: Names, chart: str, where: str) -> str:
    period = f"{stats.first.strftime('%d.%m.%Y')}–{stats.last.strftime('%d.%m.%Y')}"
    about = {"where": where, "period": period}
    desc = _("The same numbers are in the table below the chart on the statistics page.")
    if chart == "waiting-weekday":
        days = stats.weekdays()
        return grouped_svg(
            title=_("Waiting time by weekday, %(where)s %(period)s") % about,
            desc=desc,
            categories=[str(WEEKDAYS[day])[:2] for day, _spread in days],
            series=_spread_series(days),
        )
    if chart == "processing":
        return bars_svg(
            title=_("Processing time per service, %(where)s %(period)s") % about,
            desc=desc
            + " "
            + _("Orange: the median differs from the configured minutes by more than %(p)d %%.")
            % {"p": DRIFT_PERCENT},
            rows=[
                (
                    service.name if service else "?",
                    spread.median or 0,
                    _("%(median)s min (configured: %(minutes)s)")
                    % {
                        "median": _minutes(spread.median),
                        "minutes": service.minutes if service else "–",
                    },
                    drift,
                )
                for service, spread, drift in names.processing(stats)
            ],
        )
    if chart == "kinds":
        return bars_svg(
            title=_("Tickets by kind, %(where)s %(period)s") % about,
            desc=desc + " " + _("Orange: without appointment."),
            rows=[
                (
                    _kind_label(kind),
                    float(count),
                    f"{count} ({_percent(100 * count / stats.tickets if stats.tickets else None)})",
                    kind == TicketKind.WALK_IN,
                )
                for kind, count in (
                    (TicketKind.APPOINTMENT, stats.tickets - stats.walk_in.count),
                    (TicketKind.WALK_IN, stats.walk_in.count),
                )
            ],
        )
    if chart == "no-show":
        return bars_svg(
            title=_("No-shows by kind, %(where)s %(period)s") % about,
            desc=desc,
            rows=[
                (_kind_label(kind), share.percent or 0, _percent(share.percent), False)
                for kind, _spread, share in stats.kinds()
            ],
        )
    if chart == "calls":
        counters = names.counter_calls(stats)
        return grouped_svg(
            title=_("Calls per counter, %(where)s %(period)s") % about,
            desc=desc,
            categories=[label.split(" (")[0] for label, _tally in counters],
            series=[
                (_("Calls"), [float(tally.calls) for _label, tally in counters]),
                (_("Recalls"), [float(tally.recalls) for _label, tally in counters]),
            ],
        )
    hours = stats.hours()
    return grouped_svg(
        title=_("Waiting time by hour of the day, %(where)s %(period)s") % about,
        desc=desc,
        categories=[f"{hour:02d}" for hour, _spread in hours],
        series=_spread_series(hours),
    )


def _svg(request: HttpRequest) -> HttpResponse:
    selection = _selection(request)
    chart = request.GET.get("chart", CHARTS[0])
    if chart not in CHARTS:
        chart = CHARTS[0]
    stats = _compute(selection)
    svg = chart_svg(stats, _names(stats), chart, selection.name)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="wartebereich-{chart}.svg"'
    return response


staff_required = staff_page(access_citizen_office_staff)
statistics_page = staff_required(require_GET(_page))
statistics_csv = staff_required(require_GET(_csv))
statistics_chart = staff_required(require_GET(_svg))
