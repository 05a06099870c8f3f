"""Counting: a search's exact total, its overturn rate and every facet's top values.

Sized for millions of items, the counts are one statement (the summary), read from the
smallest source that can answer the plan (`planning.Plan`):

- no query and no facet filter besides the outcome (the list as it opens), or one on a facet
  whose values most items share (guideline, document, mismatch): the maintained `FacetCount`
  rows, one index range read;
- no query and other facet filters: the matching `FacetCombination` rows, each a
  combination of facet values with its item count (counted by value in the process once an
  index is registered, as the index's counts are: decisions/search/combination_values.py);
- a query or a drug: its matches among the narrow `SearchEntry` rows (GIN index on the
  vector, or on the generic names), counted by combination in one pass that also picks the
  page's items (a phrase's positions checked on each candidate); or, when the search index
  beside Postgres is kept and fresh, those counts and the page's items from it
  (decisions/search/indexed.py), the facet values counted from them;
- a filter only items can answer (treatment wording, injury dates, age, sex): the items.

The four count the same thing (tests compare them with each other and a plain ORM count).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from textwrap import indent
from typing import Any, TypeAlias

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Value

from .. import schema
from ..facets import FACETS
from ..models import (
    DisputedItem,
    FacetCombination,
    FacetCount,
    Outcome,
    PeriodCount,
    SearchEntry,
)
from . import budget, combination_values, indexed
from .arrays import bigint_array
from .keys import PageKey
from .parameters import ItemFilter
from .planning import ENTRIES, Plan, match_order
from .vocabulary import Scope, Sort

# SQL and its parameters, as QuerySet.query.sql_with_params() gives them.
Statement: TypeAlias = tuple[str, Sequence[Any]]

# How many values each facet shows, most frequent first (None: all of them).
FACET_LIMITS: dict[str, int | None] = {facet.name: facet.limit for facet in FACETS}
# The columns a combination of facet values consists of (models.FacetColumns);
# schema.facet_rows turns them into the facets' (facet, value) rows.
COMBINATION_COLUMNS = tuple(facet.column for facet in FACETS)


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


UNCOUNTED = Facets(total=None, overturned=0, decided=0, by_value=False)


@dataclass(frozen=True)
class Summary:
    rows: list[list]  # [facet, value, hits, overturned, decided], each facet's top values in order
    page_ids: list[int] | None  # the page's items, when counting the matches picked them too
    # A query's matches anywhere whose treatment matches it too, as outcome rows like `rows`':
    # the results of its scope=treatment (decisions/search/scopes.py). None when not counted
    # (no query, another scope, or a source other than the matches).
    in_treatment: list[list] | None = None
    # How many results have no decision date, when counting read the page too (by facet
    # values, `_combination_summary`; the index, `_indexed_summary`) or a page's counts were
    # the maintained ones (the month counts' undated rows, `_given_undated`); else None
    # (`paging.undated_count`).
    undated: int | None = None
    # The results by period of decision and outcome, as [first day (ISO, or None: no date),
    # outcome, n] rows, when a `summary` asked for a period counted a query's matches (the
    # statistics' trend, from the matches the counts read); else None.
    periods: list[list] | None = None


def summary(
    plan: Plan,
    window: tuple[int, int] | None,
    *,
    by_value: bool,
    limits: dict[str, int | None] = FACET_LIMITS,
    key: PageKey | None = None,
    period: str | None = None,
) -> Summary:
    """Count the results by facet value (only by outcome unless `by_value`), from the smallest
    source that can answer the plan (see the module docstring). `window` is the page whose
    ids a query's count picks too (None: no page), past `key` when given (instead of its
    offset, decisions/search/keys.py); `limits`, how many values of each facet (the
    statistics want them all). With a `period` ("month", "quarter" or "year"), a query's
    matches are counted by period too (`Summary.periods`): read once for both, they cost the
    statistics one pass over the index instead of two."""
    given = single_given(plan)
    if given is not None:
        undated = UNDATED_NOT_COUNTED if window is None else _given_undated(given, plan.outcome)
        return _count(_given_counts(given, by_value), plan.outcome, limits, undated=undated)
    if plan.items_only:
        items = DisputedItem.objects.filter(*plan.item_conditions()).order_by()
        combinations = items.values(*COMBINATION_COLUMNS).annotate(n=Count("pk"))
        return _count(_combination_values(combinations, by_value), plan.outcome, limits)
    if not plan.matches:
        return _combination_summary(plan, window, by_value, limits, key)
    return _match_summary(plan, window, by_value, limits, key, period)


def _combination_summary(
    plan: Plan,
    window: tuple[int, int] | None,
    by_value: bool,
    limits: dict[str, int | None],
    key: PageKey | None,
) -> Summary:
    """The combinations the facet filters allow, read once: counted by value, and (with a
    `window`) the page's ids and the undated results' count, among the entries of those with
    the chosen outcome, in the same statement (`_listed_entries`). Read again by a statement
    for the page's rows and one for the undated count, the combinations cost a walk of the
    table each (the search plans without sequential scans); passed to them as a list of ids,
    Postgres planned the list twice (0.5-0.7 ms each for 1,100 ids at 100,000 letters)."""
    combinations = plan.combinations(with_outcome=False).filter(items__gt=0).order_by()
    route: Statement = ("", [])
    page: Statement = ("NULL::bigint[]", [])
    undated = UNDATED_NOT_COUNTED
    if window is not None:
        route, page, undated = _listed_entries(plan, window, key)
    opened = budget.opening()
    if opened is not None and opened.registration is not None:
        try:
            return _combinations_counted_in_memory(
                plan, combinations, opened.registration, (route, page, undated), by_value, limits
            )
        except combination_values.Unknown:
            pass  # a combination deleted between the two statements: counted by the statement
    sql, params = combinations.values(
        "id", *COMBINATION_COLUMNS, n=F("items")
    ).query.sql_with_params()
    return _count(
        _combination_values(("SELECT * FROM m", []), by_value),
        plan.outcome,
        limits,
        with_=(f"WITH m AS MATERIALIZED ({sql}){route[0]}", [*params, *route[1]]),
        page=page,
        undated=undated,
    )


def _combinations_counted_in_memory(
    plan: Plan,
    combinations: QuerySet[FacetCombination],
    registration: int,
    listed: tuple[Statement, Statement, Statement],
    by_value: bool,
    limits: dict[str, int | None],
) -> Summary:
    """`_combination_summary`'s counts by facet value in the process's memory, as the search
    index's counts are (decisions/search/combination_values.py, whose values are kept per
    database by its index's registration): one statement reads the allowed combinations' ids
    and counts (and the page's ids and the undated count, as `_listed_entries` reads them),
    instead of joining them to their values and grouping them in Postgres (2,826
    combinations for one specialty at a million letters: the statement 21 ms, its counts and
    page alone 5-11). `combination_values.Unknown` when one of them was deleted before its
    values were read (their statement runs after this one)."""
    (route, route_params), (page, page_params), (undated, undated_params) = listed
    sql, params = combinations.values("id", "outcome", n=F("items")).query.sql_with_params()
    # Both arrays from one aggregate: in the same order.
    statement = f"""
        WITH m AS MATERIALIZED ({sql}){route}
        SELECT c.ids, c.ns, {page}, {undated}
        FROM (
            SELECT coalesce(array_agg(id), '{{}}') AS ids, coalesce(array_agg(n), '{{}}') AS ns
            FROM m
        ) AS c
    """
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, *route_params, *page_params, *undated_params])
        ids, ns, page_ids, undated_count = cursor.fetchone()
    counts = {pk: (n, 0) for pk, n in zip(ids, ns, strict=True)}
    rows, _ = combination_values.summary_rows(
        registration, counts, plan.outcome, limits, by_value=by_value, in_treatment=False
    )
    return Summary(rows, page_ids, undated=undated_count)


def _listed_entries(
    plan: Plan, window: tuple[int, int], key: PageKey | None
) -> tuple[Statement, Statement, Statement]:
    """The page's ids and the undated results' count, among the entries of `m`'s combinations
    with the chosen outcome (of `_combination_summary`'s CTE), each by the cheaper of two
    routes, which the counts tell apart before either runs (a CTE `route`, one more of the
    statement's, returned first; a one-time filter on each route):

    - few listed entries: each listed combination's entries by key (entry_combination_idx),
      then sorted;
    - many: walk an entry date index (the page from its start, the undated count its end),
      probing each entry's combination in a hash of the listed ids. The walk reads about
      (offset + limit) * all entries / listed entries of them, and an entry read by key
      costs about two walked past (page 300 of "Orthopaedic Surgery" at 100,000 letters:
      43,572 by key and sorted, 13 ms; 45,000 walked, 7.5 ms), so the walk is the cheaper
      route when twice the listed entries squared exceed (offset + limit) * all entries.
      `IS TRUE` keeps the hash: Postgres would make the IN a join, planned from its guess of
      the CTE's outcome filter (1 row in 200), and look every combination up by key (28,914
      entries sorted for a page of 20 of "Orthopaedic Surgery", upheld: 22 ms against 0.5;
      a cited page with 50 entries: 1.7 ms by key against 6 by the walk).

    Past a page `key`, each route reads each range of the key's rows (`Plan.past`) from the
    key on, instead of from its start past an OFFSET, and the page is their first rows.
    """
    table, counts = SearchEntry._meta.db_table, FacetCount._meta.db_table
    chosen, chosen_params = ("WHERE outcome = %s", [plan.outcome]) if plan.outcome else ("", [])
    offset, limit = window
    route = (
        f""",
        route AS MATERIALIZED (
            SELECT 2 * (SELECT coalesce(sum(n), 0) FROM m {chosen}) ^ 2 <= %s * (
                SELECT sum(items) FROM {counts}
                WHERE given_facet = '' AND given_value = '' AND facet = 'outcome'
            ) AS by_key
        )""",
        [*chosen_params, (offset if key is None else 0) + limit],
    )
    by_key = f"(SELECT by_key FROM route) AND combination_id IN (SELECT id FROM m {chosen})"
    walked = (
        "NOT (SELECT by_key FROM route)"
        f" AND (combination_id IN (SELECT id FROM m {chosen})) IS TRUE"
    )
    params = [*chosen_params]
    order = match_order(plan.sort)
    reading = order if key is None else match_order(plan.sort, forward=key.forward)
    parts = [("true", [])] if key is None else [_entry_sql(p) for p in plan.past(key, ENTRIES)]
    skipped = offset if key is None else 0
    selects, select_params = [], []
    for where in (by_key, walked):
        for part, part_params in parts:
            selects.append(
                f"""(SELECT item_id, decision_date FROM {table} WHERE {where} AND {part}
             ORDER BY {reading} LIMIT %s OFFSET %s)"""
            )
            select_params += [*params, *part_params, limit, skipped]
    union = "\n            UNION ALL\n            ".join(selects)
    page = (
        f"""(
        SELECT coalesce(array_agg(item_id ORDER BY {order}), '{{}}')
        FROM (
            SELECT * FROM (
            {union}
            ) AS parts ORDER BY {reading} LIMIT %s
        ) AS page
    )""",
        [*select_params, limit],
    )
    undated = (
        f"""(
        SELECT count(*) FROM (
            SELECT 1 FROM {table} WHERE decision_date IS NULL AND {by_key}
            UNION ALL
            SELECT 1 FROM {table} WHERE decision_date IS NULL AND {walked}
        ) AS undated
    )""",
        [*params, *params],
    )
    return route, page, undated


def _entry_sql(condition: Q) -> Statement:
    """A condition on search entries as SQL, its columns named by the table's own name (as
    `_listed_entries` reads it)."""
    query = SearchEntry.objects.filter(condition).query
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    return sql, list(params)


def single_given(
    plan: Plan, given_facets: tuple[str, ...] = FacetCount.GIVEN_FACETS
) -> tuple[str, str] | None:
    """The FacetCount key of a plan it can answer (or PeriodCount's, given its
    `given_facets`): ("", "") without facet filters, (facet, value) with one of the given
    facets (the outcome apart), None otherwise."""
    if plan.matches or plan.items_only or len(plan.facet_values) > 1:
        return None
    given = next(iter(plan.facet_values.items()), ("", ""))
    return given if given[0] in ("", *given_facets) else None


def _given_counts(given: tuple[str, str], by_value: bool) -> Statement:
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


def _given_undated(given: tuple[str, str], outcome: str) -> Statement:
    """The undated results' count of a plan FacetCount answers, from the maintained month
    counts' undated rows (PeriodCount's GIVEN_FACETS hold FacetCount's): one index read, where
    counting the undated entries of the given value's combinations looked each entry's
    combination up (18,771 undated entries at a million letters, 14 ms for one category)."""
    chosen, params = ("AND outcome = %s", [outcome]) if outcome else ("", [])
    return (
        f"""(
        SELECT coalesce(sum(items), 0) FROM {PeriodCount._meta.db_table}
        WHERE given_facet = %s AND given_value = %s AND month IS NULL {chosen}
    )""",
        [*given, *params],
    )


def _combination_values(combinations: QuerySet | Statement, by_value: bool) -> Statement:
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
{indent(schema.facet_rows("m"), " " * 12)}
        ) AS x (facet, value)
    """
    return values, [*params]


def _match_summary(
    plan: Plan,
    window: tuple[int, int] | None,
    by_value: bool,
    limits: dict[str, int | None],
    key: PageKey | None,
    period: str | None,
) -> Summary:
    """A query's (or a drug's) matches counted by combination, and the page picked among them
    (or the matches counted by `period`): from the search index when it answers
    (decisions/search/indexed.py), else from Postgres in one pass (`_postgres_match_summary`)."""
    answered = indexed.answer(plan, window, key, by_period=period is not None)
    if answered is not None:
        try:
            return _indexed_summary(plan, answered, by_value, limits)
        except indexed.IndexAhead:
            pass  # counted in Postgres, in the statement's snapshot
    return _postgres_match_summary(plan, window, by_value, limits, key, period)


# How many of the page's ids the snapshot holds (`_indexed_summary`).
_PAGE_KNOWN = f"SELECT count(*) FROM {SearchEntry._meta.db_table} WHERE item_id = ANY(%s::bigint[])"


def _indexed_summary(
    plan: Plan, answered: indexed.Answer, by_value: bool, limits: dict[str, int | None]
) -> Summary:
    """The index's counts by combination counted by facet value in the process's memory
    (decisions/search/combination_values.py), as `_count` counts Postgres' own. A statement
    checks that the snapshot holds the page's items; another reads the values of the
    combinations this process has not met, if any (`IndexAhead` when the snapshot lacks an
    item or a combination)."""
    scoped_all = bool(plan.query) and plan.scope == Scope.ALL
    page_ids = answered.page_ids
    if page_ids:
        with connection.cursor() as cursor:
            cursor.execute(_PAGE_KNOWN, [bigint_array(page_ids)])
            (found,) = cursor.fetchone()
        if found != len(page_ids):
            raise indexed.IndexAhead("the search index names items the snapshot does not hold")
    try:
        rows, in_treatment = combination_values.summary_rows(
            answered.registration,
            answered.counts,
            plan.outcome,
            limits,
            by_value=by_value,
            in_treatment=scoped_all,
        )
    except combination_values.Unknown as error:
        raise indexed.IndexAhead(str(error)) from error
    return Summary(rows, page_ids, in_treatment, answered.undated, answered.periods)


def _postgres_match_summary(
    plan: Plan,
    window: tuple[int, int] | None,
    by_value: bool,
    limits: dict[str, int | None],
    key: PageKey | None,
    period: str | None,
) -> Summary:
    """A query's (or a drug's) matches counted by combination in Postgres, and the page picked
    among them (or the matches counted by `period`), in one pass.

    Every match must be visited anyway (the total is exact, and relevance ranks them all), so
    the matches are read once into a CTE: their combination for the counts, their date and
    whether the treatment matches for the page (and whether they are past the page's key).
    """
    entries = SearchEntry.objects.filter(plan.entry_conditions())
    if plan.facet_values:
        entries = entries.filter(combination__in=plan.combinations(with_outcome=False).values("pk"))
    # Relevance ranks the treatment's matches first; scoped to all, they are counted too.
    scoped_all = bool(plan.query) and plan.scope == Scope.ALL
    in_treatment = (
        plan.in_treatment(ENTRIES) if plan.sort == Sort.RELEVANCE or scoped_all else Value(False)
    )
    past_key: Value | ExpressionWrapper = Value(True)
    if key is not None:
        past_key = ExpressionWrapper(
            reduce(or_, plan.past(key, ENTRIES)), output_field=BooleanField()
        )
    matches = entries.order_by().values(
        "item_id", "combination_id", "decision_date", in_treatment=in_treatment, past_key=past_key
    )
    matches_sql, matches_params = matches.query.sql_with_params()
    table = FacetCombination._meta.db_table
    columns = schema.columns("c")
    # Each matched combination by its key (OFFSET 0 keeps the lookup a nested loop): the
    # planner, misled by the GIN index's row estimate, otherwise hashed all 16,000 of them.
    with_sql = f"""
        WITH matches AS MATERIALIZED ({matches_sql}),
        by_combination AS (
            SELECT k.combination_id, {columns}, k.n, k.in_treatment
            FROM (
                SELECT combination_id, count(*) AS n,
                       count(*) FILTER (WHERE in_treatment) AS in_treatment
                FROM matches GROUP BY combination_id
            ) AS k
            CROSS JOIN LATERAL (SELECT * FROM {table} WHERE id = k.combination_id OFFSET 0) AS c
        )
    """
    return _count(
        _combination_values(("SELECT * FROM by_combination", []), by_value),
        plan.outcome,
        limits,
        with_=(with_sql, matches_params),
        page=_match_page(plan, window, key),
        also=IN_TREATMENT if scoped_all else NOT_COUNTED,
        periods=_match_periods(period),
    )


# The matches whose treatment matches the query too (of `_match_summary`'s CTEs), by outcome,
# as the outcome facet's rows: [facet, value, hits, overturned, decided].
IN_TREATMENT: Statement = (
    """(
        SELECT coalesce(json_agg(json_build_array(
            'outcome', outcome, n, CASE WHEN outcome = %s THEN n ELSE 0 END, n
        ) ORDER BY outcome), '[]')
        FROM (
            SELECT outcome::text, sum(in_treatment) AS n FROM by_combination GROUP BY outcome
        ) AS t
        WHERE n > 0
    )""",
    [Outcome.OVERTURNED.value],
)
NOT_COUNTED: Statement = ("NULL::json", [])
UNDATED_NOT_COUNTED: Statement = ("NULL::bigint", [])


def _match_periods(period: str | None) -> Statement:
    """The matches by period of decision and outcome, as `Summary.periods` rows (of
    `_match_summary`'s CTEs: the matches already read, each with its combination's outcome),
    or none without a `period`. The date is truncated as a timestamp without a time zone, as
    the month counts' trigger does (decisions/schema.py), so no session setting moves it."""
    if period is None:
        return NOT_COUNTED
    return (
        """(
        SELECT coalesce(json_agg(json_build_array(start, outcome, n)), '[]')
        FROM (
            SELECT date_trunc(%s, m.decision_date::timestamp)::date AS start,
                   b.outcome::text, count(*) AS n
            FROM matches AS m JOIN by_combination AS b USING (combination_id)
            GROUP BY 1, 2
        ) AS p
    )""",
        [period],
    )


def _match_page(plan: Plan, window: tuple[int, int] | None, key: PageKey | None) -> Statement:
    """The page's ids among the matches (of `_match_summary`'s CTEs), or none without a page;
    past a page key, the first past it (instead of past an OFFSET).

    The outcome filter picks the page among the matches of the matched combinations with
    that outcome: a hash of a few hundred ids. Against the combination table, Postgres could
    look each match's combination up by key (25,969 index reads, ~50 ms, for "epidural
    steroid injection" at 100,000 letters).
    """
    if window is None:
        return "NULL::bigint[]", []
    listed, page_params = "past_key", []
    if plan.outcome:
        listed += (
            " AND combination_id IN (SELECT combination_id FROM by_combination WHERE outcome = %s)"
        )
        page_params.append(plan.outcome)
    order = match_order(plan.sort)
    reading = order if key is None else match_order(plan.sort, forward=key.forward)
    page_sql = f"""(
        SELECT coalesce(array_agg(item_id ORDER BY {order}), '{{}}')
        FROM (SELECT * FROM matches WHERE {listed} ORDER BY {reading} LIMIT %s OFFSET %s) AS page
    )"""
    offset, limit = window
    return page_sql, [*page_params, limit, 0 if key else offset]


def _count(
    values: Statement,
    outcome: str,
    limits: dict[str, int | None],
    *,
    with_: Statement = ("", []),
    page: Statement = ("NULL::bigint[]", []),
    also: Statement = NOT_COUNTED,
    undated: Statement = UNDATED_NOT_COUNTED,
    periods: Statement = NOT_COUNTED,
) -> Summary:
    """Each facet's top values among (facet, value, outcome, n) rows, in one statement.

    A value's hits count the chosen outcome only (or both); its overturned and decided counts
    are taken whatever the outcome filter, as is the outcome facet itself, or every rate would
    read 0% or 100%. `page`, `also`, `undated` and `periods` are more columns of the same row:
    the page's ids, the summary's `in_treatment` rows (`IN_TREATMENT`), the undated results'
    count and the results by period (`_match_periods`).
    """
    (values_sql, values_params), (with_sql, with_params) = values, with_
    (page_sql, page_params), (undated_sql, undated_params) = page, undated
    (also_sql, also_params), (periods_sql, periods_params) = also, periods
    hit, hit_params = "n", []
    if outcome:
        hit, hit_params = "CASE WHEN facet = 'outcome' OR outcome = %s THEN n ELSE 0 END", [outcome]
    # Facet names and limits are ours (decisions/facets.py), never input.
    cases = " ".join(
        f"WHEN '{name}' THEN {limit:d}" for name, limit in limits.items() if limit is not None
    )
    within_limits = f"place <= CASE facet {cases} ELSE place END" if cases else "true"
    sql = f"""
        {with_sql}
        SELECT (
            SELECT coalesce(
                json_agg(json_build_array(facet, value, hits, overturned, decided)
                         ORDER BY facet COLLATE "C", place),
                '[]'
            )
            FROM (
                SELECT facet, value, sum(hit) AS hits,
                       coalesce(sum(n) FILTER (WHERE outcome = %s), 0) AS overturned,
                       sum(n) AS decided,
                       row_number() OVER (
                           PARTITION BY facet ORDER BY sum(hit) DESC, value COLLATE "C"
                       ) AS place
                FROM (
                    SELECT facet, value, outcome, n, {hit} AS hit
                    FROM ({values_sql}) AS v
                    WHERE value IS NOT NULL
                ) AS f
                GROUP BY facet, value
                HAVING sum(hit) > 0
            ) AS counted
            WHERE {within_limits}
        ), {also_sql},
        -- the page's ids, the undated count, the results by period
        {page_sql}, {undated_sql}, {periods_sql}
    """
    params = [
        *with_params,
        Outcome.OVERTURNED.value,
        *hit_params,
        *values_params,
        *also_params,
        *page_params,
        *undated_params,
        *periods_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows, in_treatment, page_ids, undated_count, by_period = cursor.fetchone()
    return Summary(rows, page_ids, in_treatment, undated_count, by_period)


def facets(filterset: ItemFilter, rows: list[list], by_value: bool) -> Facets:
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
