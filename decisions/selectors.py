"""Reads for the search, letter and export pages.

Sized for millions of items. A results page costs two statements whatever its length: a
summary (the exact total, the overturn rate and every facet's top values) and the page's
rows. Where the summary counts depends on the filters (`_Plan`):

- no query and no facet filter besides the outcome (the list as it opens), or one on a facet
  whose values most items share (guideline, document, mismatch): the maintained `FacetCount`
  rows, one index range read;
- no query and other facet filters: the matching `FacetCombination` rows, each a
  combination of facet values with its item count;
- a query: its matches among the narrow `SearchEntry` rows (GIN index), counted by
  combination in one pass that also picks the page's items; a phrase is looked up in the
  entries' n-gram index instead (decisions/phrases.py), after one statement in which Postgres
  parses the query;
- a filter only items can answer (treatment wording, injury dates, age, sex): the items.

The four count the same thing (tests compare them with each other and a plain ORM count).
Every statement runs under IMR_SEARCH_STATEMENT_MS: when the summary runs out of time the
page counts the total alone, then nothing; its results are shown either way.

Highlighting: letter text is untrusted, so Postgres marks matches with two Unicode
noncharacters (reserved for internal use, never in interchange text) and the template filter
`marked` escapes the whole string before turning them into <mark> elements.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from typing import TypeVar

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline, SearchQueryField
from django.db import OperationalError, connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    OrderBy,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, JSONObject, Left
from psycopg.errors import QueryCanceled

from . import phrases
from .filters import OUTCOME_MEANINGS, SEARCH_CONFIG, ItemFilter, Sort, search_query
from .models import (
    Citation,
    DisputedItem,
    FacetCombination,
    FacetCount,
    Letter,
    Outcome,
    Party,
    PhraseNgrams,
    SearchEntry,
)

HIGHLIGHT_START = "\ufdd0"
HIGHLIGHT_STOP = "\ufdd1"

PER_PAGE = 20
SIMILAR_PER_KIND = 3
EXPORT_CHUNK = 2000

# How many values each facet shows, most frequent first (None: all of them).
FACET_LIMITS: dict[str, int | None] = {
    "outcome": None,
    "specialty": 15,
    "guideline": None,
    "document": 15,
    "cited_page": 10,
    "mismatch": None,
}
assert tuple(FACET_LIMITS) == ItemFilter.FACETS
# The columns a combination of facet values consists of (models.FacetColumns); SQL's
# decisions_facet_values (migration 0004) turns them into the facets' (facet, value) rows.
COMBINATION_COLUMNS = (
    "outcome",
    "reviewer_specialty",
    "guideline_mismatch",
    "reviewer_guidelines",
    "reviewer_documents",
    "reviewer_pages",
)

# What a results page shows of an item; rationale is only read inside Postgres for the snippet.
PAGE_COLUMNS = (
    "id",
    "letter_id",
    "position",
    "treatment",
    "outcome",
    "reviewer_specialty",
    "patient_age",
    "patient_sex",
    "date_of_injury",
    "decision_date",
    "guideline_mismatch",
    "reviewer_guidelines",
)

# Newest decisions first, over items (similar decisions).
NEWEST = (F("decision_date").desc(nulls_last=True), F("id").desc())
# The result orders in SQL, over a query's matches (see _match_summary and _Plan.order).
MATCH_ORDERS = {
    Sort.RELEVANCE: "in_treatment DESC, decision_date DESC NULLS LAST, item_id DESC",
    Sort.NEWEST: "decision_date DESC NULLS LAST, item_id DESC",
    Sort.OLDEST: "decision_date ASC NULLS LAST, item_id ASC",
}

_headline = partial(
    SearchHeadline,
    config=SEARCH_CONFIG,
    start_sel=HIGHLIGHT_START,
    stop_sel=HIGHLIGHT_STOP,
)

T = TypeVar("T")


@dataclass(frozen=True)
class FacetValue:
    value: str
    hits: int  # items the page would list with this value chosen instead
    overturned: int  # of `decided`, how many were overturned
    decided: int  # like hits, but whatever the outcome filter says
    active: bool

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.decided if self.decided else None


@dataclass(frozen=True)
class Facets:
    """The exact result count and, per facet, its most frequent values among the results.

    When counting takes longer than a search may, `by_value` is False and `values` empty (the
    total was counted on its own), or `total` is None as well (nothing was counted).
    """

    total: int | None
    overturned: int  # among the results as they would be without the outcome filter
    decided: int
    values: dict[str, list[FacetValue]] = field(default_factory=dict)
    by_value: bool = True

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.decided if self.decided else None


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


@dataclass(frozen=True)
class ItemSearch:
    filterset: ItemFilter
    query: str
    sort: str
    facets: Facets | None = None  # None when the parameters are invalid
    pagination: Pagination | None = None
    items: list[DisputedItem] = field(default_factory=list)
    timed_out: bool = False  # even the page's rows took longer than a search may


def item_filterset(params: Mapping[str, str]) -> ItemFilter:
    """The search's FilterSet, bound to GET parameters; check `is_valid()` before reading."""
    return ItemFilter(params, queryset=DisputedItem.objects.all())


def item_search(filterset: ItemFilter, *, per_page: int = PER_PAGE) -> ItemSearch:
    """One results page: a summary (total and facets) and the page's rows, two statements.

    Invalid parameters give no results (the page shows the form's errors instead), and a
    page past the end gives no rows and no statement for them. What a statement could not
    count in time is left out and said so (see `Facets`); rows that could not be read in
    time leave an empty page that says so (`timed_out`). Never an error page.
    """
    if not filterset.is_valid():
        return ItemSearch(filterset=filterset, query="", sort="")
    plan = _Plan.of(filterset)
    number = filterset.form.cleaned_data["page"] or 1
    window = ((number - 1) * per_page, per_page)
    try:
        with _search_transaction():
            summary = _within_budget(lambda: _summary(plan, window, by_value=True))
            by_value = summary is not None
            if summary is None:
                summary = _within_budget(lambda: _summary(plan, window, by_value=False))
            facets = _facets(filterset, summary.rows, by_value) if summary else UNCOUNTED
            pagination = Pagination(number=number, per_page=per_page, total=facets.total)
            items: list[DisputedItem] = []
            if summary and summary.page_ids is not None:
                items = _page_items(summary.page_ids, plan)
            elif facets.total is None:
                # One row past the page tells whether there is a next one.
                items = _page_items(_page_ids(plan, (window[0], per_page + 1)), plan)
                pagination = Pagination(number, per_page, None, has_more=len(items) > per_page)
                items = items[:per_page]
            elif pagination.offset < facets.total:
                items = _page_items(_page_ids(plan, window), plan)
    except OperationalError as error:
        if not isinstance(error.__cause__, QueryCanceled):
            raise
        return ItemSearch(filterset, plan.query, plan.sort, UNCOUNTED, timed_out=True)
    return ItemSearch(filterset, plan.query, plan.sort, facets, pagination, items)


def _effective_sort(filterset: ItemFilter) -> str:
    """Relevance when there is a query (unless asked otherwise), newest first without one."""
    data = filterset.form.cleaned_data
    sort = data["sort"] or (Sort.RELEVANCE if data["q"] else Sort.NEWEST)
    return Sort.NEWEST if sort == Sort.RELEVANCE and not data["q"] else sort


@dataclass(frozen=True)
class _Plan:
    """A valid search, its conditions sorted by what can answer them."""

    query: str
    sort: str
    outcome: str  # the chosen outcome, "" for either
    conditions: dict[str, Q]  # every filter's condition but the outcome's, the query's included
    facet_values: dict[str, str]  # chosen facet filters but the outcome, spelled as facet values
    rewrite: phrases.Rewrite | None = None  # how the n-gram index answers the query's phrases

    @classmethod
    def of(cls, filterset: ItemFilter) -> _Plan:
        data = filterset.form.cleaned_data
        conditions = filterset.conditions()
        conditions.pop("outcome", None)
        query = data["q"] or ""
        return cls(
            query=query,
            sort=_effective_sort(filterset),
            outcome=data["outcome"] or "",
            conditions=conditions,
            # Postgres spells the mismatch flag's value "true".
            facet_values={
                name: "true" if data[name] is True else data[name]
                for name in conditions
                if name in ItemFilter.FACETS
            },
            rewrite=_phrase_rewrite(query),
        )

    @property
    def items_only(self) -> bool:
        """Some filter reads a column only items have (treatment wording, dates, age, sex)."""
        return any(name != "q" and name not in self.facet_values for name in self.conditions)

    def entry_match(self, path: str = "") -> Q:
        """The query's condition on search entries (on items, with path "search__"): on the
        word index, or the n-gram index for its phrases (with the words, or with the whole
        query checked on each candidate when the n-grams alone are not the query: see
        decisions/phrases.py)."""
        vector = f"{path}search_vector"
        words = Q(**{vector: search_query(self.query)})
        if self.rewrite is None:
            return words
        ngrams = Q(_Matches(PhraseNgrams(vector), _tsquery(self.rewrite.ngram_query)))
        if not self.rewrite.exact:
            return ngrams & words
        if self.rewrite.words:
            return ngrams & Q(_Matches(F(vector), _tsquery(self.rewrite.words)))
        return ngrams

    def item_conditions(self) -> list[Q]:
        """Every filter's condition on items but the outcome's, the query's through
        `entry_match` (the FilterSet's own reads the word index alone)."""
        conditions = dict(self.conditions)
        if self.query:
            conditions["q"] = self.entry_match("search__")
        return list(conditions.values())

    def combinations(self, *, with_outcome: bool) -> QuerySet[FacetCombination]:
        """The combinations of facet values the facet filters allow (and the outcome, if asked)."""
        conditions = [self.conditions[name] for name in self.facet_values]
        if with_outcome and self.outcome:
            conditions.append(Q(outcome=self.outcome))
        return FacetCombination.objects.filter(*conditions)

    def order(self, columns: _Columns) -> tuple[OrderBy, ...]:
        """The result order; ties always end in the item id, so pages never overlap."""
        if self.sort == Sort.OLDEST:
            dates = (F(columns.date).asc(nulls_last=True), F(columns.item_id).asc())
        else:
            dates = (F(columns.date).desc(nulls_last=True), F(columns.item_id).desc())
        if self.sort != Sort.RELEVANCE:
            return dates
        return (self.in_treatment(columns).desc(), *dates)

    def in_treatment(self, columns: _Columns) -> ExpressionWrapper:
        """Whether the query matches the treatment: relevance ranks these matches first."""
        match = Q(**{columns.treatment_vector: search_query(self.query)})
        return ExpressionWrapper(match, output_field=BooleanField())


# Characters that can make websearch_to_tsquery write a phrase: quotes, and the punctuation
# inside compound words ("follow-up", "o'brien"). A query without any is words alone.
PHRASE_MARKS = re.compile(r"[^\w\s]")


def _phrase_rewrite(query: str) -> phrases.Rewrite | None:
    """What the n-gram index can do for the query's phrases: one statement, for a query that
    can have any (Postgres parses it, so the phrases are the ones the word index would check)."""
    if not PHRASE_MARKS.search(query):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [SEARCH_CONFIG, query])
        return phrases.rewrite(cursor.fetchone()[0])


class _Matches(Func):
    """vector @@ tsquery, for a tsquery given as lexemes (`_tsquery`), which the ORM's
    SearchQuery would parse again."""

    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


def _tsquery(text: str) -> Cast:
    return Cast(Value(text), SearchQueryField())


@dataclass(frozen=True)
class _Columns:
    """Where a queryset finds what the result order needs."""

    date: str
    item_id: str
    treatment_vector: str


ITEMS = _Columns("decision_date", "id", "search__treatment_vector")
ENTRIES = _Columns("decision_date", "item_id", "treatment_vector")


@contextmanager
def _search_transaction() -> Iterator[None]:
    """A transaction whose statements may each run IMR_SEARCH_STATEMENT_MS, planned for search.

    JIT is off (compiling a plan costs 50-200 ms, more than these statements gain from it);
    work_mem is large enough that a query's matches, their bitmaps and hash tables stay in
    memory; sequential scans are off: the planner does not price reading out-of-line values,
    and a sequential scan of the search entries would read every vector. Parallel plans are
    off: the phrase index's costly function made Postgres plan one for every phrase, whose
    Gather then passed each match to the leader (the phrase's summary at a million letters:
    150-220 ms parallel, 98-128 ms not), and the cores already serve one request each.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, true), set_config('jit', 'off', true), "
            "set_config('work_mem', '64MB', true), set_config('enable_seqscan', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)",
            [f"{settings.IMR_SEARCH_STATEMENT_MS}ms"],
        )
        yield


def _within_budget(read: Callable[[], T]) -> T | None:
    """What `read` returns, or None when one of its statements ran out of time (a savepoint
    undoes it, so the search's transaction goes on)."""
    try:
        with transaction.atomic():
            return read()
    except OperationalError as error:
        if isinstance(error.__cause__, QueryCanceled):
            return None
        raise


@dataclass(frozen=True)
class _Summary:
    rows: list[list]  # [facet, value, hits, overturned, decided], each facet's top values in order
    page_ids: list[int] | None  # the page's items, when counting the matches picked them too


def _summary(plan: _Plan, window: tuple[int, int], *, by_value: bool) -> _Summary:
    """Count the results by facet value (only by outcome unless `by_value`), from the smallest
    source that can answer the plan (see the module docstring)."""
    given = _single_given(plan)
    if given is not None:
        return _count(_given_counts(given, by_value), plan.outcome)
    if plan.items_only:
        items = DisputedItem.objects.filter(*plan.item_conditions()).order_by()
        combinations = items.values(*COMBINATION_COLUMNS).annotate(n=Count("pk"))
        return _count(_combination_values(combinations, by_value), plan.outcome)
    if not plan.query:
        combinations = plan.combinations(with_outcome=False).filter(items__gt=0).order_by()
        combinations = combinations.values(*COMBINATION_COLUMNS, n=F("items"))
        return _count(_combination_values(combinations, by_value), plan.outcome)
    return _match_summary(plan, window, by_value)


def _single_given(plan: _Plan) -> tuple[str, str] | None:
    """The FacetCount key of a plan it can answer: ("", "") without facet filters, (facet,
    value) with one of FacetCount.GIVEN_FACETS (the outcome apart), None otherwise."""
    if plan.query or plan.items_only or len(plan.facet_values) > 1:
        return None
    given = next(iter(plan.facet_values.items()), ("", ""))
    return given if given[0] in ("", *FacetCount.GIVEN_FACETS) else None


def _given_counts(given: tuple[str, str], by_value: bool) -> tuple[str, list]:
    """FacetCount rows as (facet, value, outcome, n). They leave out the given facet's own
    values; the given value itself counts as many as the given totals."""
    table = FacetCount._meta.db_table
    rows = f"FROM {table} WHERE given_facet = %s AND given_value = %s"
    sql, params = f"SELECT facet, value, outcome, items AS n {rows}", [*given]
    if not by_value:
        return f"{sql} AND facet = 'outcome'", params
    if given[0]:
        sql += f" UNION ALL SELECT %s, %s, outcome, items {rows} AND facet = 'outcome'"
        params += [*given, *given]
    return sql, params


def _combination_values(
    combinations: QuerySet | tuple[str, list], by_value: bool
) -> tuple[str, list]:
    """Rows with COMBINATION_COLUMNS and a count `n`, as (facet, value, outcome, n) rows."""
    if isinstance(combinations, QuerySet):
        combinations = combinations.query.sql_with_params()
    sql, params = combinations
    if not by_value:
        outcomes = "SELECT 'outcome' AS facet, m.outcome::text AS value, m.outcome, m.n"
        return f"{outcomes} FROM ({sql}) AS m", [*params]
    values = f"""
        SELECT x.facet, x.value, m.outcome, m.n
        FROM ({sql}) AS m
        CROSS JOIN LATERAL (
            SELECT 'outcome', m.outcome::text
            UNION ALL
            SELECT * FROM decisions_facet_values(
                m.reviewer_specialty, m.guideline_mismatch, m.reviewer_guidelines,
                m.reviewer_documents, m.reviewer_pages
            )
        ) AS x (facet, value)
    """
    return values, [*params]


def _match_summary(plan: _Plan, window: tuple[int, int], by_value: bool) -> _Summary:
    """A query's matches counted by combination, and the page picked among them, in one pass.

    Every match must be visited anyway (the total is exact, and relevance ranks them all), so
    the matches are read once into a CTE: their combination for the counts, their date and
    whether the treatment matches for the page.
    """
    entries = SearchEntry.objects.filter(plan.entry_match())
    if plan.facet_values:
        entries = entries.filter(combination__in=plan.combinations(with_outcome=False).values("pk"))
    in_treatment = (
        plan.in_treatment(ENTRIES) if plan.sort == Sort.RELEVANCE else Value(False)
    )
    matches = entries.order_by().values(
        "item_id", "combination_id", "decision_date", in_treatment=in_treatment
    )
    matches_sql, matches_params = matches.query.sql_with_params()
    table = FacetCombination._meta.db_table
    columns = ", ".join(f"c.{column}" for column in COMBINATION_COLUMNS)
    # Each matched combination by its key (OFFSET 0 keeps the lookup a nested loop): the
    # planner, misled by the GIN index's row estimate, otherwise hashed all 16,000 of them.
    with_sql = f"""
        WITH matches AS MATERIALIZED ({matches_sql}),
        by_combination AS (
            SELECT k.combination_id, {columns}, k.n
            FROM (SELECT combination_id, count(*) AS n FROM matches GROUP BY combination_id) AS k
            CROSS JOIN LATERAL (SELECT * FROM {table} WHERE id = k.combination_id OFFSET 0) AS c
        )
    """
    # The outcome filter picks the page among the matches of the matched combinations with
    # that outcome: a hash of a few hundred ids. Against the combination table, Postgres could
    # look each match's combination up by key (25,969 index reads, ~50 ms, for "epidural
    # steroid injection" at 100,000 letters).
    listed, page_params = "", []
    if plan.outcome:
        listed = "WHERE combination_id IN (SELECT combination_id FROM by_combination WHERE outcome = %s)"
        page_params.append(plan.outcome)
    order = MATCH_ORDERS[plan.sort]
    page_sql = f"""(
        SELECT coalesce(array_agg(item_id ORDER BY {order}), '{{}}')
        FROM (SELECT * FROM matches {listed} ORDER BY {order} LIMIT %s OFFSET %s) AS page
    )"""
    offset, limit = window
    return _count(
        _combination_values(("SELECT * FROM by_combination", []), by_value),
        plan.outcome,
        with_=(with_sql, matches_params),
        page=(page_sql, [*page_params, limit, offset]),
    )


def _count(
    values: tuple[str, list],
    outcome: str,
    *,
    with_: tuple[str, list] = ("", []),
    page: tuple[str, list] = ("NULL::bigint[]", []),
) -> _Summary:
    """Each facet's top values among (facet, value, outcome, n) rows, in one statement.

    A value's hits count the chosen outcome only (or both); its overturned and decided counts
    are taken whatever the outcome filter, as is the outcome facet itself, or every rate would
    read 0% or 100%.
    """
    (values_sql, values_params), (with_sql, with_params) = values, with_
    page_sql, page_params = page
    hit, hit_params = "n", []
    if outcome:
        hit, hit_params = "CASE WHEN facet = 'outcome' OR outcome = %s THEN n ELSE 0 END", [outcome]
    limits = " ".join(
        f"WHEN '{name}' THEN {limit}" for name, limit in FACET_LIMITS.items() if limit is not None
    )
    sql = f"""
        {with_sql}
        SELECT (
            SELECT coalesce(
                json_agg(json_build_array(facet, value, hits, overturned, decided)
                         ORDER BY facet, place),
                '[]'
            )
            FROM (
                SELECT facet, value, sum(hit) AS hits,
                       coalesce(sum(n) FILTER (WHERE outcome = %s), 0) AS overturned,
                       sum(n) AS decided,
                       row_number() OVER (PARTITION BY facet ORDER BY sum(hit) DESC, value) AS place
                FROM (
                    SELECT facet, value, outcome, n, {hit} AS hit
                    FROM ({values_sql}) AS v
                    WHERE value IS NOT NULL
                ) AS f
                GROUP BY facet, value
                HAVING sum(hit) > 0
            ) AS counted
            WHERE place <= CASE facet {limits} ELSE place END
        ), {page_sql}
    """
    params = [*with_params, Outcome.OVERTURNED.value, *hit_params, *values_params, *page_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows, page_ids = cursor.fetchone()
    return _Summary(rows=rows, page_ids=page_ids)


def _facets(filterset: ItemFilter, rows: list[list], by_value: bool) -> Facets:
    """Facets from each facet's top values.

    A value's count is the number of results that have it: what the list would show after a
    click on it. A facet whose filter is active shows just the chosen value, to be removed.
    """
    chosen = dict(filterset.form.cleaned_data)
    chosen["mismatch"] = "true" if chosen["mismatch"] else ""  # Postgres spells booleans so
    values: dict[str, list[FacetValue]] = {name: [] for name in ItemFilter.FACETS}
    for facet, value, n, overturned, decided in rows:
        active = value == chosen[facet]
        # An array facet with a chosen value still counts the results' other values (items
        # citing MTUS also cite ODG): not choices a click could offer in its place.
        if active or not chosen[facet] or facet == "outcome":
            values[facet].append(FacetValue(value, n, overturned, decided, active))
    # The page offers "different guideline" as a filter; "same guideline" is not one.
    values["mismatch"] = [v for v in values["mismatch"] if v.value == "true"]
    outcomes = values["outcome"]
    return Facets(
        total=sum(v.hits for v in outcomes if chosen["outcome"] in ("", v.value)),
        overturned=sum(v.hits for v in outcomes if v.value == Outcome.OVERTURNED),
        decided=sum(v.hits for v in outcomes),
        values=values if by_value else {},
        by_value=by_value,
    )


UNCOUNTED = Facets(total=None, overturned=0, decided=0, by_value=False)


def _page_ids(plan: _Plan, window: tuple[int, int]) -> QuerySet:
    """The page's item ids in order, as a subquery."""
    offset, limit = window
    return _listed_ids(plan)[offset : offset + limit]


def _listed_ids(plan: _Plan) -> QuerySet:
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


def _page_items(ids: list[int] | QuerySet, plan: _Plan) -> list[DisputedItem]:
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
            "snippet": _headline(
                "rationale", query, max_words=35, min_words=15, max_fragments=2,
                fragment_delimiter=" … ",
            ),
            "treatment_marked": _headline("treatment", query, highlight_all=True),
        }
    else:
        highlights = {"snippet": Left("rationale", 400), "treatment_marked": F("treatment")}
    citations = (
        Citation.objects.filter(item=OuterRef("pk"))
        .order_by("party", "position")
        .values(
            json=JSONObject(
                party="party", guideline="guideline", document="document", topic="topic",
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


@dataclass(frozen=True)
class LetterDetail:
    """A letter with its items in order; each item has `claims_cited` and `reviewer_cited`
    (Citation rows) and `similar_treatment` and `similar_citation` (dicts of other items).

    With a query, `letter.summary_marked`, `item.treatment_marked` and `item.rationale_marked`
    hold the whole texts with highlight sentinels.
    """

    letter: Letter
    items: list[DisputedItem]
    query: str


def letter_detail(*, pk: int, query: str = "") -> LetterDetail | None:
    """Four queries whatever the letter's size: letter, items, citations, similar decisions."""
    letters = Letter.objects.defer("raw_text")
    items = DisputedItem.objects.order_by("position").prefetch_related(
        Prefetch("citations", queryset=Citation.objects.order_by("party", "position"))
    )
    if query:
        letters = letters.annotate(
            summary_marked=_headline("case_summary", search_query(query), highlight_all=True)
        )
        items = items.annotate(
            treatment_marked=_headline("treatment", search_query(query), highlight_all=True),
            rationale_marked=_headline("rationale", search_query(query), highlight_all=True),
        )
    letter = letters.filter(pk=pk).first()
    if letter is None:
        return None
    items = list(items.filter(letter=letter))
    for item in items:
        cited = list(item.citations.all())
        item.claims_cited = [c for c in cited if c.party == Party.CLAIMS_ADMINISTRATOR]
        item.reviewer_cited = [c for c in cited if c.party == Party.REVIEWER]
    similar = item_similar(items)
    for item in items:
        item.similar_treatment = similar.get((item.pk, "treatment"), [])
        item.similar_citation = similar.get((item.pk, "citation"), [])
    return LetterDetail(letter=letter, items=items, query=query)


def item_similar(items: list[DisputedItem]) -> dict[tuple[int, str], list[dict]]:
    """Recent decisions in other letters on the same treatment wording, and citing a page the
    reviewer cited, keyed by (item id, "treatment" | "citation"); one query for all items.

    Each part is a LIMIT over an index: the treatment-key B-tree (already in newest order) and
    the reviewer-pages GIN index.
    """
    fields = ("id", "letter_id", "position", "treatment", "outcome", "reviewer_specialty")
    parts = []
    for item in items:
        others = DisputedItem.objects.exclude(letter_id=item.letter_id).order_by(*NEWEST)
        matches = {"treatment": others.filter(treatment_key=item.treatment_key)}
        if item.reviewer_pages:
            matches["citation"] = others.filter(reviewer_pages__overlap=item.reviewer_pages)
        parts.extend(
            qs.values(*fields, source=Value(item.pk), kind=Value(kind))[:SIMILAR_PER_KIND]
            for kind, qs in matches.items()
        )
    if not parts:
        return {}
    found: dict[tuple[int, str], list[dict]] = {}
    for row in parts[0].union(*parts[1:], all=True):
        found.setdefault((row.pop("source"), row.pop("kind")), []).append(row)
    return found


# The export's columns, in order; the citation columns are the IMR reviewer's. `url` and
# `outcome_meaning` are not stored: the export adds them for readers of the file alone.
EXPORT_COLUMNS = (
    "url",
    "letter_id",
    "position",
    "case_number",
    "decision_date",
    "treatment",
    "outcome",
    "outcome_meaning",
    "reviewer_specialty",
    "patient_age",
    "patient_sex",
    "date_of_injury",
    "reviewer_guidelines",
    "reviewer_documents",
    "reviewer_pages",
    "guideline_mismatch",
    "claims_administrator_basis",
    "reviewer_basis",
    "rationale",
)
_STORED_COLUMNS = [c for c in EXPORT_COLUMNS if c not in ("url", "outcome_meaning", "case_number")]

# Spreadsheet programs run a cell that starts with one of these as a formula; letter text is
# untrusted, so such cells get a leading apostrophe (OWASP's advice for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(expression: str) -> str:
    """SQL for a text cell with FORMULA_STARTS defused (`expression` is ours, never input)."""
    starts = ", ".join(f"chr({ord(c)})" for c in FORMULA_STARTS)
    return (
        f"CASE WHEN left({expression}, 1) IN ({starts})"
        f" THEN chr(39) || {expression} ELSE {expression} END"
    )


# One chunk of the CSV export: a row per listed id, in the list's order, encoded by Postgres.
# The rows are read in id order (the tables' physical order), then put in the list's: at a
# million letters, reading a chunk in list order went to a random page per row (7,000 rows/s
# from the page cache), in id order to neighbouring ones (31,000 rows/s).
_CSV_CELLS = {
    "url": "%(letters_url)s || i.letter_id || '/#item-' || i.position",
    "letter_id": "i.letter_id",
    "position": "i.position",
    "case_number": _csv_cell("l.case_number"),
    "decision_date": "to_char(i.decision_date, 'YYYY-MM-DD')",
    "treatment": _csv_cell("i.treatment"),
    "outcome": "i.outcome",
    "outcome_meaning": "CASE i.outcome WHEN %(upheld)s THEN %(upheld_means)s"
    " WHEN %(overturned)s THEN %(overturned_means)s END",
    "reviewer_specialty": _csv_cell("i.reviewer_specialty"),
    "patient_age": "i.patient_age",
    "patient_sex": "i.patient_sex",
    "date_of_injury": "to_char(i.date_of_injury, 'YYYY-MM-DD')",
    "reviewer_guidelines": _csv_cell("array_to_string(i.reviewer_guidelines, '; ')"),
    "reviewer_documents": _csv_cell("array_to_string(i.reviewer_documents, '; ')"),
    "reviewer_pages": _csv_cell("array_to_string(i.reviewer_pages, '; ')"),
    "guideline_mismatch": "CASE i.guideline_mismatch WHEN true THEN 'yes' WHEN false THEN 'no' END",
    "claims_administrator_basis": _csv_cell("i.claims_administrator_basis"),
    "reviewer_basis": _csv_cell("i.reviewer_basis"),
    "rationale": _csv_cell("i.rationale"),
}
assert tuple(_CSV_CELLS) == EXPORT_COLUMNS
_CSV_CHUNK = f"""
    COPY (
        SELECT {", ".join(_CSV_CELLS.values())}
        FROM (
            SELECT * FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS listed (id, place)
            ORDER BY id
        ) AS listed
        JOIN {DisputedItem._meta.db_table} AS i ON i.id = listed.id
        JOIN {Letter._meta.db_table} AS l ON l.id = i.letter_id
        ORDER BY listed.place
    ) TO STDOUT WITH (FORMAT csv)
"""


def item_export_rows(filterset: ItemFilter) -> Iterator[dict]:
    """Every result of a valid search as dicts of the stored EXPORT_COLUMNS (all but `url` and
    `outcome_meaning`), in the page's order."""
    for chunk in _export_chunks(filterset):
        rows = (
            DisputedItem.objects.filter(pk__in=chunk)
            .order_by()
            .values("id", *_STORED_COLUMNS, case_number=F("letter__case_number"))
        )
        by_id = {row["id"]: row for row in rows}
        yield from (by_id[pk] for pk in chunk)


def item_export_csv(filterset: ItemFilter, letters_url: str) -> Iterator[bytes]:
    """Every result of a valid search as CSV records of EXPORT_COLUMNS (no header line), in the
    page's order; `letters_url` is the address a letter id completes.

    Postgres encodes the CSV itself (COPY ... TO STDOUT) and Python only passes its blocks on:
    building and quoting each row in Python capped a large export near 8,000 rows a second.
    """
    params = {
        "letters_url": letters_url,
        "upheld": Outcome.UPHELD.value,
        "upheld_means": OUTCOME_MEANINGS[Outcome.UPHELD],
        "overturned": Outcome.OVERTURNED.value,
        "overturned_means": OUTCOME_MEANINGS[Outcome.OVERTURNED],
    }
    for chunk in _export_chunks(filterset):
        with connection.cursor() as cursor:
            with cursor.cursor.copy(_CSV_CHUNK, {**params, "ids": chunk}) as copy:
                yield from (bytes(block) for block in copy)


def _export_chunks(filterset: ItemFilter) -> Iterator[list[int]]:
    """The results' ids in the page's order, EXPORT_CHUNK at a time.

    The ids come from a server-side cursor and each chunk's rows are then read by primary key,
    so memory stays flat however many rows. (One query joining the items, their letters and the
    order had Postgres hash every item and sort them all: 80 s for 300,000 rows at a million
    letters.)
    """
    ids = _listed_ids(_Plan.of(filterset)).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(ids, EXPORT_CHUNK)):
        yield chunk
