"""The one way files become letters: used by the `ingest` command and the upload page.

Reading, extracting and parsing run in worker processes (pure Python, no database); the main
process stores each batch of new letters in one transaction and, when that fails, retries them
in a transaction each. A letter is therefore whole or absent, and one bad file never costs the
others. With several writers, consecutive batches are stored at once on connections of their
own, so that Postgres builds one batch's search rows while it builds the next one's.
Duplicates are recognised by SHA-256 of the file's bytes: first by a batched lookup, and, when
another ingest (or writer) stores the same letter at the same moment, by the unique
constraint, which makes the loser count it as a duplicate.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import islice

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DataError, IntegrityError, connection, reset_queries
from django.utils import timezone

from ..models import IngestFailure, IngestRun, Letter, original_file_path
from ..preparation import FileInput, Prepared, Rejected, prepare
from .letters import NewLetter, all_warnings, letter_create, letters_create

CREATED = "created"
DUPLICATE = "duplicate"
FAILED = "failed"

# Letters per batch: looked up for duplicates in one query, stored in one transaction, and the
# size of the window of files the workers parse ahead of the database. Each batch also pays
# the facet-count upkeep once (the item triggers, decisions/schema.py), so larger batches load
# faster (20,000 letters: 22.5 s at 200, 21.3 s at 1,000, 20.8 s at 2,000); 1,000 keeps the two
# windows in flight near 60 MB and a failed batch's one-by-one retry short.
BATCH_SIZE = 1000


@dataclass(frozen=True)
class FileOutcome:
    name: str
    status: str  # CREATED | DUPLICATE | FAILED (or CREATED meaning "would create" in a dry run)
    letter_id: int | None = None
    reason: str | None = None
    warnings: int = 0  # created: the parser's warnings about the letter and its items


@dataclass
class IngestSummary:
    run: IngestRun | None
    dry_run: bool
    created: int = 0
    with_warnings: int = 0  # of the letters created, those the parser warned about
    duplicates: int = 0
    failed: int = 0
    elapsed: float = 0.0

    @property
    def total(self) -> int:
        return self.created + self.duplicates + self.failed

    @property
    def letters_per_second(self) -> float:
        return self.total / self.elapsed if self.elapsed > 0 else 0.0


def ingest_files(
    inputs: Iterable[FileInput],
    *,
    origin: str,
    sources: str,
    user=None,
    dry_run: bool = False,
    keep_originals: bool = False,
    workers: int = 1,
    writers: int = 1,
    on_outcome: Callable[[FileOutcome], None] | None = None,
) -> IngestSummary:
    """Ingest files and record the run; `on_outcome` hears about every file, in input order.

    `workers` processes parse; `writers` batches are stored at once (see `_stored`). A dry run
    parses and checks for duplicates exactly like a real one but writes nothing, not even the
    run record.
    """
    started = time.monotonic()
    run = None
    if not dry_run:
        run = IngestRun.objects.create(origin=origin, user=user, sources=sources)
    summary = IngestSummary(run=run, dry_run=dry_run)
    prepared_stream = _prepare_all(inputs, workers=workers, keep_originals=keep_originals)
    batches = _batches(prepared_stream, BATCH_SIZE)
    for outcomes in _stored(batches, partial(_store_batch, run=run, dry_run=dry_run), writers):
        _record(summary, outcomes, run, on_outcome)
    summary.elapsed = time.monotonic() - started
    if run is not None:
        run.finished_at = timezone.now()
        run.created, run.duplicates, run.failed = (
            summary.created,
            summary.duplicates,
            summary.failed,
        )
        run.save(update_fields=["finished_at", "created", "duplicates", "failed"])
    return summary


def _prepare_all(
    inputs: Iterable[FileInput], *, workers: int, keep_originals: bool
) -> Iterator[Prepared | Rejected]:
    """Prepare files in order, in worker processes when asked, with memory bounded.

    Workers parse one window of files while the caller stores the previous one, and never run
    further ahead: Pool.imap would keep parsing into an unbounded result queue whenever the
    database is the slower side (731 MB resident after 100,000 letters).
    """
    work = partial(prepare, max_bytes=settings.IMR_MAX_FILE_BYTES, keep_original=keep_originals)
    if workers <= 1:
        yield from map(work, inputs)
        return
    # forkserver: workers descend from a clean process, never sharing this process's database
    # connection (closing it instead would break a caller's open transaction).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["decisions.preparation"])
    with context.Pool(workers) as pool:
        pending = None
        for window in _batches(inputs, BATCH_SIZE):
            submitted = pool.map_async(work, window, chunksize=16)
            if pending is not None:
                yield from pending.get()
            pending = submitted
        if pending is not None:
            yield from pending.get()


def _stored(
    batches: Iterable[list], store: Callable[[list], list[FileOutcome]], writers: int
) -> Iterator[list[FileOutcome]]:
    """Each batch's outcomes, in order, with up to `writers` batches being stored at once.

    Storing a batch is mostly Postgres' work (the search vectors, their indexes, the counts:
    the item triggers of decisions/schema.py), done by one server process per connection; with
    one writer, one of two cores idled while the next batch waited. Each writer thread has its own
    connection (Django's are per thread), closed after its batch. A caller inside a
    transaction gets one writer, its own connection: other connections could not see the
    run row it has not committed.

    Nothing of a batch stays on a writer's connection: with DEBUG on (development settings),
    Django logs every statement with its parameters written in (a batch's facet combinations
    alone are ~650 kB of SQL) and clears that log only when a request starts. The writer
    threads live as long as the run, so a million letters left ~700 MB of logged SQL on them.
    The caller's own connection (one writer) is the caller's to clear: the ingest command does.
    """
    if writers <= 1 or connection.in_atomic_block:
        yield from map(store, batches)
        return

    def store_on_own_connection(batch: list) -> list[FileOutcome]:
        try:
            return store(batch)
        finally:
            connection.close()
            reset_queries()

    with ThreadPoolExecutor(max_workers=writers, thread_name_prefix="ingest-writer") as pool:
        pending: deque = deque()
        for batch in batches:
            pending.append(pool.submit(store_on_own_connection, batch))
            if len(pending) >= writers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _batches(stream: Iterable, size: int) -> Iterator[list]:
    iterator = iter(stream)
    while batch := list(islice(iterator, size)):
        yield batch


def _store_batch(
    batch: list[Prepared | Rejected], *, run: IngestRun | None, dry_run: bool
) -> list[FileOutcome]:
    """Decide every file of a batch, storing the new letters together.

    The new letters go in with one transaction (a few statements for the whole batch); if that
    fails, they are retried one transaction each, so the failure lands on the one letter that
    caused it and the rest of the batch is still stored.
    """
    hashes = [p.sha256 for p in batch if isinstance(p, Prepared)]
    stored = dict(Letter.objects.filter(sha256__in=hashes).values_list("sha256", "id"))
    decided: dict[int, FileOutcome] = {}
    first_copy: dict[str, int] = {}  # sha256 -> position of its first new copy in the batch
    copies: list[int] = []
    for position, prepared in enumerate(batch):
        if isinstance(prepared, Rejected):
            decided[position] = FileOutcome(prepared.name, FAILED, reason=prepared.reason)
        elif prepared.sha256 in stored:
            decided[position] = FileOutcome(
                prepared.name, DUPLICATE, letter_id=stored[prepared.sha256]
            )
        elif prepared.sha256 in first_copy:
            copies.append(position)
        else:
            first_copy[prepared.sha256] = position
    new = [(n, batch[n]) for n in first_copy.values()]
    if dry_run:
        decided.update(
            (n, FileOutcome(p.name, CREATED, warnings=len(all_warnings(p.letter)))) for n, p in new
        )
    elif new:
        decided.update(_store_new(new, run))
    for position in copies:
        original = decided[first_copy[batch[position].sha256]]
        decided[position] = FileOutcome(
            batch[position].name, DUPLICATE, letter_id=original.letter_id
        )
    return [decided[n] for n in range(len(batch))]


def _store_new(new: list[tuple[int, Prepared]], run: IngestRun) -> dict[int, FileOutcome]:
    specs = {n: _new_letter(p) for n, p in new}
    try:
        stored = letters_create(list(specs.values()), run=run)
    except (DataError, IntegrityError):
        return {n: _store_one(spec, run) for n, spec in specs.items()}
    return {
        n: FileOutcome(
            spec.source_name,
            CREATED,
            letter_id=stored[spec.sha256],
            warnings=len(all_warnings(spec.parsed)),
        )
        for n, spec in specs.items()
    }


def _store_one(spec: NewLetter, run: IngestRun) -> FileOutcome:
    try:
        letter = letter_create(spec, run=run)
    except (DataError, IntegrityError) as exc:
        # A parsed value the schema cannot hold (say, a 500-character specialty): this
        # letter's problem, not the run's. Connection failures still stop the run.
        return FileOutcome(spec.source_name, FAILED, reason=f"cannot be stored: {exc}")
    if letter is None:
        # Another ingest stored this letter between our lookup and our insert.
        existing = Letter.objects.only("id").get(sha256=spec.sha256)
        return FileOutcome(spec.source_name, DUPLICATE, letter_id=existing.id)
    return FileOutcome(
        spec.source_name, CREATED, letter_id=letter.id, warnings=len(all_warnings(spec.parsed))
    )


def _new_letter(prepared: Prepared) -> NewLetter:
    return NewLetter(
        parsed=prepared.letter,
        sha256=prepared.sha256,
        source_name=prepared.name,
        kind=prepared.kind,
        raw_text=prepared.text,
        original_path=_save_original(prepared) if prepared.original is not None else None,
    )


def _save_original(prepared: Prepared) -> str:
    """Write the original file under its content hash before the letter's transaction.

    If the transaction then fails, the file stays as an orphan under the same name that the
    next successful ingest of this letter reuses, so nothing accumulates. Two writers saving
    the same letter at once both find the name free; storage gives the later one another name,
    and that copy (the same bytes) is removed.
    """
    path = original_file_path(Letter(sha256=prepared.sha256, original_kind=prepared.kind), "")
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(prepared.original))
        if saved != path:
            default_storage.delete(saved)
    return path


def _record(
    summary: IngestSummary,
    outcomes: list[FileOutcome],
    run: IngestRun | None,
    on_outcome: Callable[[FileOutcome], None] | None,
) -> None:
    failures = []
    for outcome in outcomes:
        if outcome.status == CREATED:
            summary.created += 1
            summary.with_warnings += outcome.warnings > 0
        elif outcome.status == DUPLICATE:
            summary.duplicates += 1
        else:
            summary.failed += 1
            if run is not None:
                failures.append(
                    IngestFailure(run=run, source_name=outcome.name[:1000], reason=outcome.reason)
                )
        if on_outcome is not None:
            on_outcome(outcome)
    IngestFailure.objects.bulk_create(failures)
