"""Who loads at a time, and what a bulk load does around the ingest (decisions/services/ingest.py).

The one ingest path has two modes (`LoadMode`):

- incremental, for daily uploads and small loads: every index is kept up batch by batch, so a
  search is as fast during the load as before it; any number of incremental ingests (the
  command, upload workers) run at once;
- bulk, for a large load into a database (`ingest --bulk`): alone, and without the search
  entries' GIN indexes (vector, generic names) while it stores the letters,
  then built once, in one pass each, at the end. Kept up entry by entry they are over half of
  what Postgres does for an item (BENCHMARKS.md, "Session 7: where ingest's Postgres time
  goes"); built in one pass they cost less ("Session 9: bulk ingest" has the figures).

A bulk load also keeps no counts (facet counts, month counts, combinations') batch by batch:
while its mark (`models.BulkLoad`) is there the item triggers skip them (decisions/schema.py,
COUNTING), and its end makes every count again from the items in one pass
(schema.REBUILD_COUNTS), together with the indexes and the mark's removal, in one
transaction. Meanwhile the search, which sees the mark, counts from the items (planning.Plan
.counted): slower, never wrong. Each letter is stored whole or not at all, as in an
incremental load.

Both modes take the loader lock, a Postgres advisory lock held on a connection of its own for
the whole run (released by Postgres the moment that connection ends, with the process or
without it): a bulk load takes it alone, and is refused while another ingest runs; an
incremental ingest shares it, and waits while a bulk load runs (an upload's worker thus holds
its upload until the bulk load is done).

A bulk load cut short (killed, the machine or the database lost) leaves its mark, its letters
whole, the indexes missing and the counts behind; the database is consistent (the search
counts from the items while the mark is there), only slow to search. The next ingest of either
mode finishes the job before it loads anything (`finish_bulk_loads`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from enum import StrEnum

from django.contrib.postgres.indexes import GinIndex
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Index

from .. import schema
from ..models import BulkLoad, IngestRun, SearchEntry

logger = logging.getLogger(__name__)

# The loader lock's first key, beside the upload locks' "IMRu" (upload_jobs.LOCK_KEY) and
# the kept DWC rows' "IMRk" (metadata.KEPT_ROWS_LOCK): "IMRl" in ASCII.
LOADER_LOCK = 0x494D526C


class LoadMode(StrEnum):
    INCREMENTAL = "incremental"
    BULK = "bulk"


class LoaderBusy(Exception):
    """A bulk load was asked for while other ingests run."""


def bulk_indexes() -> list[Index]:
    """The indexes a bulk load drops and builds again: the search entries' GIN indexes."""
    return [index for index in SearchEntry._meta.indexes if isinstance(index, GinIndex)]


@contextmanager
def loader_lock(mode: LoadMode) -> Iterator[None]:
    """Hold the loader lock for `mode` (alone for a bulk load, shared otherwise) while the
    block runs, having first built what a bulk load cut short left missing."""
    with _held_lock(mode):
        finish_bulk_loads()
        yield


@contextmanager
def indexes_set_aside(mode: LoadMode, run: IngestRun) -> Iterator[None]:
    """In a bulk load, drop the indexes before the block and build them after it; when the
    block fails, its mark leaves them to the next ingest. Under the loader lock."""
    if mode is LoadMode.BULK:
        _drop_indexes(run)
    yield
    if mode is LoadMode.BULK:
        finish_bulk_loads()


@contextmanager
def _held_lock(mode: LoadMode) -> Iterator[None]:
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with holder.cursor() as cursor:
            if mode is LoadMode.BULK:
                cursor.execute("SELECT pg_try_advisory_lock(%s::integer, 0)", [LOADER_LOCK])
                if not cursor.fetchone()[0]:
                    raise LoaderBusy(
                        "other ingests are running (the command or upload workers); a bulk "
                        "load needs the database to itself: run it when they have finished"
                    )
            else:
                cursor.execute("SELECT pg_try_advisory_lock_shared(%s::integer, 0)", [LOADER_LOCK])
                if not cursor.fetchone()[0]:
                    logger.warning("a bulk load is running: waiting for it to finish")
                    cursor.execute("SELECT pg_advisory_lock_shared(%s::integer, 0)", [LOADER_LOCK])
        yield
    finally:
        holder.close()


def _drop_indexes(run: IngestRun) -> None:
    """Mark the bulk load and drop the indexes, together or not at all."""
    with transaction.atomic():
        BulkLoad.objects.create(run=run)
        present = _present_index_names()
        with connection.schema_editor() as editor:
            for index in bulk_indexes():
                if index.name in present:
                    editor.remove_index(SearchEntry, index)


def finish_bulk_loads() -> None:
    """If a bulk load left its mark, build the indexes it dropped, make every count again from
    the items (schema.REBUILD_COUNTS) and remove the mark.

    The counts and the mark's removal are one transaction, under the mark's row lock (of two
    ingests starting at once, one finishes and the other, waiting for the lock, then finds
    nothing left to do) and with the item table locked against writers (readers go on), so
    that no change falls between the counts made and the mark gone. The indexes are built
    meanwhile, each on a connection of its own: on one core each, Postgres 15 builds a GIN
    index in one process (session 9's n-gram index, dropped since, took longer alone than the
    counts and the other two together: BENCHMARKS.md, "Session 9"). The mark goes only once
    every index is built; one already there is left as it is (a load cut short after some were
    built). A caller's transaction (tests) cannot share its rows with other connections: there,
    the indexes are built in it, one after the other.

    Looked for first without a transaction: an ingest that finds no mark pays one read (no
    mark can appear meanwhile: marks are made under the loader lock, which the caller holds).
    """
    if not BulkLoad.objects.exists():
        return
    alone = connection.in_atomic_block
    with transaction.atomic():
        marks = list(BulkLoad.objects.select_for_update().values_list("pk", flat=True))
        if not marks:
            return
        lock, *rebuild = schema.REBUILD_COUNTS
        with connection.cursor() as cursor:
            cursor.execute(lock)
        present = _present_index_names()
        missing = [index for index in bulk_indexes() if index.name not in present]
        if alone:
            for index in missing:
                _build(index)
            built = []
        else:
            pool = ThreadPoolExecutor(max_workers=max(1, len(missing)), thread_name_prefix="index")
            built = [pool.submit(_build_on_own_connection, index) for index in missing]
            pool.shutdown(wait=False)
        with connection.cursor() as cursor:
            for statement in rebuild:
                cursor.execute(statement)
        for future in built:
            future.result()
        BulkLoad.objects.filter(pk__in=marks).delete()


def _build(index: Index) -> None:
    """Build an index in the current transaction, with the server's own settings: 512 MB of
    `maintenance_work_mem` built session 9's n-gram index of 100,000 letters no faster than
    the default 64 MB (60 s and 52 s), and PostgreSQL 18 builds GIN indexes with its default two
    parallel workers (BENCHMARKS.md, "Session 9")."""
    logger.info("building index %s", index.name)
    with connection.cursor() as cursor:
        # Postgres builds no index on a table with foreign-key checks still pending, as they
        # are when the load ran in a caller's transaction: they run now instead of at its
        # commit (the same checks, which the rows passed as they were written).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        editor.add_index(SearchEntry, index)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _build_on_own_connection(index: Index) -> None:
    try:
        with transaction.atomic():
            _build(index)
    finally:
        connection.close()


def _present_index_names() -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, SearchEntry._meta.db_table)
    return {name for name, details in constraints.items() if details["index"]}
