"""Time budgets: every statement of a search runs under IMR_SEARCH_STATEMENT_MS.

A search must not hold a worker for as long as its counts take at a million letters: when
the summary runs out of time the page counts the total alone, then nothing, and shows its
results either way; when even the page's rows run out of time it shows an empty page that
says so. Postgres enforces the budget (statement_timeout) and cancels the statement; the
savepoint around each part lets the search's transaction go on after a cancelled one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db import OperationalError, connection, transaction
from psycopg.errors import QueryCanceled

from .. import schema
from ..engine import sync
from .vocabulary import SEARCH_CONFIG

T = TypeVar("T")

# A query as Postgres parses it for its word index (the search index is asked the same
# lexemes, decisions/search/indexed.py).
PARSED = "websearch_to_tsquery(%s::regconfig, %s)::text"


@dataclass(frozen=True)
class Opening:
    """What a search transaction's first statement read for the search index
    (decisions/search/indexed.py), in the transaction's first snapshot: whether the index
    holds every change it sees (`sync.FRESH`), the database's registration, and the query as
    Postgres parses it (None without one); and for the counts Postgres keeps, whether they
    are kept (`counted`: not while a bulk load runs, decisions/schema.py COUNTING)."""

    query: str
    fresh: bool
    registration: int | None
    tsquery: str | None
    counted: bool


_opening: ContextVar[Opening | None] = ContextVar("search_opening", default=None)


def opening() -> Opening | None:
    """The current search transaction's `Opening`; None outside one."""
    return _opening.get()


@contextmanager
def search_transaction(query: str = "") -> Iterator[Opening]:
    """A transaction whose statements may each run IMR_SEARCH_STATEMENT_MS, planned for search,
    searching `query`; it gives the `Opening` (what the search index and the plan need to
    know, read in the same statement as the settings rather than one more each).

    JIT is off (compiling a plan costs 50-200 ms, more than these statements gain from it);
    work_mem is large enough that a query's matches, their bitmaps and hash tables stay in
    memory; sequential scans are off: the planner does not price reading out-of-line values,
    and a sequential scan of the search entries would read every vector. Parallel plans are
    off: a plan's Gather passes each match to the leader (a phrase's summary at a million
    letters, when an n-gram index's costly function made Postgres plan one: 150-220 ms
    parallel, 98-128 ms not), and the cores already serve one request each.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, true), set_config('jit', 'off', true), "
            "set_config('work_mem', '64MB', true), set_config('enable_seqscan', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true), "
            f"({sync.FRESH}), {sync.REGISTRATION}, CASE WHEN %s <> '' THEN {PARSED} END, "
            f"{schema.COUNTING}",
            [f"{settings.IMR_SEARCH_STATEMENT_MS}ms", query, SEARCH_CONFIG, query],
        )
        *_, fresh, registration, tsquery, counted = cursor.fetchone()
        first = Opening(query, fresh, registration, tsquery, counted)
        token = _opening.set(first)
        try:
            yield first
        finally:
            _opening.reset(token)


def within_budget(read: Callable[[], T]) -> T | None:
    """What `read` returns, or None when one of its statements ran out of time (a savepoint
    undoes it, so the search's transaction goes on)."""
    try:
        with transaction.atomic():
            return read()
    except OperationalError as error:
        if out_of_time(error):
            return None
        raise


def out_of_time(error: OperationalError) -> bool:
    """Whether Postgres cancelled the statement for running past the budget."""
    return isinstance(error.__cause__, QueryCanceled)
