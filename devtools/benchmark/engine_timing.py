"""The product's search index (decisions/engine) timed beside the search's own counting, on
the database and index the settings name (`manage.py time_engine`), and checked equal to it.

Per query of the benchmark with a text query or a drug (devtools/benchmark/queries.py) and
the probe's operator queries: the search's summary statement as the page runs it today
(`counting.summary`, counts by facet value and the page, under the search's planner
settings), and the index's answer as the search asks it (decisions/search/indexed.py:
Postgres' parse, one statement, then the counts by combination and the page, and in a date
order the undated count the page shows), alternated run by run;
then whether the index's counts by combination and page equal Postgres' (`postgres_answer`).
The index's counts are by combination: turning them into counts by facet value is not
timed here (in memory, 1-9 ms at a million letters: the probe's figures, BENCHMARKS.md).

`ask_index` (the product's `indexed.ask`) and `postgres_answer` are what the tests compare
(tests/engine/test_sync.py).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet

from decisions.engine import SearchIndex
from decisions.models import SearchEntry
from decisions.search import counting, indexed, item_filterset, paging
from decisions.search.budget import PARSED, search_transaction
from decisions.search.keys import Direction, PageKey
from decisions.search.planning import ENTRIES, Plan, counts_kept
from decisions.search.vocabulary import SEARCH_CONFIG, Sort

from .engine_probe import OPERATOR_QUERIES
from .queries import QUERIES

# A query's answer: its counts by combination ({id: (matches, in treatment)}), its page and
# how many of its results are undated (what a date order's page says; None by relevance).
Answer = tuple[dict[int, tuple[int, int]], list[int], int | None]


def plan_of(params: dict) -> Plan:
    filterset = item_filterset(params)
    if not filterset.is_valid():
        raise ValueError(f"invalid search parameters {params}: {filterset.errors}")
    return Plan.of(filterset, counted=counts_kept())


def ask_index(
    index: SearchIndex,
    params: dict,
    window: tuple[int, int] = (0, 20),
    key: PageKey | None = None,
) -> Answer:
    """The index asked as the search asks it (decisions/search/indexed.py): the matches'
    counts by the combinations the facet filters allow, and the page among those with the
    chosen outcome."""
    plan = plan_of(params)
    return _answer(index, plan, tsquery_of(plan), window, key)


def tsquery_of(plan: Plan) -> str | None:
    """Postgres' parse of the plan's query, as the search transaction's first statement gives
    it to the index (None: no query)."""
    if not plan.query:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {PARSED}", [SEARCH_CONFIG, plan.query])
        parsed: str = cursor.fetchone()[0]
        return parsed


def _answer(
    index: SearchIndex,
    plan: Plan,
    tsquery: str | None,
    window: tuple[int, int] = (0, 20),
    key: PageKey | None = None,
) -> Answer:
    answered = indexed.ask(index, plan, tsquery, window, key)
    return answered.counts, answered.page_ids or [], answered.undated


def postgres_answer(
    params: dict, window: tuple[int, int] = (0, 20), key: PageKey | None = None
) -> Answer:
    """The same from Postgres: the matches the plan's own conditions find, counted by
    combination, and the page as the search reads it without counting (`paging.page_ids`,
    by offset or past a `key`), whether or not an index is kept."""
    plan = plan_of(params)
    in_treatment = plan.treatment_match(ENTRIES) if plan.query else Q(pk__in=[])
    rows = (
        SearchEntry.objects.filter(plan.entry_conditions())
        .values("combination_id")
        .annotate(n=Count("pk"), t=Count("pk", filter=in_treatment))
    )
    counts = {row["combination_id"]: (row["n"], row["t"]) for row in rows}
    if plan.facet_values:
        counts = _allowed(plan, counts)
    ids = paging.page_ids(plan, window, key)
    if isinstance(ids, QuerySet):
        sql, page_params = ids.query.sql_with_params()
    else:
        sql, page_params = ids.sql, tuple(ids.params)
    with connection.cursor() as cursor:
        cursor.execute(sql, page_params)
        page = [pk for (pk,) in cursor.fetchall()]
    if key is not None and key.direction == Direction.BEFORE:  # read back from the key
        page.reverse()
    return counts, page, None if plan.sort == Sort.RELEVANCE else paging.undated_count(plan)


def _allowed(plan: Plan, counts: dict[int, tuple[int, int]]) -> dict[int, tuple[int, int]]:
    allowed = set(plan.combinations(with_outcome=False).values_list("pk", flat=True))
    return {pk: n for pk, n in counts.items() if pk in allowed}


@dataclass(frozen=True)
class Timed:
    label: str
    matches: int
    combinations: int
    summary_ms: float  # the search's summary statement today (p50)
    index_ms: float  # the index: the parse statement, counts and page (p50)
    equal: bool


def timed_queries() -> list[tuple[str, dict]]:
    """(label, params): the benchmark's queries with a text query or a drug, then the probe's
    operator queries."""
    benchmark = [
        (query.label, {k: v for k, v in query.params.items() if k != "page_base"})
        for query in QUERIES
        if "q" in query.params or "drug" in query.params
    ]
    operators = [
        (label, {"q": q, **({"outcome": outcome} if outcome else {})})
        for label, q, outcome in OPERATOR_QUERIES
    ]
    return benchmark + operators


def time_query(index: SearchIndex, label: str, params: dict, repeat: int) -> Timed:
    """One query, the two ways alternated `repeat` times after one untimed run of each, the
    plan made once for both (the page makes it before either)."""
    plan = plan_of(params)

    def summary() -> object:
        with search_transaction(plan.query):
            return counting.summary(plan, (0, 20), by_value=True)

    def from_index() -> object:
        return _answer(index, plan, tsquery_of(plan))

    summary_ms, index_ms = [], []
    summary(), from_index()
    for _ in range(repeat):
        summary_ms.append(_milliseconds(summary))
        index_ms.append(_milliseconds(from_index))
    ours = ask_index(index, params)
    counts = ours[0]
    return Timed(
        label,
        sum(n for n, _ in counts.values()),
        len(counts),
        statistics.median(summary_ms),
        statistics.median(index_ms),
        ours == postgres_answer(params),
    )


def _milliseconds(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def table(rows: list[Timed]) -> list[str]:
    lines = [
        f"{'query':44} {'matches':>9} {'combos':>7} {'summary p50':>12} {'index p50':>10}"
        f" {'ratio':>6}  equal"
    ]
    for row in rows:
        ratio = row.summary_ms / row.index_ms if row.index_ms else 0
        lines.append(
            f"{row.label[:44]:44} {row.matches:>9,} {row.combinations:>7,}"
            f" {row.summary_ms:>12.1f} {row.index_ms:>10.1f} {ratio:>6.1f}"
            f"  {'yes' if row.equal else 'NO'}"
        )
    return lines
