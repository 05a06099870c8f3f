"""Paging: a page's place in the results, the results' ids in order, and a page's rows.

A page's rows cost one statement whatever its length: the ids first (from the summary, when
counting a query's matches picked them, or from the search entries' date indexes), then the
rows with their snippets and citations by primary key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, QuerySet
from django.db.models.functions import JSONObject, Left

from ..models import Citation, DisputedItem, Party, SearchEntry
from .planning import ENTRIES, ITEMS, Plan
from .vocabulary import headline, search_query

PER_PAGE = 20

# What a results page shows of an item; rationale is only read inside Postgres for the snippet.
PAGE_COLUMNS = (
    "id",
    "letter_id",
    "position",
    "treatment",
    "outcome",
    "reviewer_specialty_canonical",
    "patient_age",
    "patient_sex",
    "date_of_injury",
    "decision_date",
    "guideline_mismatch",
    "reviewer_guidelines",
)


@dataclass(frozen=True)
class Pagination:
    """Page numbers; without a total (it was not counted in time) only the neighbours are known."""

    number: int
    per_page: int
    total: int | None
    has_more: bool = False  # with no total: whether a next page has results

    @property
    def num_pages(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def exists(self) -> bool:
        return self.total is None or self.number <= self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1 and (self.total is None or self.number <= self.num_pages)

    @property
    def has_next(self) -> bool:
        return self.has_more if self.total is None else self.number < self.num_pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def end_index(self) -> int:
        return min(self.offset + self.per_page, self.total)


def page_ids(plan: Plan, window: tuple[int, int]) -> QuerySet:
    """The page's item ids in order, as a subquery."""
    offset, limit = window
    return listed_ids(plan)[offset : offset + limit]


def listed_ids(plan: Plan) -> QuerySet:
    """The results' item ids in order: from the search entries (their date indexes check the
    facet filters, a query's matches come from the GIN index), or from the items when a
    filter needs them."""
    if plan.items_only:
        items = DisputedItem.objects.filter(*plan.item_conditions())
        if plan.outcome:
            items = items.filter(outcome=plan.outcome)
        return items.order_by(*plan.order(ITEMS)).values_list("pk", flat=True)
    entries = SearchEntry.objects.all()
    if plan.query:
        entries = entries.filter(plan.entry_match())
    if plan.facet_values or plan.outcome:
        entries = entries.filter(combination__in=plan.combinations(with_outcome=True).values("pk"))
    return entries.order_by(*plan.order(ENTRIES)).values_list("item_id", flat=True)


def page_items(ids: list[int] | QuerySet, plan: Plan) -> list[DisputedItem]:
    """The page's items with a snippet and their citations, in one statement.

    `ids` is the page's ids in order, or a subquery giving them: the ids first, then the
    columns, because Postgres computes a row's output (headlines, citations) before OFFSET
    discards it, so a deep page would pay for every skipped row.

    With a query, `snippet` holds the best rationale fragments and `treatment_marked` the
    treatment, both with highlight sentinels; without one, `snippet` is the rationale's start.
    Each item gets `reviewer_cited` and `claims_cited` (dicts of guideline, document, topic
    and pages) and `claims_guidelines`, the families the claims administrator cited.
    """
    if isinstance(ids, list) and not ids:
        return []
    if plan.query:
        query = search_query(plan.query)
        highlights = {
            "snippet": headline(
                "rationale",
                query,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
            "treatment_marked": headline("treatment", query, highlight_all=True),
        }
    else:
        highlights = {"snippet": Left("rationale", 400), "treatment_marked": F("treatment")}
    citations = (
        Citation.objects.filter(item=OuterRef("pk"))
        .order_by("party", "position")
        .values(
            json=JSONObject(
                party="party",
                guideline="guideline",
                document="document",
                topic="topic",
                pages="pages",
            )
        )
    )
    rows = (
        DisputedItem.objects.filter(pk__in=ids)
        .order_by()
        .only(*PAGE_COLUMNS)
        .annotate(**highlights, cited=ArraySubquery(citations))
    )
    if isinstance(ids, list):
        place = {pk: n for n, pk in enumerate(ids)}
        items = sorted(rows, key=lambda item: place[item.pk])
    else:
        items = list(rows.order_by(*plan.order(ITEMS)))
    for item in items:
        item.reviewer_cited = [c for c in item.cited if c["party"] == Party.REVIEWER]
        item.claims_cited = [c for c in item.cited if c["party"] == Party.CLAIMS_ADMINISTRATOR]
        item.claims_guidelines = sorted({c["guideline"] for c in item.claims_cited})
    return items
