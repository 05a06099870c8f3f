"""The statistics of a search: a page with charts and tables, and each table as CSV."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..charts import BarChart, bar_chart
from ..labels import percent
from ..search import (
    Counted,
    Period,
    SearchStatistics,
    StatisticsForm,
    item_filterset,
    search_statistics,
)
from .export import invalid_parameters

# What a breakdown is by ("By reviewer specialty"), by facet; a facet missing here is named
# by its parameter.
BREAKDOWN_TITLES = {
    "specialty": "reviewer specialty",
    "mismatch": "guideline disagreement (the IMR reviewer relied on a guideline family the "
    "claims administrator did not cite)",
    "guideline": "guideline the IMR reviewer cited",
    "document": "document the IMR reviewer cited",
    "cited_page": "page the IMR reviewer cited",
}
# Values a breakdown shows on the page, most results first; the CSV has them all.
SHOWN_VALUES = 15


def statistics_page(request: HttpRequest) -> HttpResponse:
    filterset, form = item_filterset(request.GET), StatisticsForm(request.GET)
    if not (filterset.is_valid() & form.is_valid()):  # both, so that every error is shown
        return render(request, "decisions/statistics.html", {"filterset": filterset, "form": form})
    stats = search_statistics(filterset, form.cleaned_data["period"])
    context = {
        "filterset": filterset,
        "form": form,
        "stats": stats,
        "charts": _charts(stats),
        "breakdowns": [
            (name, BREAKDOWN_TITLES.get(name, name.replace("_", " ")), rows)
            for name, rows in (stats.breakdowns or {}).items()
        ],
        "shown_values": SHOWN_VALUES,
        "period_choices": Period.choices,
    }
    return render(request, "decisions/statistics.html", context)


def statistics_csv(request: HttpRequest) -> HttpResponse:
    """One table: per period (`period=`), or one breakdown's (`by=`)."""
    filterset, form = item_filterset(request.GET), StatisticsForm(request.GET)
    if not (filterset.is_valid() & form.is_valid()):
        return invalid_parameters({**filterset.errors, **form.errors})
    by, period = form.cleaned_data["by"], form.cleaned_data["period"]
    stats = search_statistics(filterset, period, by_period=not by, by_value=bool(by))
    rows = stats.breakdowns[by] if stats.breakdowns else None
    if not by and stats.periods is not None and stats.undated is not None:
        rows = [*stats.periods, stats.undated]
    if rows is None:
        return HttpResponse(
            "Counting these statistics took longer than the site allows: add a filter.",
            status=503,
            content_type="text/plain",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="imr-statistics-{by or period}.csv"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow([by or "period", "items", "overturned", "decided", "overturn_rate"])
    for row in rows:
        rate = "" if row.overturn_rate is None else f"{row.overturn_rate:.4f}"
        writer.writerow([row.label, row.items, row.overturned, row.decided, rate])
    return response


def _charts(stats: SearchStatistics) -> list[BarChart]:
    """Decisions and overturn rate per period, as two bar charts over the same periods."""
    periods: list[Counted] = stats.periods or []
    if not periods:
        return []
    labels = [row.label for row in periods]
    span = f"from {labels[0]} to {labels[-1]}, by {stats.period.label.lower()}"
    return [
        bar_chart(
            "Decisions",
            f"Bar chart of the decisions per period {span}; the table beside it lists them.",
            labels,
            [row.items for row in periods],
            lambda n: f"{n:,.1f}".removesuffix(".0"),  # an axis of 5 has its middle at 2.5
        ),
        bar_chart(
            "Overturn rate",
            f"Bar chart of the share of decisions overturned per period {span}; periods "
            "without decisions have no bar. The table beside it lists the rates.",
            labels,
            [row.overturn_rate or 0 for row in periods],
            percent,
            ceiling=1,
        ),
    ]
