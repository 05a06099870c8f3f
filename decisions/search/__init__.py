"""The search: GET parameters in, one page of results with exact counts out.

Sized for millions of items. A results page costs two statements whatever its length: a
summary (the exact total, the overturn rate and every facet's top values, `counting`) and the
page's rows (`paging`), each from the smallest source that can answer the search's plan
(`planning`). The headline tells a query's requests for the treatment it names apart from
the decisions that only mention it (`scopes`): scoped to all, the summary counts them in the
same pass; scoped to the treatment, or filtered by what only the items answer, one more
statement counts the results in the other scope. Every statement runs under
IMR_SEARCH_STATEMENT_MS (`budget`): when the summary runs out of time the page counts the
total alone, then nothing; its results are shown either way.

The modules: `parameters` (the query-string contract, a FilterSet that only validates and
states conditions), `vocabulary` (text-search configuration, highlight markers, sort orders,
outcome meanings), `planning`, `tsquery` (a query as Postgres parsed it, for the search index
beside Postgres, `indexed`), `counting`, `scopes`, `paging` and `budget`. Outside the package,
only this module's names are meant to be used: results come from the planner, never from the
FilterSet's own queryset.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.db import OperationalError
from django.db.models import QuerySet
from django.http import QueryDict

from . import counting, paging, statistics
from .budget import out_of_time, search_transaction, within_budget
from .counting import UNCOUNTED, Facets, FacetValue
from .keys import Direction, PageKey, context_of
from .paging import PER_PAGE, CitedRow, Pagination, ResultItem
from .parameters import ItemFilter
from .planning import Plan, counts_kept
from .scopes import ScopeSplit, scope_split
from .statistics import Counted, Period, StatisticsForm
from .vocabulary import Sort

__all__ = [
    "CitedRow",
    "Counted",
    "FacetValue",
    "Facets",
    "ItemFilter",
    "ItemSearch",
    "Pagination",
    "Period",
    "ResultItem",
    "ScopeSplit",
    "SearchStatistics",
    "StatisticsForm",
    "item_filterset",
    "item_ids",
    "item_search",
    "search_statistics",
]


@dataclass(frozen=True)
class ItemSearch:
    filterset: ItemFilter
    query: str
    sort: str
    facets: Facets | None = None  # None when the parameters are invalid
    pagination: Pagination | None = None
    items: list[ResultItem] = field(default_factory=list)
    timed_out: bool = False  # even the page's rows took longer than a search may
    # In a date order: how many results have no decision date (they come last); None when
    # not counted (another order, no results, or no time left).
    undated: int | None = None
    # With a query that matches a treatment requested: its requests apart from the other
    # matches (`scopes`); None otherwise, or when not counted in time.
    split: ScopeSplit | None = None


def item_filterset(params: QueryDict | dict[str, Any]) -> ItemFilter:
    """The search's FilterSet, bound to GET parameters (a request's, or a dict of them); check
    `is_valid()` before reading."""
    return ItemFilter(params)


def item_search(filterset: ItemFilter, *, per_page: int = PER_PAGE) -> ItemSearch:
    """One results page: a summary (total and facets) and the page's rows, two statements.

    Invalid parameters give no results (the page shows the form's errors instead), and a
    page past the end gives no rows and no statement for them. What a statement could not
    count in time is left out and said so (see `Facets`); rows that could not be read in
    time leave an empty page that says so (`timed_out`). Never an error page.
    """
    if not filterset.is_valid():
        return ItemSearch(filterset=filterset, query="", sort="")
    query = filterset.form.cleaned_data["q"] or ""
    number = filterset.form.cleaned_data["page"] or 1
    window = ((number - 1) * per_page, per_page)
    try:
        with search_transaction(query) as opened:
            plan = Plan.of(filterset, counted=opened.counted)
            key = _given_key(filterset, plan, number)
            summary = within_budget(lambda: counting.summary(plan, window, by_value=True, key=key))
            by_value = summary is not None
            if summary is None:
                summary = within_budget(
                    lambda: counting.summary(plan, window, by_value=False, key=key)
                )
            facets = counting.facets(filterset, summary.rows, by_value) if summary else UNCOUNTED
            pagination = Pagination(number=number, per_page=per_page, total=facets.total)
            items: list[ResultItem] = []
            if summary and summary.page_ids is not None:
                items = paging.page_items(summary.page_ids, plan)
            elif facets.total is None:
                # One row past the page tells whether there is a next one (read back from a
                # previous page's key, the row before the page: there is a next one, the key's).
                longer = (window[0], per_page + 1)
                ids = paging.page_ids(plan, longer, key)
                items = paging.page_items(ids, plan)
                back = key is not None and not key.forward
                more = back or len(items) > per_page
                pagination = Pagination(number, per_page, None, has_more=more)
                items = items[-per_page:] if back else items[:per_page]
            elif pagination.offset < facets.total:
                items = paging.page_items(paging.page_ids(plan, window, key), plan)
            pagination = _with_keys(pagination, items, filterset, plan)
            undated = None
            if facets.total and plan.sort != Sort.RELEVANCE:
                undated = summary.undated if summary else None  # counted with the page's ids
                if undated is None:
                    undated = within_budget(lambda: paging.undated_count(plan))
            split = scope_split(filterset, plan, summary, facets)
    except OperationalError as error:
        if not out_of_time(error):
            raise
        return ItemSearch(filterset, query, plan.sort, UNCOUNTED, timed_out=True)
    return ItemSearch(
        filterset, plan.query, plan.sort, facets, pagination, items, undated=undated, split=split
    )


def _given_key(filterset: ItemFilter, plan: Plan, number: int) -> PageKey | None:
    """The page key the link carried (`keys`), if it was written for this search and page."""
    data = filterset.form.cleaned_data
    context = context_of(plan.sort, number, data)
    for direction in Direction:
        if data[direction]:
            return PageKey.read(direction, data[direction], context)
    return None


def _with_keys(
    pagination: Pagination, items: list[ResultItem], filterset: ItemFilter, plan: Plan
) -> Pagination:
    """The pagination with the keys its next and previous links carry: the last and the
    first row shown. The first page's link goes by number (no rows to skip)."""
    if not items:
        return pagination
    data = filterset.form.cleaned_data
    next_key, previous_key = "", ""
    if pagination.has_next:
        after = context_of(plan.sort, pagination.next_number, data)
        next_key = items[-1].key(Direction.AFTER).sign(after)
    if pagination.has_previous and pagination.previous_number > 1:
        before = context_of(plan.sort, pagination.previous_number, data)
        previous_key = items[0].key(Direction.BEFORE).sign(before)
    return replace(pagination, next_key=next_key, previous_key=previous_key)


def item_ids(filterset: ItemFilter) -> QuerySet:
    """Every result's item id of a valid search, in the page's order, unevaluated (the export
    reads them through a server-side cursor)."""
    return paging.listed_ids(Plan.of(filterset, counted=counts_kept()))


@dataclass(frozen=True)
class SearchStatistics:
    """A valid search's statistics (see `statistics`); a part that took longer than a search
    may is None (its counts are left out, and the page says so)."""

    filterset: ItemFilter
    period: Period
    facets: Facets  # the totals; UNCOUNTED when the breakdowns were not counted in time
    periods: list[Counted] | None
    undated: Counted | None
    breakdowns: dict[str, list[Counted]] | None
    split: ScopeSplit | None = None  # as the search page's (`scopes`)


def search_statistics(
    filterset: ItemFilter, period: Period, *, by_period: bool = True, by_value: bool = True
) -> SearchStatistics:
    """Per period (`by_period`) and per facet value (`by_value`, with the totals) counts of a
    valid search's results: a statement each, under IMR_SEARCH_STATEMENT_MS, or one for both
    where the counts read a query's matches (they count the periods in the same pass)."""
    periods, summary, split = None, None, None
    unit = period.value if by_period else None
    with search_transaction(filterset.form.cleaned_data["q"] or "") as opened:
        plan = Plan.of(filterset, counted=opened.counted)
        if by_value:
            summary = within_budget(
                lambda: counting.summary(plan, None, by_value=True, limits={}, period=unit)
            )
        if summary is not None and summary.periods is not None:
            periods = statistics.matched_period_rows(summary.periods, period, plan.outcome)
        elif by_period:
            periods = within_budget(lambda: statistics.period_rows(plan, period))
        facets = counting.facets(filterset, summary.rows, True) if summary else UNCOUNTED
        if by_value and by_period:  # the page's headline, not a CSV table
            split = scope_split(filterset, plan, summary, facets)
    return SearchStatistics(
        filterset=filterset,
        period=period,
        facets=facets,
        periods=periods[0] if periods else None,
        undated=periods[1] if periods else None,
        breakdowns=statistics.breakdown_rows(summary.rows) if summary else None,
        split=split,
    )
