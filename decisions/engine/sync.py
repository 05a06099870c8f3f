"""Keeping the search index equal to Postgres' search entries: build it whole, apply the
change log, say how it stands.

Postgres stays the system of record. Its search trigger logs every item whose entry changed
in `decisions_searchchange`, in the writer's transaction (decisions/schema.py, SearchChange).
The index learns of them here, after the commit:

- `apply_changes`: in one snapshot, the logged changes and those items' current entries (an
  item without one was deleted); their documents are replaced (deleted by item id, added),
  the index committed, then exactly the change rows applied are deleted. Re-applying is
  harmless (a replacement by item id gives the same document), so a crash between the
  index's commit and Postgres' leaves rows that the next run applies again.
- `build`: every entry, in one snapshot, into a NEW folder, which then becomes the current one
  by the atomic replacement of a symbolic link (`current`): readers that opened the old
  folder keep reading it (it is kept until the build after next). The change rows the
  build's snapshot saw are deleted after the swap; later ones stay for the applier.

One writer at a time: both take an advisory lock before their snapshot and
refuse to start without it (`IndexBusy`), so an applier cannot apply a change the build's
snapshot did not see to the old folder and delete its row before the swap. During a build the
log therefore grows; searches fall back to Postgres meanwhile.

Whether the index answers a search: `FRESH`, one statement, true when no change row is
visible (the search's first statement can carry it).

The trigger logs only while an index is registered (SearchIndexRegistration): a database
without one grows no log. The first build registers it, then waits for every writer that may
have written items without logging them (`_register`), so that its snapshot sees their items
and every later change is logged; `drop` removes the registration, the log and the folders.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import tantivy
from django.conf import settings
from django.db import connection, transaction

from . import documents
from .index import NoIndex, SearchIndex

logger = logging.getLogger(__name__)

# The advisory lock of the index's one writer: pg_try_advisory_lock(key, 0), the key "IMRi" in
# ASCII, so that it cannot be mistaken for any other advisory lock on the database. A session
# lock: a writer that dies releases it with its connection.
LOCK_KEY = int.from_bytes(b"IMRi", "big")
_LOCK = "SELECT pg_try_advisory_lock(%s::integer, 0)"
_UNLOCK = "SELECT pg_advisory_unlock(%s::integer, 0)"

# Registering the index, then waiting for the writers that began before the registration was
# committed (they may have written items without logging them): a SHARE lock on the item table
# waits for each of them to end, and holds new writers back only for that moment. Writers run
# in READ COMMITTED, so every statement after the commit sees the registration.
_REGISTER = """
INSERT INTO decisions_searchindexregistration (id, registered_at) VALUES (1, now())
ON CONFLICT (id) DO NOTHING
"""
_WAIT_FOR_WRITERS = "LOCK TABLE decisions_disputeditem IN SHARE MODE"

# True when the index holds every change the snapshot sees: the first live row of the log
# ends the scan. Rows deleted but not vacuumed yet are visited one by one (a million of them:
# 300-400 ms), so the writers vacuum the log after deleting VACUUM_AFTER rows or more
# (`_vacuum`); vacuumed, the statement takes ~0.01 ms.
FRESH = "SELECT NOT EXISTS (SELECT FROM decisions_searchchange)"
# The registration the database holds, as a number (microseconds since 1970; NULL without
# one), written beside each index built (`registration_of`): an index whose number is not the
# database's was built from another database (one dropped and created again under the same
# name, a test's) and is not read, though no change row says so.
REGISTRATION = (
    "(SELECT (extract(epoch FROM registered_at) * 1000000)::bigint"
    " FROM decisions_searchindexregistration)"
)
VACUUM_AFTER = 1_000

# The entries with their vectors in text form ('lexeme':3A,17B ...): Postgres writes it six to
# ten times faster than it unnests a vector into (lexeme, position) rows.
_ENTRIES = """
SELECT e.item_id, e.combination_id, c.outcome, e.decision_date,
       e.search_vector::text, e.treatment_vector::text, e.generic_names
FROM decisions_searchentry AS e
JOIN decisions_facetcombination AS c ON c.id = e.combination_id
"""
BATCH = 2_000  # entries per fetch of the build's server-side cursor
BUILD_HEAP = 256_000_000  # bytes the build's writer buffers before it writes a segment
APPLY_HEAP = 50_000_000
PROGRESS = 100_000  # entries between a build's progress reports

CURRENT = "current"  # the link to the current generation's folder, in the index's root
_STATE = "engine.json"  # per generation: when it was built, the changes applied since


class IndexBusy(Exception):
    """Another process is writing the index (a build or an applier holds the lock)."""


@dataclass(frozen=True)
class Built:
    folder: Path
    documents: int
    changes_cleared: int  # change rows the build's snapshot saw, deleted after the swap
    seconds: float
    bytes: int


@dataclass(frozen=True)
class Applied:
    changes: int  # change rows applied and deleted
    items: int  # distinct items among them
    replaced: int  # of which have an entry now (the others' documents were deleted)
    seconds: float


@dataclass(frozen=True)
class Status:
    root: Path
    folder: Path | None  # the current generation, None before the first build
    documents: int
    bytes: int
    built_at: str
    changes_applied: int  # since the build
    pending: int  # change rows not applied yet


def root() -> Path:
    return Path(settings.IMR_SEARCH_INDEX_DIR)


def current_folder(base: Path | None = None) -> Path:
    """The current generation's folder, or NoIndex: none built, or one of another format
    (documents.FORMAT), which this code would misread or write wrong; a build replaces it."""
    link = (base or root()) / CURRENT
    if not link.is_symlink():
        raise NoIndex(f"no search index in {base or root()}: run `manage.py search_index build`")
    folder = link.resolve()
    built = _read_state(folder).get("format", 1)
    if built != documents.FORMAT:
        raise NoIndex(
            f"the search index in {folder} has format {built}, this code reads "
            f"{documents.FORMAT}: run `manage.py search_index build`"
        )
    return folder


def open_index(base: Path | None = None) -> SearchIndex:
    """The current index, opened for reading."""
    return SearchIndex.open(current_folder(base))


def build(base: Path | None = None, *, progress: Callable[[int], None] | None = None) -> Built:
    """Build the whole index from Postgres into a new folder and make it the current one."""
    base = base or root()
    started = time.monotonic()
    with _writing(before=_register):
        seen = _change_ids()
        folder, count = write_generation(base, progress)
        previous = make_current(base, folder)
        _delete_changes(seen)
    _vacuum(len(seen))
    _prune(base, keep={folder, previous})
    return Built(folder, count, len(seen), time.monotonic() - started, folder_bytes(folder))


def write_generation(base: Path, progress: Callable[[int], None] | None = None) -> tuple[Path, int]:
    """Every entry the connection sees, written into a new generation's folder in `base`
    (not made current): the folder and its number of documents. Only `build` calls it in
    the product, under the writer's lock and snapshot; tests call it in their own
    transaction (then `make_current`), where a build cannot run."""
    base.mkdir(parents=True, exist_ok=True)
    folder = (base / f"generation-{time.time_ns()}").resolve()
    writer = documents.ready(tantivy.Index(documents.schema(), path=_fresh(folder))).writer(
        heap_size=BUILD_HEAP, num_threads=1
    )
    count = _add(writer, _entries(None), progress)
    writer.commit()
    writer.wait_merging_threads()
    built_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {REGISTRATION}")
        (registration,) = cursor.fetchone()
    state = {
        "built_at": built_at,
        "applied": 0,
        "format": documents.FORMAT,
        "registration": registration,
    }
    _write_state(folder, state)
    return folder, count


def apply_changes(base: Path | None = None) -> Applied:
    """Apply the committed changes to the current index (see the module docstring)."""
    started = time.monotonic()
    with _writing():
        # Under the lock: a build that swapped a new folder in meanwhile is the one to write.
        folder = current_folder(base)
        _check_registration(folder)
        changes = _changes()
        items = sorted({item for _, item in changes})
        if items:
            index = documents.ready(tantivy.Index.open(str(folder)))
            writer = _writer(index)
            writer.delete_documents_by_query(
                # By query: tantivy-py 0.27's delete_documents_by_term deletes nothing on an
                # unsigned field (it makes the value a signed term).
                tantivy.Query.term_set_query(index.schema, documents.ITEM_ID, items)
            )
            replaced = _add(writer, _entries(items))
            writer.commit()
            writer.wait_merging_threads()
            state = _read_state(folder)
            _write_state(folder, {**state, "applied": state["applied"] + len(changes)})
            _delete_changes([pk for pk, _ in changes])
        else:
            replaced = 0
    _vacuum(len(changes))
    return Applied(len(changes), len(items), replaced, time.monotonic() - started)


def ensure(
    base: Path | None = None, *, progress: Callable[[int], None] | None = None
) -> Built | Applied:
    """An index this database's searches read: built when none is kept here (or one of
    another format, or built from another database: `REGISTRATION`), else the logged changes
    applied (`make run`, the benchmark)."""
    try:
        return apply_changes(base)
    except NoIndex:  # none, of another format, or of another database
        return build(base, progress=progress)


def apply_if_kept(base: Path | None = None) -> Built | Applied | None:
    """The logged changes taken in after a write the search trigger logged (a load, a
    reparse, a reclassification), when an index is kept here: applied, or, when they are more
    than the index's documents (a bulk load), a build instead, which streams the entries
    where an apply holds every change row and item id in memory at once. None when no index
    is kept, or when another writer holds it (IndexBusy: that one or the next apply takes the
    changes; the searches count in Postgres meanwhile, as `FRESH` says)."""
    try:
        folder = current_folder(base)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM decisions_searchchange")
            (pending,) = cursor.fetchone()
        if pending > SearchIndex.open(folder).documents:
            return build(base)
        return apply_changes(base)
    except NoIndex:
        return None
    except IndexBusy as error:
        logger.warning("search index changes left for the next apply: %s", error)
        return None


def drop(base: Path | None = None) -> int:
    """Stop keeping an index: the registration and the log deleted (the trigger logs no more),
    then the index's folders. How many change rows were deleted."""
    base = base or root()
    with _writing(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM decisions_searchindexregistration")
        cursor.execute("DELETE FROM decisions_searchchange")
        deleted = cursor.rowcount
    _vacuum(deleted)
    (base / CURRENT).unlink(missing_ok=True)
    _prune(base, keep=set())
    return deleted


def status(base: Path | None = None) -> Status:
    base = base or root()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM decisions_searchchange")
        (pending,) = cursor.fetchone()
    try:
        folder = current_folder(base)
    except NoIndex:
        return Status(base, None, 0, 0, "", 0, pending)
    state = _read_state(folder)
    return Status(
        base,
        folder,
        SearchIndex.open(folder).documents,
        folder_bytes(folder),
        state["built_at"],
        state["applied"],
        pending,
    )


def _check_registration(folder: Path) -> None:
    """NoIndex unless the index in `folder` was built from this database: another database's
    changes applied to it would make it answer that database's searches with a mix of both
    (its own stamp still matches), and delete this one's change rows for nothing."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {REGISTRATION}")
        (registration,) = cursor.fetchone()
    if registration is None or registration != registration_of(folder):
        raise NoIndex(
            f"the search index in {folder} was not built from this database: "
            "run `manage.py search_index build`"
        )


def registration_of(folder: Path) -> int | None:
    """The registration (`REGISTRATION`) of the database an index was built from."""
    registration: int | None = _read_state(folder).get("registration")
    return registration


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


@contextmanager
def _writing(before: Callable[[], None] | None = None) -> Iterator[None]:
    """The writer's lock (a session lock, taken before the transaction), `before` (in
    transactions of its own), then a REPEATABLE READ transaction: every read in it sees one
    snapshot, taken once the lock is held (a snapshot taken before would see change rows the
    last writer deleted since)."""
    if connection.in_atomic_block:
        raise RuntimeError("the search index is written outside any transaction of the caller's")
    with connection.cursor() as cursor:
        cursor.execute(_LOCK, [LOCK_KEY])
        (locked,) = cursor.fetchone()
    if not locked:
        raise IndexBusy("the search index is being written by another process (a build or apply)")
    try:
        if before is not None:
            before()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(_UNLOCK, [LOCK_KEY])


def _register() -> None:
    """Register the index, committed; the first time, wait for the writers that began before
    (`_WAIT_FOR_WRITERS`), in a transaction that ends once they have."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_REGISTER)
        registered = cursor.rowcount == 1
    if registered:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_WAIT_FOR_WRITERS)


def _writer(index: tantivy.Index) -> tantivy.IndexWriter:
    try:
        return index.writer(heap_size=APPLY_HEAP, num_threads=1)
    except ValueError as error:  # Tantivy's own lock file: a writer outside this protocol
        raise IndexBusy(f"the search index is locked by another writer: {error}") from error


def _add(
    writer: tantivy.IndexWriter,
    entries: Iterable[documents.Entry],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add the entries' documents; how many. `progress` is told every PROGRESS of them."""
    count = 0
    for count, entry in enumerate(entries, 1):
        writer.add_document(documents.document(entry))
        if progress is not None and count % PROGRESS == 0:
            progress(count)
    return count


def _change_ids() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM decisions_searchchange")
        return [pk for (pk,) in cursor.fetchall()]


def _changes() -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, item_id FROM decisions_searchchange")
        return cursor.fetchall()


def _delete_changes(ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM decisions_searchchange WHERE id = ANY(%s)", [ids])


def _vacuum(deleted: int) -> None:
    """Vacuum the log after a large delete, so that `FRESH` does not visit the dead rows (run
    after the writer's transaction: VACUUM cannot run inside one)."""
    if deleted >= VACUUM_AFTER:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM decisions_searchchange")


def _entries(items: list[int] | None) -> Iterable[documents.Entry]:
    """The entries (all, or those of `items`), streamed from a server-side cursor."""
    sql, params = _ENTRIES, []
    if items is not None:
        sql, params = f"{_ENTRIES} WHERE e.item_id = ANY(%s)", [items]
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(BATCH):
            for row in rows:
                yield documents.Entry(*row)


def _fresh(folder: Path) -> str:
    folder.mkdir(parents=True)
    return str(folder)


def make_current(base: Path, folder: Path) -> Path | None:
    """Make `folder` the current generation (an atomic rename of a new link over the old);
    the previous one's folder, if any."""
    link = base / CURRENT
    previous = link.resolve() if link.is_symlink() else None
    staged = base / f"{CURRENT}.{os.getpid()}"
    staged.unlink(missing_ok=True)
    staged.symlink_to(folder.name)
    staged.replace(link)
    return previous


def _prune(base: Path, keep: set[Path | None]) -> None:
    """Delete the generations but `keep` (the current one and the one before: a reader may
    still hold that open)."""
    for folder in base.glob("generation-*"):
        if folder.resolve() not in keep:
            shutil.rmtree(folder)


def _read_state(folder: Path) -> dict:
    return json.loads((folder / _STATE).read_text())


def _write_state(folder: Path, state: dict) -> None:
    staged = folder / f"{_STATE}.new"
    staged.write_text(json.dumps(state))
    staged.replace(folder / _STATE)
