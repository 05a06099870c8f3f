"""A query's (or a drug's) matches read from the search index (decisions/engine), when one is
kept and as fresh as the search's snapshot: counted by combination from posting lists, the
page's ids and the undated count read along the index's order keys, the statistics' months
from a fast field, instead of visiting every match in Postgres (issue 15).

Counting (`counting._match_summary`) asks `answer` first and counts in Postgres, exactly as
without an index, whenever it says None:

- no index is kept in IMR_SEARCH_INDEX_DIR, or one of another format (`sync.current_folder`);
- the index is not as fresh as the search's snapshot: a change row is visible (`sync.FRESH`,
  asked by the search transaction's first statement, decisions/search/budget.py, before the
  reader resolves the current folder and loads its last commit, in that order: the applier
  commits the index before it deletes the change rows, a build swaps its folder in before it
  deletes the rows its snapshot saw);
- the index was built from another database than this one (`sync.REGISTRATION`: one created
  again under the same name keeps no change row that would say so);
- the index cannot say the answer exactly (`Unconvertible`, `Uncounted`).

The index may be AHEAD of the snapshot (an item committed and applied after the statement
that asked FRESH): counting then finds a combination or a page id its statement does not
know, raises `IndexAhead` and counts in Postgres too. Never a wrong number.

One reader per process (`reader`): opened on first use, reopened when a build has swapped
another folder in. Tantivy's reads are not under the search's statement budget
(decisions/search/budget.py); they take milliseconds where the statement took tens or
hundreds.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.expressions import RawSQL

from ..engine import (
    Counts,
    Key,
    NoIndex,
    Order,
    SearchIndex,
    Unconvertible,
    Uncounted,
    documents,
    sync,
)
from ..facets import Outcome
from ..models import FacetCombination
from . import budget
from .arrays import bigint_array
from .keys import Direction, PageKey
from .planning import Plan
from .vocabulary import Scope, Sort

logger = logging.getLogger(__name__)


class IndexAhead(Exception):
    """The index holds a combination or an item the search's snapshot does not."""


@dataclass(frozen=True)
class Answer:
    """The index's answer to a plan, as counting (`counting._indexed_summary`) takes it."""

    counts: Counts  # {combination id: (n, n_in_treatment)}, the facet filters applied
    page_ids: list[int] | None  # None without a page
    undated: int | None  # in a date order with a page; None otherwise
    periods: list[list] | None  # [month's first day or None, outcome, n] rows, when asked
    registration: int | None = None  # the database's the index was built from (`answer`)


@dataclass(frozen=True)
class Reader:
    """The process' reader of one generation of the index (`reader`)."""

    index: SearchIndex
    registration: int | None  # of the database it was built from (`sync.REGISTRATION`)


_lock = threading.Lock()  # the reader's opening
# One answer at a time per process: a search reads one commit of the index from its refresh
# to its last read, which another thread's refresh would move (gunicorn's sync workers serve
# one request at a time; a threaded server's searches wait milliseconds for each other here).
_reading = threading.Lock()
_reader: Reader | None = None


def reader() -> Reader | None:
    """The process' reader of the current index, or None when none is kept. Reopened when a
    build swapped another folder in (the old one's readers keep it: it outlives one build)."""
    global _reader
    try:
        folder = sync.current_folder()
    except NoIndex:
        return None
    with _lock:
        if _reader is None or _reader.index.folder != folder:
            try:
                _reader = Reader(SearchIndex.open(folder), sync.registration_of(folder))
            except NoIndex:
                return None
        return _reader


def answer(
    plan: Plan,
    window: tuple[int, int] | None,
    key: PageKey | None,
    *,
    by_period: bool = False,
) -> Answer | None:
    """The index's answer for a plan with a query or a drug (see the module docstring), or
    None: count in Postgres. Only in a search transaction of the plan's query, whose first
    statement asked FRESH (`budget.Opening`): the reader resolves the current folder and loads
    its last commit after it. `by_period`: the matches by month and outcome too."""
    opened = budget.opening()
    if opened is None or opened.query != plan.query or not opened.fresh:
        return None
    reading = reader()
    if reading is None or reading.registration != opened.registration:
        return None
    try:
        with _reading:
            reading.index.refresh()
            found = ask(reading.index, plan, opened.tsquery, window, key, by_period=by_period)
        return replace(found, registration=reading.registration)
    except (Unconvertible, Uncounted, IndexAhead) as error:
        logger.info("the search index does not answer %r: %s", plan.query, error)
        return None


def ask(
    index: SearchIndex,
    plan: Plan,
    tsquery: str | None,
    window: tuple[int, int] | None,
    key: PageKey | None = None,
    *,
    by_period: bool = False,
) -> Answer:
    """The index asked for a plan whose query Postgres parsed (`tsquery`): the counts by the
    combinations the facet filters allow, the page among those with the chosen outcome, its
    undated count in a date order, and the matches by month and outcome if asked."""
    # The index's arguments: which matches (the query's, where, the drugs), which listed.
    matches: dict[str, Any] = {"treatment_only": plan.scope == Scope.TREATMENT, "drugs": plan.drugs}
    counts = index.counts(tsquery, **matches)
    allowed: dict[int, str] | None = None
    if plan.facet_values:
        allowed = _allowed(plan, counts)
        counts = {pk: n for pk, n in counts.items() if pk in allowed}

    def among(outcome: str) -> dict[str, Any]:
        """The matches the facet filters allow with `outcome` ("": either), as the index's
        listing arguments: by the outcome's term, or by the allowed combinations."""
        if allowed is None:
            return {"combinations": None, "outcome": outcome}
        chosen = [pk for pk, value in allowed.items() if outcome in ("", value)]
        return {"combinations": chosen, "outcome": ""}

    page_ids, undated = None, None
    if window is not None:
        offset, limit = window
        page_ids = index.page_ids(
            tsquery,
            **matches,
            **among(plan.outcome),
            order=Order(plan.sort),
            offset=0 if key else offset,
            limit=limit,
            key=None if key is None else _key(key),
        )
        if plan.sort != Sort.RELEVANCE:
            undated = index.undated(tsquery, **matches, **among(plan.outcome))
    periods = None
    if by_period:
        # By month, as `counting.Summary.periods` rows (the statistics fold them by period).
        periods = [
            [_first_day(month), outcome, n]
            for outcome in Outcome.values
            for month, n in index.months(tsquery, **matches, **among(outcome)).items()
        ]
    return Answer(counts, page_ids, undated, periods)


def _first_day(month: int) -> str | None:
    start = documents.month_start(month)
    return None if start is None else start.isoformat()


def _allowed(plan: Plan, counts: Counts) -> dict[int, str]:
    """The matched combinations the facet filters allow, with their outcomes: one statement
    (the combinations' values are Postgres'). `IndexAhead` when one of them is unknown."""
    given = RawSQL("SELECT unnest(%s::bigint[])", [bigint_array(counts)])
    allows = ExpressionWrapper(Q(*plan.facet_conditions()), output_field=BooleanField())
    matched = FacetCombination.objects.filter(pk__in=given).annotate(allowed=allows)
    rows = list(matched.values_list("pk", "outcome", "allowed"))
    if len(rows) != len(counts):
        raise IndexAhead("the search index names combinations the snapshot does not hold")
    return {pk: outcome for pk, outcome, allowed in rows if allowed}


def _key(key: PageKey) -> Key:
    return Key(key.item_id, key.date, key.in_treatment, key.direction == Direction.AFTER)
