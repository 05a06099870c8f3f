"""Uploads loaded in the background: the queued job, its staged files, uploads whose worker died.

The upload request (decisions/services/uploads.py) keeps the files it accepts under
MEDIA_ROOT/staging/<upload id>/ and queues one job, `ingest_upload`, in the database queue
(django-tasks' API, django-tasks-db's table). A worker process (`manage.py worker`) runs it: the
waiting files go through the ingest service, `ingest_files`, as one recorded run, each file's
outcome is written on its `UploadFile` as the service reports it, and the staged files are
removed once every file is decided.

A worker can die in the middle: killed, out of memory on a hostile file, the machine restarted.
django-tasks-db then leaves its job marked running for ever (django-tasks issue #46), so the job
also holds a Postgres advisory lock for its upload, on a database connection of its own:
Postgres releases it the moment that connection ends, with the process or without it. Hence
`recover_uploads` (every worker runs it when it starts and each minute) can tell an upload whose
worker is gone, without a timeout that a long upload could outlive: unfinished, its lock free,
and its job not waiting in the queue. It queues such an upload again, and the new job loads the
files still waiting. An upload that has taken its worker down MAX_ATTEMPTS times is stopped,
its waiting files reported as not loaded: a file in it may be what kills the worker.

An upload of the DWC's metadata (decisions/services/metadata_uploads.py) is the same kind of
job, queued, locked and recovered the same way: its kept CSV goes through the metadata service,
`load_metadata`, as `manage.py apply_metadata` does, its counts and its bad rows written batch
by batch (`MetadataLoad`, `MetadataBadRow`). Run again after a crash, it reads the whole file
again: applying rows already applied writes nothing new.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, reset_queries, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from ..dwc_metadata import BadRow
from ..models import IngestFailure, IngestRun, MetadataBadRow, MetadataLoad, Upload, UploadFile
from ..preparation import FileInput
from .ingest import FileOutcome, ingest_files
from .metadata import Conflict, MetadataSummary, load_metadata

# Times a worker may start on one upload: the first run and two after a crash.
MAX_ATTEMPTS = 3
# The first key of the upload locks (pg_try_advisory_lock(key, upload id)), so that they
# cannot be mistaken for any other advisory lock on the database: "IMRu" in ASCII.
LOCK_KEY = 0x494D5275
STAGING = "staging"


def staging_folder(upload_id: int) -> Path:
    """Where an upload's accepted files wait for the worker; web and worker share MEDIA_ROOT."""
    return Path(settings.MEDIA_ROOT) / STAGING / str(upload_id)


def staged_path(upload_id: int, position: int) -> Path:
    """A staged file is named by its place in the upload, never by the name it came with."""
    return staging_folder(upload_id) / str(position)


def remove_staging(upload_id: int) -> None:
    # No folder when nothing was staged: every file of the upload was refused on upload.
    with suppress(FileNotFoundError):
        shutil.rmtree(staging_folder(upload_id))


def queue_upload(upload: Upload) -> None:
    """Hand a new upload to a worker; one with no file left to load is finished here at once.

    Called in the upload request's transaction, so the upload, its files and its job are
    committed together.
    """
    if (
        upload.kind == Upload.Kind.METADATA
        or upload.files.filter(status=UploadFile.Status.PENDING).exists()
    ):
        _enqueue(upload)
    else:
        ingest_upload.call(upload.pk)


@task()
def ingest_upload(upload_id: int) -> None:
    """The queued job of one upload. It may be queued again after a crash (`recover_uploads`);
    a run loads only the files still waiting, and never two runs at once."""
    with _upload_lock(upload_id) as locked:
        if not locked:
            # Another worker is loading it: this job was queued again by a recovery that
            # looked at the upload in the instant between that worker's claim and its lock.
            return
        upload = Upload.objects.select_related("user").get(pk=upload_id)
        if upload.finished:
            return
        try:
            if upload.kind == Upload.Kind.METADATA:
                _apply_metadata(upload)
            else:
                _load(upload)
        finally:
            # With DEBUG on (development), Django logs every statement on the connection, and
            # a worker's connection outlives its jobs; the ingest service leaves clearing the
            # log to its caller (a batch's statements alone are ~650 kB of SQL).
            reset_queries()


def recover_uploads() -> list[Upload]:
    """Queue again every upload whose worker died; stop those that did MAX_ATTEMPTS times.

    Returns the uploads it acted on. Safe to run from several workers at once: each upload is
    looked at under its row lock and its advisory lock, and skipped by the others meanwhile.
    """
    acted_on = []
    unfinished = Upload.objects.filter(state__in=Upload.UNFINISHED)
    for upload_id in unfinished.values_list("pk", flat=True):
        with transaction.atomic():
            upload = unfinished.select_for_update(skip_locked=True).filter(pk=upload_id).first()
            if upload is None or _waiting_in_queue(upload) or not _lock_is_free(upload_id):
                continue
            if upload.attempts >= MAX_ATTEMPTS:
                _stop(
                    upload,
                    f"the worker stopped while loading this upload {upload.attempts} times; "
                    "a file in it may be what stops it",
                )
            else:
                _enqueue(upload)
            acted_on.append(upload)
    return acted_on


def _enqueue(upload: Upload) -> None:
    """Queue the upload's job. The state is set first: an immediate backend runs the job
    inside `enqueue`, and its outcome must not be overwritten here."""
    Upload.objects.filter(pk=upload.pk).update(state=Upload.State.QUEUED)
    result = ingest_upload.enqueue(upload.pk)
    Upload.objects.filter(pk=upload.pk).update(task_id=result.id)


def _waiting_in_queue(upload: Upload) -> bool:
    if not upload.task_id:
        return False
    try:
        return ingest_upload.get_result(upload.task_id).status == TaskResultStatus.READY
    except TaskResultDoesNotExist:
        return False  # its record was pruned (prune_db_task_results)


@contextmanager
def _upload_lock(upload_id: int) -> Iterator[bool]:
    """Try to take the upload's advisory lock; yield whether this process now holds it.

    The lock lives on a connection of its own, which nothing else uses or closes, so it is
    held exactly as long as the job runs, or as the process running it lives.
    """
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with holder.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_lock(%s::integer, %s::integer)", [LOCK_KEY, upload_id]
            )
            (locked,) = cursor.fetchone()
        yield locked
    finally:
        holder.close()


def _lock_is_free(upload_id: int) -> bool:
    """Whether no job holds the upload's lock; if so, this transaction holds it until it ends,
    so that no job starts on the upload meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s::integer, %s::integer)", [LOCK_KEY, upload_id]
        )
        (free,) = cursor.fetchone()
    return free


def _load(upload: Upload) -> None:
    waiting = list(upload.files.filter(status=UploadFile.Status.PENDING).only("pk", "name"))
    files = upload.files.count()
    Upload.objects.filter(pk=upload.pk).update(
        state=Upload.State.RUNNING,
        attempts=F("attempts") + 1,
        files_read=files - len(waiting),
    )
    try:
        summary = ingest_files(
            _inputs(upload.pk, waiting),
            origin=IngestRun.Origin.UPLOAD,
            sources=upload.sources,
            user=upload.user,
            keep_originals=True,
            on_outcome=_recorder(waiting),
        )
        assert summary.run is not None, "not a dry run: ingest_files recorded the run"
        _record_refusals(summary.run, upload)
    except Exception as exc:
        _stop(upload, f"loading stopped on an error: {exc}")
        raise
    # Before the upload is marked done, so that a staging folder never outlives its upload
    # unnoticed: if this process dies in between, the upload is recovered with nothing to load.
    remove_staging(upload.pk)
    Upload.objects.filter(pk=upload.pk).update(
        state=Upload.State.DONE, finished_at=timezone.now(), run=summary.run
    )


def _apply_metadata(upload: Upload) -> None:
    """The metadata upload's kept file through the metadata service, from its first row."""
    load = MetadataLoad.objects.get(upload=upload)
    Upload.objects.filter(pk=upload.pk).update(
        state=Upload.State.RUNNING, attempts=F("attempts") + 1
    )
    load.bad_rows.all().delete()  # a run after a crash reports the whole file again
    try:
        with (
            open(load.file.path, "rb") as raw,
            io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
        ):
            summary = load_metadata(text, load.source_name, report=_metadata_recorder(load, raw))
    except Exception as exc:
        _stop(upload, f"the file could not be applied: {exc}")
        raise
    _record_metadata(load, summary, load.size)
    Upload.objects.filter(pk=upload.pk).update(state=Upload.State.DONE, finished_at=timezone.now())


def _metadata_recorder(
    load: MetadataLoad, raw: io.BufferedReader
) -> Callable[[MetadataSummary, list[BadRow], list[Conflict]], None]:
    """Write each batch's bad rows, and the counts so far with how far the file is read (the
    upload's page shows them while it runs). The conflicts are the service's to store."""

    def record(summary: MetadataSummary, bad_rows: list[BadRow], _: list[Conflict]) -> None:
        MetadataBadRow.objects.bulk_create(
            MetadataBadRow(
                load=load,
                line=bad.line,
                case_number=(bad.case_number or "")[:200],
                reason=bad.reason,
            )
            for bad in bad_rows
        )
        # The text layer reads ahead of the rows by a chunk: near enough for a progress bar.
        _record_metadata(load, summary, raw.tell())

    return record


def _record_metadata(load: MetadataLoad, summary: MetadataSummary, bytes_read: int) -> None:
    MetadataLoad.objects.filter(pk=load.pk).update(
        bytes_read=bytes_read,
        rows=summary.items,
        cases=summary.cases,
        letters=summary.letters,
        pending=summary.pending,
        conflicts=summary.conflicts,
        skipped=summary.skipped,
    )


def _inputs(upload_id: int, waiting: Sequence[UploadFile]) -> Iterator[FileInput]:
    """The staged files, by path: the ingest service checks a file's size before reading it."""
    for file in waiting:
        yield FileInput(name=file.name, path=str(staged_path(upload_id, file.position)))
        # The ingest service asks for the next file once it has handed this one to its parse
        # workers (at most two batches ahead of what it has stored), so "read" is a little
        # ahead of "parsed" on a large upload.
        Upload.objects.filter(pk=upload_id).update(files_read=F("files_read") + 1)


def _recorder(waiting: Sequence[UploadFile]) -> Callable[[FileOutcome], None]:
    """Write each outcome on its file as the service reports it (in input order): the upload's
    page shows them, and a job run again after a crash leaves the decided files alone."""
    files = iter(waiting)

    def record(outcome: FileOutcome) -> None:
        file = next(files)
        assert outcome.name == file.name, f"ingest reported {outcome.name!r} for {file.name!r}"
        UploadFile.objects.filter(pk=file.pk).update(
            status=outcome.status, letter_id=outcome.letter_id, reason=outcome.reason or ""
        )

    return record


def _record_refusals(run: IngestRun, upload: Upload) -> None:
    """Add the files refused on upload to the run's failures, so that the ingest history shows
    every file of the upload that did not load."""
    refused = list(upload.files.filter(staged=False))
    IngestFailure.objects.bulk_create(
        IngestFailure(run=run, source_name=file.name[:1000], reason=file.reason) for file in refused
    )
    run.failed += len(refused)
    run.save(update_fields=["failed"])


def _stop(upload: Upload, why: str) -> None:
    """Give the upload up: its waiting files are reported not loaded, with why."""
    upload.files.filter(status=UploadFile.Status.PENDING).update(
        status=UploadFile.Status.FAILED, reason=f"not loaded: {why}"
    )
    Upload.objects.filter(pk=upload.pk).update(
        state=Upload.State.STOPPED, finished_at=timezone.now(), error=why
    )
    transaction.on_commit(partial(remove_staging, upload.pk))
