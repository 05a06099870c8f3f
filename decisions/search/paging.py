"""Paging: a page's place in the results, the results' ids in order, and a page's rows.

A page's rows cost one statement whatever its length: the ids first (from the summary, when
counting a query's matches picked them, or from the search entries' date indexes), then the
rows with their snippets and citations by primary key. A page reached by a link reads its ids
past the key the link carries (decisions/search/keys.py), one typed by number by OFFSET.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeAlias, TypedDict

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Expression,
    F,
    OuterRef,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject, Left

from .. import display, labels
from ..models import Citation, DisputedItem, Party, SearchEntry
from .keys import Direction, PageKey, reading_order
from .planning import ENTRIES, ITEMS, Columns, Plan, match_order
from .vocabulary import Sort, headline, search_query

PER_PAGE = 20

# A page's ids as a subquery: by OFFSET, or past a page key (`page_ids`).
Ids: TypeAlias = QuerySet | RawSQL

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
    "category",
    "drug_class",
    "generic_names",
)


class CitedRow(TypedDict):
    """A citation as a results page shows it: one element of the row's JSON array."""

    party: str
    guideline: str
    document: str | None
    topic: str | None
    pages: list[int]


@dataclass(frozen=True)
class ItemRow:
    """An item's PAGE_COLUMNS as read (`id` as `pk`): a row, not a model instance, for a page
    builds twenty and shows them once."""

    pk: int
    letter_id: int
    position: int
    treatment: str
    outcome: str
    reviewer_specialty_canonical: str
    patient_age: int | None
    patient_sex: str | None
    date_of_injury: date | None
    decision_date: date | None
    guideline_mismatch: bool
    reviewer_guidelines: list[str]
    category: str
    drug_class: str
    generic_names: list[str]


@dataclass(frozen=True)
class ResultItem:
    """An item as a results page shows it, its text composed here once (decisions/display.py)
    rather than by the template's lookups and filters, for twenty rows a page.

    With a query, `snippet` holds the best rationale fragments and `treatment_marked` the
    treatment, both with highlight sentinels; without one, `snippet` is the rationale's start
    and `treatment_marked` the treatment.
    """

    item: ItemRow
    snippet: str
    treatment_marked: str
    reviewer_cited: list[CitedRow]
    claims_cited: list[CitedRow]
    # Ordered by relevance: whether the query matches the treatment (for the page keys).
    in_treatment: bool | None = None

    @property
    def outcome_meaning(self) -> str:
        return labels.outcome_meaning(self.item.outcome)

    @property
    def reviewer(self) -> str:
        return self.item.reviewer_specialty_canonical or "not stated"

    @property
    def reviewer_citations(self) -> list[str]:
        return [display.citation(cited) for cited in self.reviewer_cited]

    @property
    def injured(self) -> str:
        return display.day(self.item.date_of_injury) or "not stated"

    @property
    def decided(self) -> str:
        return display.day(self.item.decision_date)

    @property
    def patient(self) -> str:
        return display.patient(self.item.patient_age, self.item.patient_sex)

    @property
    def claims_guidelines(self) -> list[str]:
        """The families the claims administrator cited, for the mismatch note."""
        return sorted({c["guideline"] for c in self.claims_cited})

    @property
    def claims_guideline_names(self) -> str:
        return display.guideline_labels(self.claims_guidelines)

    @property
    def reviewer_guideline_names(self) -> str:
        return display.guideline_labels(self.item.reviewer_guidelines)

    @property
    def requested(self) -> str:
        """What the item requests, as the taxonomy classified it: the category, then for a
        drug its class and generic names."""
        item = self.item
        text = display.category_label(item.category)
        if item.drug_class:
            text = f"{text}: {display.drug_class_label(item.drug_class).lower()}"
        if item.generic_names:
            text = f"{text} ({', '.join(item.generic_names)})"
        return text

    def key(self, direction: Direction) -> PageKey:
        """The row's place in the order, for the link to the page after (or before) it."""
        item = self.item
        return PageKey(direction, item.decision_date, item.pk, self.in_treatment)


@dataclass(frozen=True)
class Pagination:
    """Page numbers; without a total (it was not counted in time) only the neighbours are known."""

    number: int
    per_page: int
    total: int | None
    has_more: bool = False  # with no total: whether a next page has results
    # The signed keys the next and previous links carry (decisions/search/keys.py), if any.
    next_key: str = ""
    previous_key: str = ""

    @property
    def num_pages(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def exists(self) -> bool:
        pages = self.num_pages
        return pages is None or self.number <= pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1 and self.exists

    @property
    def has_next(self) -> bool:
        pages = self.num_pages
        return self.has_more if pages is None else self.number < pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int | None:
        """The page's first result's number, from 1; None without a total."""
        return None if self.total is None else min(self.offset + 1, self.total)

    @property
    def end_index(self) -> int | None:
        return None if self.total is None else min(self.offset + self.per_page, self.total)


def page_ids(plan: Plan, window: tuple[int, int], key: PageKey | None = None) -> Ids:
    """The page's item ids, as a subquery: past an OFFSET, or past a page key (then the first
    of the ranges of the order's index the rows past it span, `Plan.past`, each read from the
    key on: Postgres merges them, and reads a later range only as far as the page needs)."""
    offset, limit = window
    if key is None:
        return listed_ids(plan)[offset : offset + limit]
    listed, columns = _listed(plan)
    # Each range's rows with their sort values, named as `match_order` names them.
    fields = ["decision_date", columns.item_id]
    named: dict[str, F | Expression] = {}
    if columns.item_id != "item_id":  # the items' id, named as the entries name theirs
        fields, named = ["decision_date"], {"item_id": F(columns.item_id)}
    if plan.sort == Sort.RELEVANCE:
        named["in_treatment"] = plan.in_treatment(columns)
    reading = reading_order(plan.order(columns), key)
    statements = [
        listed.filter(part)
        .order_by(*reading)
        .values(*fields, **named)[:limit]
        .query.sql_with_params()
        for part in plan.past(key, columns)
    ]
    union = " UNION ALL ".join(f"({sql})" for sql, _ in statements)
    params = [param for _, range_params in statements for param in range_params]
    order = match_order(plan.sort, forward=key.forward)
    sql = f"SELECT item_id FROM ({union}) AS ranges ORDER BY {order} LIMIT %s"
    return RawSQL(sql, [*params, limit])


def listed_ids(plan: Plan) -> QuerySet:
    """The results' item ids in order: from the search entries (their date indexes check the
    facet filters, a query's matches come from the GIN index), or from the items when a
    filter needs them."""
    listed, columns = _listed(plan)
    return listed.order_by(*plan.order(columns)).values_list(columns.item_id, flat=True)


def _listed(plan: Plan) -> tuple[QuerySet, Columns]:
    """The results unordered (items or search entries), and the columns their order reads."""
    if plan.items_only:
        items = DisputedItem.objects.filter(*plan.item_conditions())
        if plan.outcome:
            items = items.filter(outcome=plan.outcome)
        return items, ITEMS
    entries = SearchEntry.objects.all()
    if plan.matches:
        entries = entries.filter(plan.entry_conditions())
    if plan.facet_values or plan.outcome:
        entries = entries.filter(combination__in=plan.combinations(with_outcome=True).values("pk"))
    return entries, ENTRIES


def undated_count(plan: Plan) -> int:
    """How many results have no decision date, which the date orders put last. Items and
    entries both name the date `decision_date`; the undated ones end both date indexes."""
    return listed_ids(plan).filter(decision_date__isnull=True).order_by().count()


def page_items(ids: list[int] | Ids, plan: Plan) -> list[ResultItem]:
    """The page's items with a snippet and their citations, in one statement.

    `ids` is the page's ids in order, or a subquery giving them: the ids first, then the
    columns, because Postgres computes a row's output (headlines, citations) before OFFSET
    discards it, so a deep page would pay for every skipped row.
    """
    if isinstance(ids, list) and not ids:
        return []
    snippet: Expression
    treatment_marked: Expression | F
    if plan.query:
        query = search_query(plan.query)
        snippet = headline(
            "rationale",
            query,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
        treatment_marked = headline("treatment", query, highlight_all=True)
    else:
        snippet, treatment_marked = Left("rationale", 400), F("treatment")
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
    keyed: dict[str, Expression] = {}
    if plan.sort == Sort.RELEVANCE:  # for the page keys
        keyed["in_treatment"] = plan.in_treatment(ITEMS)
    rows = (
        DisputedItem.objects.filter(pk__in=ids)
        .order_by()
        .annotate(
            snippet=snippet,
            treatment_marked=treatment_marked,
            cited=ArraySubquery(citations),
            **keyed,
        )
        .values_list(*PAGE_COLUMNS, "snippet", "treatment_marked", "cited", *keyed)
    )
    if isinstance(ids, list):
        place = {pk: n for n, pk in enumerate(ids)}
        read = sorted(rows, key=lambda row: place[row[0]])
    else:
        read = list(rows.order_by(*plan.order(ITEMS)))
    return [_result(row) for row in read]


def _result(row: tuple) -> ResultItem:
    """A row of `page_items`: PAGE_COLUMNS, the snippet, the treatment marked, the citations
    and, ordered by relevance, whether the query matches the treatment."""
    columns = len(PAGE_COLUMNS)
    snippet, treatment_marked, cited, *in_treatment = row[columns:]
    return ResultItem(
        item=ItemRow(*row[:columns]),
        snippet=snippet,
        treatment_marked=treatment_marked,
        reviewer_cited=[c for c in cited if c["party"] == Party.REVIEWER],
        claims_cited=[c for c in cited if c["party"] == Party.CLAIMS_ADMINISTRATOR],
        in_treatment=in_treatment[0] if in_treatment else None,
    )
