"""The one way files become letters: used by the `ingest` command and the upload page.

Reading, extracting and parsing run in worker processes (pure Python, no database), each file
within a time budget that nothing in it can outlast (decisions/workers.py); the main process
stores each batch of new letters in one transaction and, when that fails, retries them in a
transaction each. A letter is therefore whole or absent, and one bad file never costs the
others. With several writers, consecutive batches are stored at once on connections of their
own, so that Postgres builds one batch's search rows while it builds the next one's.
Duplicates are recognised by SHA-256 of the file's bytes and by the letter's content
fingerprint (the same letter in another encoding or format; decisions/services/duplicates.py):
first by a batched lookup, and, when another ingest (or writer) stores the same letter at the
same moment, by the unique constraints, which make the loser count it as a duplicate.

A large load can run as a bulk load instead (`LoadMode`, decisions/services/loading.py): the
same path, alone, with the search's GIN indexes and counts made once at its end.

The run's record tells the truth while it runs: its counts grow as each batch is stored, and it
beats (IngestRun.heartbeat_at) so that a run killed without a word is seen as interrupted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    reset_queries,
    transaction,
)
from django.db.models import F
from django.utils import timezone

from ..engine import sync
from ..models import IngestDuplicate, IngestFailure, IngestRun, Letter, original_file_path
from ..preparation import FileInput, Prepared, Rejected, prepare
from ..workers import prepared_in_workers
from .duplicates import Known, stored_letters
from .letters import (
    NewLetter,
    all_warnings,
    letter_create,
    letters_create,
    letters_give_case_numbers,
    refusal,
)
from .loading import LoadMode, indexes_set_aside, loader_lock
from .metadata import apply_stored_metadata

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class FileStatus(StrEnum):
    """What became of one file. Its value is what the command prints and the upload report's
    row class."""

    CREATED = "created"  # in a dry run: would be created
    DUPLICATE = "duplicate"
    FAILED = "failed"


# Letters per batch: looked up for duplicates in one query, stored in one transaction, and the
# size of the window of files the workers parse ahead of the database. Each batch also pays
# the facet-count upkeep once (the item triggers, decisions/schema.py), so larger batches load
# faster (20,000 letters: 22.5 s at 200, 21.3 s at 1,000, 20.8 s at 2,000); 1,000 keeps the two
# windows in flight near 60 MB and a failed batch's one-by-one retry short.
BATCH_SIZE = 1000
# Files a parse worker is sent at a time (decisions/workers.py), each within its own budget.
# Sent one by one, 10,000 letters cost the command 0.29 ms of CPU a letter and the worker 0.67
# (0.44 of it reading and parsing); 10 a task, 0.15 and 0.56; 50, 0.10 and 0.55. A chunk whose
# worker must be killed costs up to its files' budgets added up before the others go on.
FILES_PER_TASK = 20


@dataclass(frozen=True)
class FileOutcome:
    name: str
    status: FileStatus
    letter_id: int | None = None
    # Why a failed file failed; for a duplicate, how it was recognised
    # (IngestDuplicate.SAME_FILE or SAME_LETTER).
    reason: str = ""
    warnings: int = 0  # created: the parser's warnings about the letter and its items

    # For templates, which cannot name an enum member without calling its class.
    @property
    def created(self) -> bool:
        return self.status is FileStatus.CREATED

    @property
    def duplicate(self) -> bool:
        return self.status is FileStatus.DUPLICATE

    @property
    def failed(self) -> bool:
        return self.status is FileStatus.FAILED


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
    origin: IngestRun.Origin,
    sources: str,
    user: User | None = None,
    dry_run: bool = False,
    keep_originals: bool = False,
    workers: int = 1,
    writers: int = 1,
    on_outcome: Callable[[FileOutcome], None] | None = None,
    mode: LoadMode = LoadMode.INCREMENTAL,
) -> IngestSummary:
    """Ingest files and record the run; `on_outcome` hears about every file, in input order.

    `workers` processes parse; `writers` batches are stored at once (see `_stored`). A dry run
    parses and checks for duplicates exactly like a real one but writes nothing, not even the
    run record. `mode`: incremental, or a bulk load (decisions/services/loading.py), which
    raises LoaderBusy while other ingests run.
    """
    started = time.monotonic()
    with nullcontext() if dry_run else loader_lock(mode):
        summary = _ingest(
            inputs,
            IngestRun.objects.create(origin=origin, user=user, sources=sources)
            if not dry_run
            else None,
            mode=mode,
            keep_originals=keep_originals,
            workers=workers,
            writers=writers,
            on_outcome=on_outcome,
        )
    summary.elapsed = time.monotonic() - started
    return summary


def _ingest(
    inputs: Iterable[FileInput],
    run: IngestRun | None,
    *,
    mode: LoadMode,
    keep_originals: bool,
    workers: int,
    writers: int,
    on_outcome: Callable[[FileOutcome], None] | None,
) -> IngestSummary:
    """The run under the loader lock (no run: a dry run), its record kept as it goes; a bulk
    load's indexes and counts are made again before the run is said to be finished."""
    summary = IngestSummary(run=run, dry_run=run is None)
    prepared_stream = _prepare_all(inputs, workers=workers, keep_originals=keep_originals)
    store = partial(_store_and_count, run=run)
    try:
        with (
            _heartbeat(run),
            closing(prepared_stream),
            nullcontext() if run is None else indexes_set_aside(mode, run),
        ):
            for outcomes in _stored(_batches(prepared_stream, BATCH_SIZE), store, writers):
                _record(summary, outcomes, on_outcome)
    except BaseException as exc:
        # Said when it can be; when the database is gone, the stopped heartbeat says it.
        if run is not None and not connection_lost(exc):
            _mark_interrupted(run)
        raise
    if run is not None:
        run.status = IngestRun.Status.FINISHED
        run.finished_at = run.heartbeat_at = timezone.now()
        run.created, run.duplicates, run.failed = (
            summary.created,
            summary.duplicates,
            summary.failed,
        )
        run.save(
            update_fields=[
                "status",
                "finished_at",
                "heartbeat_at",
                "created",
                "duplicates",
                "failed",
            ]
        )
        # The search index (if one is kept) learns of the letters now, not at the next apply:
        # until then every search counts in Postgres (decisions/engine/sync.py).
        sync.apply_if_kept()
    return summary


def connection_lost(exc: BaseException) -> bool:
    """Whether an error means the database connection is gone (server down, restarted, network).

    Such errors come from the driver with no SQLSTATE (the connection failed under it) or with
    one of class 08 (connection exception) or 57P01-57P03 (the server shutting down or not yet
    accepting connections); other operational errors (a deadlock, a cancelled statement) leave
    the connection usable.
    """
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in {"57P01", "57P02", "57P03"}


def _mark_interrupted(run: IngestRun) -> None:
    try:
        IngestRun.objects.filter(pk=run.pk).update(
            status=IngestRun.Status.INTERRUPTED, finished_at=timezone.now()
        )
    except DatabaseError:
        logger.exception("ingest run %s stopped, and could not be marked interrupted", run.pk)


@contextmanager
def _heartbeat(run: IngestRun | None) -> Iterator[None]:
    """While the run lasts, mark it alive every IngestRun.HEARTBEAT, from a thread of its own.

    Batches beat too, but one batch can take long (an upload of hundreds of files that each
    use their whole time budget), and a run that stops beating is shown as interrupted. Each
    beat is one statement on a connection of its own, closed right after, so the run holds no
    connection more. A run in a caller's transaction is invisible to it until the transaction
    commits: its beats then change nothing, and wait for nothing.
    """
    if run is None:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(IngestRun.HEARTBEAT.total_seconds()):
            try:
                IngestRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
            except DatabaseError as exc:
                # The run's own statements will meet the same problem and report it.
                logger.warning("ingest run %s: heartbeat not recorded: %s", run.pk, exc)
            finally:
                connection.close()

    thread = threading.Thread(target=beat, name=f"ingest-heartbeat-{run.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _prepare_all(
    inputs: Iterable[FileInput], *, workers: int, keep_originals: bool
) -> Generator[Prepared | Rejected, None, None]:
    """Prepare files in order, in worker processes, each within IMR_FILE_SECONDS.

    Always in worker processes, one included: only a process can be stopped mid-file. Workers
    run at most two batches ahead of the storing: Pool.imap kept parsing into an unbounded
    result queue whenever the database was the slower side (731 MB resident after 100,000
    letters).
    """
    work = partial(prepare, max_bytes=settings.IMR_MAX_FILE_BYTES, keep_original=keep_originals)
    return prepared_in_workers(
        inputs,
        work,
        workers=max(1, workers),
        seconds=settings.IMR_FILE_SECONDS,
        ahead=2 * BATCH_SIZE,
        log_config=settings.LOGGING,
        per_task=FILES_PER_TASK,
    )


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


def _store_and_count(
    batch: list[Prepared | Rejected], *, run: IngestRun | None
) -> list[FileOutcome]:
    """Store a batch and put its outcomes on the run's record, by the writer that stored it.

    Not in the main thread once it hears of the batch: with several writers it hears of batches
    in order, while later ones may already be stored, and a run killed then would list letters
    its counts leave out. The letters are counted in their own transaction (`_count_stored`);
    the duplicates and failures, which add no rows a count could contradict, right after.
    """
    outcomes = _store_batch(batch, run=run)
    if run is not None:
        _count_others(run, outcomes)
    return outcomes


def _count_stored(run: IngestRun, stored: int) -> None:
    IngestRun.objects.filter(pk=run.pk).update(
        created=F("created") + stored, heartbeat_at=timezone.now()
    )


def _count_others(run: IngestRun, outcomes: list[FileOutcome]) -> None:
    """The batch's duplicates and failures on the run's record, in one transaction."""
    failures = [
        IngestFailure(run=run, source_name=o.name[:1000], reason=o.reason)
        for o in outcomes
        if o.failed
    ]
    duplicates = [_duplicate_record(run, o) for o in outcomes if o.duplicate]
    with transaction.atomic():
        IngestFailure.objects.bulk_create(failures)
        IngestDuplicate.objects.bulk_create(duplicates)
        IngestRun.objects.filter(pk=run.pk).update(
            duplicates=F("duplicates") + len(duplicates),
            failed=F("failed") + len(failures),
            heartbeat_at=timezone.now(),
        )


def _duplicate_record(run: IngestRun, outcome: FileOutcome) -> IngestDuplicate:
    """The history's row for a duplicate: the file, and the stored letter it is."""
    return IngestDuplicate(
        run=run,
        source_name=outcome.name[:1000],
        letter_id=outcome.letter_id,
        same_file=outcome.reason == IngestDuplicate.SAME_FILE,
    )


def _store_batch(batch: list[Prepared | Rejected], *, run: IngestRun | None) -> list[FileOutcome]:
    """Decide every file of a batch, storing the new letters together (no run: a dry run,
    which stores nothing).

    The new letters go in with one transaction (a few statements for the whole batch); if that
    fails, they are retried one transaction each, so the failure lands on the one letter that
    caused it and the rest of the batch is still stored.
    """
    stored = stored_letters([p for p in batch if isinstance(p, Prepared)])
    decided: dict[int, FileOutcome] = {}
    first_copy: Known[int] = Known()  # position of the first new copy in the batch
    new: list[tuple[int, Prepared]] = []
    copies: dict[int, tuple[int, str]] = {}  # position -> its first copy's position, and how
    for position, prepared in enumerate(batch):
        if isinstance(prepared, Rejected):
            decided[position] = FileOutcome(
                prepared.name, FileStatus.FAILED, reason=prepared.reason
            )
        elif found := stored.find(prepared):
            letter_id, how = found
            decided[position] = FileOutcome(prepared.name, FileStatus.DUPLICATE, letter_id, how)
        elif found := first_copy.find(prepared):
            copies[position] = found
        else:
            first_copy.add(prepared.sha256, prepared.fingerprint, position)
            new.append((position, prepared))
    if run is None:
        decided.update(
            (n, FileOutcome(p.name, FileStatus.CREATED, warnings=len(all_warnings(p.letter))))
            for n, p in new
        )
    elif new:
        decided.update(_store_new(new, run))
    for position, (first, how) in copies.items():
        stored_as = decided[first].letter_id
        decided[position] = FileOutcome(batch[position].name, FileStatus.DUPLICATE, stored_as, how)
    outcomes = [decided[n] for n in range(len(batch))]
    if run is not None:
        _complete_stored(batch, outcomes)
    return outcomes


def _complete_stored(batch: list[Prepared | Rejected], outcomes: list[FileOutcome]) -> None:
    """What other files say of the batch's letters: a copy named by a case number gives it to
    a stored letter that has none, and then its case's kept DWC rows apply to that letter.

    The letters the batch created need no such step: they went in with the values of their
    case's kept rows, and rows kept since are applied to them by their own load
    (decisions/services/metadata.py, KEPT_ROWS_LOCK)."""
    named = {
        outcome.letter_id: prepared.letter.case_number
        for prepared, outcome in zip(batch, outcomes, strict=True)
        if outcome.duplicate
        and isinstance(prepared, Prepared)
        and prepared.letter.case_number_source == "file_name"
    }
    apply_stored_metadata(letters_give_case_numbers(named))


def _store_new(new: list[tuple[int, Prepared]], run: IngestRun) -> dict[int, FileOutcome]:
    specs = {n: _new_letter(p) for n, p in new}
    try:
        stored = letters_create(
            list(specs.values()), run=run, on_stored=partial(_count_stored, run)
        )
    except DatabaseError as exc:
        if refusal(exc) is None:
            raise
        return {n: _store_one(spec, run) for n, spec in specs.items()}
    return {
        n: FileOutcome(
            spec.source_name,
            FileStatus.CREATED,
            letter_id=stored[spec.sha256],
            warnings=len(all_warnings(spec.parsed)),
        )
        for n, spec in specs.items()
    }


def _store_one(spec: NewLetter, run: IngestRun) -> FileOutcome:
    try:
        letter = letter_create(spec, run=run, on_stored=partial(_count_stored, run))
    except DatabaseError as exc:
        # What the letter holds, refused (a 500-character specialty, a rationale too long to
        # index): this letter's problem, not the run's. Connection failures still stop the run.
        reason = refusal(exc)
        if reason is None:
            raise
        return FileOutcome(
            spec.source_name, FileStatus.FAILED, reason=f"cannot be stored: {reason}"
        )
    if letter is None:
        # Another ingest stored this letter (its file or its content) between our lookup and
        # our insert: a unique constraint refused ours.
        found = stored_letters([spec]).find(spec)
        assert found is not None, "a letter refused as stored is found by its file or content"
        return FileOutcome(spec.source_name, FileStatus.DUPLICATE, *found)
    return FileOutcome(
        spec.source_name,
        FileStatus.CREATED,
        letter_id=letter.id,
        warnings=len(all_warnings(spec.parsed)),
    )


def _new_letter(prepared: Prepared) -> NewLetter:
    return NewLetter(
        parsed=prepared.letter,
        sha256=prepared.sha256,
        fingerprint=prepared.fingerprint,
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
    on_outcome: Callable[[FileOutcome], None] | None,
) -> None:
    for outcome in outcomes:
        if outcome.created:
            summary.created += 1
            summary.with_warnings += outcome.warnings > 0
        elif outcome.duplicate:
            summary.duplicates += 1
        else:
            summary.failed += 1
        if on_outcome is not None:
            on_outcome(outcome)
