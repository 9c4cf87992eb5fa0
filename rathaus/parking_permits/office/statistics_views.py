"""Zone statistics of the parking-permit office (issue 17) at /verwaltung/parken/statistik/:
the page with a range of months, tables and inline SVG charts, CSV downloads (one per table)
and SVG downloads (one per chart). Gate: the parking office and the citizen-office
administration (`selectors.access_parking_staff`). The figures: `..statistics`."""

from __future__ import annotations

import csv
import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from rathaus.accounts.access import staff_page
from rathaus.core.charts import grouped_svg, lines_svg
from rathaus.core.timezone import local_today

from .. import selectors
from ..constants import OVERSUBSCRIPTION_FACTOR
from ..forms import ErrorItemsMixin
from ..statistics import (
    MAX_MONTHS,
    LookupRow,
    ZoneStatistics,
    default_range,
    months_between,
    zone_statistics,
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
CHARTS = ("auslastung", "antraege", "bearbeitungszeit", "kontrollen-stunde", "kontrollen-wochentag")
TABLES = ("zones", "applications", "processing", "lookups")
MONTH_PATTERNS = (
    re.compile(r"^\s*(?P<year>\d{4})-(?P<month>\d{1,2})\s*$"),  # 2026-03 (input type=month)
    re.compile(r"^\s*(?P<month>\d{1,2})[./](?P<year>\d{4})\s*$"),  # 03.2026, 3/2026
)
EARLIEST_YEAR = 2000


def month_parse(text: str) -> date | None:
    for pattern in MONTH_PATTERNS:
        found = pattern.match(text or "")
        if found:
            year, month = int(found["year"]), int(found["month"])
            if 1 <= month <= 12 and year >= EARLIEST_YEAR:
                return date(year, month, 1)
            return None
    return None


class MonthField(forms.CharField):
    # text, not type="month": browsers without a month picker show text anyway, and an
    # invalid entry must come back as typed (a month input cannot hold it)
    widget = forms.TextInput(attrs={"size": 8, "spellcheck": "false", "autocomplete": "off"})
    default_error_messages = {
        "invalid": gettext_lazy("Please give a month such as 2026-03 or 03.2026."),
    }

    def to_python(self, value: object) -> date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        month = month_parse(text)
        if month is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return month

    def prepare_value(self, value: object) -> object:
        return value.strftime("%Y-%m") if isinstance(value, date) else value


class RangeForm(ErrorItemsMixin, forms.Form):
    first = MonthField(
        label=gettext_lazy("From month"), help_text=gettext_lazy("Format: YYYY-MM, e.g. 2025-01")
    )
    last = MonthField(
        label=gettext_lazy("To month"), help_text=gettext_lazy("Format: YYYY-MM, e.g. 2026-12")
    )

    def __init__(self, *args: object, today: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.today = today

    def clean_last(self) -> date | None:
        last = self.cleaned_data.get("last")
        if last is not None and last > self.today.replace(day=1):
            raise ValidationError(_("The range cannot end after the current month."), code="future")
        return last

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if isinstance(first, date) and isinstance(last, date):
            if first > last:
                self.add_error("last", _("The last month must not lie before the first."))
            elif len(months_between(first, last)) > MAX_MONTHS:
                self.add_error(
                    "first",
                    _("Please choose at most %(count)d months.") % {"count": MAX_MONTHS},
                )
        return data


def _range(request: HttpRequest) -> tuple[RangeForm, tuple[date, date] | None]:
    today = local_today()
    if not ({"first", "last"} & set(request.GET)):
        first, last = default_range(today)
        return RangeForm(initial={"first": first, "last": last}, today=today), (first, last)
    form = RangeForm(request.GET, today=today)
    if form.is_valid():
        return form, (form.cleaned_data["first"], form.cleaned_data["last"])
    return form, None


def _statistics(chosen: tuple[date, date]) -> ZoneStatistics:
    return zone_statistics(first=chosen[0], last=chosen[1], now=timezone.now())


def _label(month: date) -> str:
    return month.strftime("%m/%y")


def _sparse(labels: list[str], room: int) -> list[str]:
    """Every n-th label so they do not overlap (the table has them all)."""
    every = max(1, -(-len(labels) // room))
    return [label if index % every == 0 else "" for index, label in enumerate(labels)]


def _zone_name(row: LookupRow) -> str:
    return row.zone.name if row.zone else _("Outside every zone")


def chart_svg(stats: ZoneStatistics, chart: str) -> str:
    period = f"{_label(stats.first)}–{_label(stats.last)}"
    desc = _("The same numbers are in the table next to the chart on the statistics page.")
    ident = f"chart-{chart}"
    labels = [_label(month) for month in stats.months]
    if chart == "auslastung":
        return lines_svg(
            ident=ident,
            title=_("Resident permits per parking space, %(period)s") % {"period": period},
            desc=desc
            + " "
            + _(
                "Valid resident permits at each month's end divided by the zone's spaces; the "
                "dashed line is the limit of %(factor)d permits per space (VG Freiburg 2005)."
            )
            % {"factor": OVERSUBSCRIPTION_FACTOR},
            categories=labels,
            series=[
                (zone.name, [row.ratio for row in stats.zone_months[zone.pk]])
                for zone in stats.zones
            ],
            decimal_mark=get_format("DECIMAL_SEPARATOR"),
            limit=(
                float(OVERSUBSCRIPTION_FACTOR),
                _("limit %(factor)d×") % {"factor": OVERSUBSCRIPTION_FACTOR},
            ),
        )
    if chart == "antraege":
        rows = stats.applications
        return grouped_svg(
            ident=ident,
            title=_("Applications per month, %(period)s") % {"period": period},
            desc=desc,
            categories=_sparse(labels, 12),
            series=[
                (_("First applications"), [float(row.new) for row in rows]),
                (_("Renewals"), [float(row.renewal) for row in rows]),
                (_("Changes of plate"), [float(row.plate_change) for row in rows]),
            ],
        )
    if chart == "bearbeitungszeit":
        rows_p = stats.processing
        return lines_svg(
            ident=ident,
            title=_("Processing time in days, %(period)s") % {"period": period},
            desc=desc
            + " "
            + _("Decisions by staff: median and 90th percentile; submitted to issued: median."),
            categories=labels,
            decimal_mark=get_format("DECIMAL_SEPARATOR"),
            series=[
                (_("Staff decision, median"), [row.by_staff.median for row in rows_p]),
                (_("Staff decision, 90th percentile"), [row.by_staff.p90 for row in rows_p]),
                (_("Until issued, median"), [row.issued.median for row in rows_p]),
            ],
        )
    if chart == "kontrollen-stunde":
        return grouped_svg(
            ident=ident,
            title=_("Lookups by hour of day, %(period)s") % {"period": period},
            desc=desc + " " + _("Hours in German time; anonymous counts per zone."),
            categories=[f"{hour:02d}" if hour % 3 == 0 else "" for hour in range(24)],
            series=[
                (_zone_name(row), [float(n) for n in row.lookups]) for row in stats.lookups_by_hour
            ],
        )
    if chart == "kontrollen-wochentag":
        return grouped_svg(
            ident=ident,
            title=_("Lookups by weekday, %(period)s") % {"period": period},
            desc=desc + " " + _("Anonymous counts per zone."),
            categories=[str(day)[:2] for day in WEEKDAYS],
            series=[
                (_zone_name(row), [float(n) for n in row.lookups])
                for row in stats.lookups_by_weekday
            ],
        )
    raise Http404


def _decimal(value: float | None, places: int = 2) -> str:
    """German Excel reads a decimal comma (the CSV is ;-separated)."""
    return "" if value is None else f"{value:.{places}f}".replace(".", ",")


def csv_rows(stats: ZoneStatistics, table: str) -> list[list[object]]:
    if table == "zones":
        rows: list[list[object]] = [
            ["month", "zone", "spaces", "resident_permits", "temporary_permits",
             "visitor_permits_at_end", "visitor_permits_in_month", "permits_per_space",
             "limit", "over_limit", "counted_on"],
        ]  # fmt: skip
        for row in stats.zone_rows():
            rows.append(
                [row.month.strftime("%Y-%m"), row.zone.name, row.spaces, row.residents,
                 row.temporary, row.visitors_at_end, row.visitors_in_month,
                 _decimal(row.ratio), row.limit, int(row.over_limit), row.day.isoformat()]
            )  # fmt: skip
        return rows
    if table == "applications":
        rows = [
            ["month", "submitted", "first_applications", "renewals", "plate_changes",
             "decided_automatically", "decided_by_staff", "refused", "open_at_month_end"],
        ]  # fmt: skip
        for a in stats.applications:
            rows.append(
                [a.month.strftime("%Y-%m"), a.submitted, a.new, a.renewal, a.plate_change,
                 a.automatic, a.by_staff, a.refused, a.open_at_end]
            )  # fmt: skip
        return rows
    if table == "processing":
        rows = [
            ["month", "decisions", "decision_median_days", "decision_p90_days",
             "staff_decisions", "staff_median_days", "staff_p90_days", "issued",
             "issued_median_days", "issued_p90_days"],
        ]  # fmt: skip
        for p in stats.processing:
            rows.append(
                [p.month.strftime("%Y-%m"), p.decided.count, _decimal(p.decided.median),
                 _decimal(p.decided.p90), p.by_staff.count, _decimal(p.by_staff.median),
                 _decimal(p.by_staff.p90), p.issued.count, _decimal(p.issued.median),
                 _decimal(p.issued.p90)]
            )  # fmt: skip
        return rows
    rows = [["zone", "by", "key", "lookups", "allowed"]]
    for dimension, lookup_rows in (
        ("hour", stats.lookups_by_hour),
        ("weekday", stats.lookups_by_weekday),
    ):
        for lookup in lookup_rows:
            name = lookup.zone.name if lookup.zone else ""
            first = 0 if dimension == "hour" else 1
            for index, (count, allowed) in enumerate(
                zip(lookup.lookups, lookup.allowed, strict=True)
            ):
                rows.append([name, dimension, index + first, count, allowed])
    return rows


def _period_slug(chosen: tuple[date, date]) -> str:
    return f"{chosen[0]:%Y-%m}_{chosen[1]:%Y-%m}"


def _transposed(labels: list[str], rows: list[LookupRow]) -> list[tuple[str, list[int]]]:
    """Hours (or weekdays) down, zones across."""
    return [(label, [row.lookups[index] for row in rows]) for index, label in enumerate(labels)]


def _page(request: HttpRequest) -> HttpResponse:
    form, chosen = _range(request)
    context: dict[str, object] = {"form": form, "factor": OVERSUBSCRIPTION_FACTOR}
    if chosen is not None:
        stats = _statistics(chosen)
        query = f"first={chosen[0]:%Y-%m}&last={chosen[1]:%Y-%m}"
        context |= {
            "stats": stats,
            "query": query,
            "zone_tables": [(zone, stats.zone_months[zone.pk]) for zone in stats.zones],
            "charts": {
                chart.replace("-", "_"): mark_safe(chart_svg(stats, chart))  # noqa: S308 - escaped
                for chart in CHARTS
            },
            "lookup_zones": [
                (_zone_name(row), row.total, sum(row.allowed)) for row in stats.lookups_by_hour
            ],
            "lookup_hours": _transposed(
                [f"{hour:02d}–{hour + 1:02d}" for hour in range(24)], stats.lookups_by_hour
            ),
            "lookup_weekdays": _transposed(
                [str(day) for day in WEEKDAYS], stats.lookups_by_weekday
            ),
        }
    return render(
        request,
        "parking_permits/office/statistics.html",
        context,
        status=200 if chosen is not None else 422,
    )


def _csv(request: HttpRequest) -> HttpResponse:
    _form, chosen = _range(request)
    table = request.GET.get("table", "zones")
    if chosen is None or table not in TABLES:
        return HttpResponseBadRequest(
            _("Please give a valid range (first, last as YYYY-MM) and table."),
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"parkzonen-{table}-{_period_slug(chosen)}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 correctly with a byte-order mark
    csv.writer(response, delimiter=";").writerows(csv_rows(_statistics(chosen), table))
    return response


def _svg(request: HttpRequest, chart: str) -> HttpResponse:
    if chart not in CHARTS:
        raise Http404
    _form, chosen = _range(request)
    if chosen is None:
        return HttpResponseBadRequest(
            _("Please give a valid range (first, last as YYYY-MM)."),
            content_type="text/plain; charset=utf-8",
        )
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + chart_svg(_statistics(chosen), chart)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    filename = f"parkzonen-{chart}-{_period_slug(chosen)}.svg"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


statistics_page = staff_page(selectors.access_parking_staff)(require_GET(_page))
statistics_csv = staff_page(selectors.access_parking_staff)(require_GET(_csv))
statistics_chart = staff_page(selectors.access_parking_staff)(require_GET(_svg))
