"""Statistics of a search: its decisions and overturn rate per period, and by facet value.

The result set is the search page's (the same FilterSet and planner), and the counts are
taken the way the page takes them (`counting`):

- per period, by decision date: one statement. With no filter, or one on a facet whose month
  counts are kept (`Facet.months_given`: those whose values most items share, and the
  specialty; the outcome apart, as its rates count every outcome anyway), it sums the
  maintained month counts (`PeriodCount`, a few rows a month) by period. Otherwise it
  groups the results' dates by period and outcome, from the narrow search entries (their
  date and combination; a query's matches from the GIN index, facet filters by combination),
  or from the items when a filter needs them. The facet combinations have no period: a
  period column would multiply their number by the number of months, and every count the
  page reads with them (see BENCHMARKS.md for what the statements cost);
- by facet value: the page's own summary, every value of every facet of decisions/facets.py
  rather than the most frequent few, so a facet added there is broken down here too.

As on the page, the item counts follow the outcome filter and the overturn rates ignore it
(or every rate would read 0% or 100%).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django import forms
from django.db import models
from django.db.models import Count, DateField, F, QuerySet, Sum
from django.db.models.functions import Trunc

from ..facets import FACETS, OUTCOME, Outcome
from ..models import DisputedItem, PeriodCount, SearchEntry
from .counting import single_given
from .planning import Plan


class Period(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    YEAR = "year", "Year"


# The facets broken down: every one but the outcome, whose overturn rate says nothing.
BREAKDOWN_FACETS = tuple(facet.name for facet in FACETS if facet is not OUTCOME)
# The name for the cited-page breakdown, beside the facet's own (its filter's name).
BY_ALIASES = {"page": "cited_page"}


class StatisticsForm(forms.Form):
    """The statistics' own parameters, beside the search's (the FilterSet's)."""

    period = forms.ChoiceField(choices=Period.choices, required=False, label="Period")
    by = forms.ChoiceField(
        choices=[(name, name) for name in (*BREAKDOWN_FACETS, *BY_ALIASES)],
        required=False,
        label="Breakdown",
    )

    def clean_period(self) -> Period:
        return Period(self.cleaned_data["period"] or Period.QUARTER)

    def clean_by(self) -> str:
        by = self.cleaned_data["by"]
        return BY_ALIASES.get(by, by)


@dataclass(frozen=True)
class Counted:
    """A period's or a facet value's results: `items` as listed (the outcome filter applied),
    `overturned` of `decided` whatever the outcome filter."""

    label: str
    items: int
    overturned: int
    decided: int

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.decided if self.decided else None


def period_rows(plan: Plan, period: Period) -> tuple[list[Counted], Counted]:
    """Every period from the first to the last with results (those without any counted 0),
    and the results without a decision date; one statement."""
    counted = ((row["start"], row["result"], row["n"]) for row in _period_counts(plan, period))
    return periods_of(counted, period, plan.outcome)


def matched_period_rows(
    summary_periods: list[list], period: Period, outcome: str
) -> tuple[list[Counted], Counted]:
    """`period_rows` from the periods a summary counted among a query's matches
    (counting.Summary.periods), or from their months (the search index counts by month)."""
    counted = (
        (start and _period_start(datetime.date.fromisoformat(start), period), result, n)
        for start, result, n in summary_periods
    )
    return periods_of(counted, period, outcome)


def periods_of(
    counted: Iterable[tuple[datetime.date | None, str, int]], period: Period, outcome: str
) -> tuple[list[Counted], Counted]:
    """`period_rows` from the results counted by (period start, outcome)."""
    counts: dict[datetime.date | None, dict[str, int]] = defaultdict(dict)
    for start, result, n in counted:
        counts[start][result] = counts[start].get(result, 0) + n
    dated = sorted(start for start in counts if start is not None)
    starts = list(_periods(dated[0], dated[-1], period)) if dated else []
    rows = [_counted(_label(start, period), counts.get(start, {}), outcome) for start in starts]
    return rows, _counted("", counts.get(None, {}), outcome)


def breakdown_rows(summary_rows: list[list]) -> dict[str, list[Counted]]:
    """The summary's rows (counting.Summary.rows, every value) by facet, most results first."""
    by_facet: dict[str, list[Counted]] = {name: [] for name in BREAKDOWN_FACETS}
    for facet, value, hits, overturned, decided in summary_rows:
        if facet in by_facet:
            by_facet[facet].append(Counted(value, hits, overturned, decided))
    return by_facet


def _period_counts(plan: Plan, period: Period) -> QuerySet:
    """(start, result, n): the results by period start (None: no date) and outcome. Months
    whose count fell to 0 are skipped, or they would stretch the first-to-last range."""
    rows: QuerySet
    given = single_given(plan, PeriodCount.GIVEN_FACETS)
    if given is not None:
        months = PeriodCount.objects.filter(given_facet=given[0], given_value=given[1], items__gt=0)
        start = Trunc("month", period.value, output_field=DateField())
        return months.values(start=start, result=F("outcome")).order_by().annotate(n=Sum("items"))
    start = Trunc("decision_date", period.value, output_field=DateField())
    if plan.items_only:
        items = DisputedItem.objects.filter(*plan.item_conditions())
        rows = items.values(start=start, result=F("outcome"))
    else:
        entries = SearchEntry.objects.all()
        if plan.matches:
            entries = entries.filter(plan.entry_conditions())
        if plan.facet_values:
            combinations = plan.combinations(with_outcome=False).values("pk")
            entries = entries.filter(combination__in=combinations)
        rows = entries.values(start=start, result=F("combination__outcome"))
    return rows.order_by().annotate(n=Count("*"))


def _counted(label: str, by_outcome: dict[str, int], outcome: str) -> Counted:
    return Counted(
        label=label,
        items=sum(n for result, n in by_outcome.items() if outcome in ("", result)),
        overturned=by_outcome.get(Outcome.OVERTURNED, 0),
        decided=sum(by_outcome.values()),
    )


MONTHS = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}


def _periods(first: datetime.date, last: datetime.date, period: Period) -> Iterator[datetime.date]:
    """The starts of every period from `first` to `last`, both period starts."""
    step = MONTHS[period]
    month = first.year * 12 + first.month - 1
    while (start := datetime.date(month // 12, month % 12 + 1, 1)) <= last:
        yield start
        month += step


def _period_start(day: datetime.date, period: Period) -> datetime.date:
    """The first day of the period `day` falls in."""
    month = day.month - (day.month - 1) % MONTHS[period]
    return datetime.date(day.year, month, 1)


def _label(start: datetime.date, period: Period) -> str:
    """YYYY-MM, YYYY-Qn or YYYY."""
    if period == Period.MONTH:
        return f"{start:%Y-%m}"
    if period == Period.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)
