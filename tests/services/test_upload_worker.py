"""Uploads through the real database queue: the request stages and queues, `manage.py worker`
loads, and an upload whose worker died is picked up again (or given up on).

The other upload tests run queued jobs at once (tests/settings.py); these switch to the database
queue of production. A worker runs in this process with `--batch` (what is queued, then it
returns), or in a process of its own (tests/worker_process.py), in tests whose data is
committed, as a worker on another connection sees it.
"""

from __future__ import annotations

import json
import signal
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from decisions.models import DwcCase, IngestRun, Letter, Upload
from decisions.services import metadata_uploads, upload_jobs
from decisions.services.upload_jobs import (
    LOCK_KEY,
    MAX_ATTEMPTS,
    recover_uploads,
    staged_path,
    staging_folder,
)
from tests.helpers import (
    DWC_CASE,
    DWC_HEADER,
    PNG,
    SEED_NAMES,
    as_upload,
    seed_bytes,
    seed_text,
)
from tests.pdfs import text_pdf
from tests.worker_process import DIE, start_worker

JOB = "decisions.services.upload_jobs.ingest_upload"
NOT_A_LETTER = "binary file (PNG image), not a PDF or text"


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def run_worker():
    """`manage.py worker --batch` in this process; returns what it printed. The worker installs
    its own handlers for the stop signals; the test session's are put back afterwards."""
    stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    handlers = {number: signal.getsignal(number) for number in stop_signals}

    def run() -> str:
        out = StringIO()
        call_command("worker", "--batch", "--no-reload", "--no-startup-delay", stdout=out)
        return out.getvalue()

    yield run
    for number, handler in handlers.items():
        signal.signal(number, handler)


@pytest.fixture
def pdf() -> bytes:
    return text_pdf(seed_text(SEED_NAMES[0]))


def upload_three(client, pdf: bytes) -> Upload:
    """A PDF letter, an image (refused by the request) and a text letter."""
    files = [
        as_upload("a.pdf", pdf),
        as_upload("photo.pdf", PNG),
        as_upload("b.txt", seed_bytes(1)),
    ]
    response = client.post(reverse("decisions:upload"), {"files": files})
    upload = Upload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == upload.get_absolute_url()
    return upload


def status(client, upload: Upload) -> dict:
    return json.loads(client.get(reverse("decisions:upload-status", args=[upload.pk])).content)


def files(upload: Upload) -> list[tuple[str, str, str]]:
    return list(upload.files.values_list("name", "status", "reason"))


def test_the_request_stages_the_files_queues_one_job_and_loads_nothing(
    database_queue, admin_client, admin_user, pdf
):
    upload = upload_three(admin_client, pdf)
    assert Letter.objects.count() == IngestRun.objects.count() == 0
    assert (upload.user, upload.state, upload.sources) == (
        admin_user,
        "queued",
        "a.pdf\nphoto.pdf\nb.txt",
    )
    [job] = DBTaskResult.objects.all()
    assert (job.status, job.task_path, job.args_kwargs) == (
        "READY",
        JOB,
        {"args": [upload.pk], "kwargs": {}},
    )
    assert upload.task_id == str(job.id)

    # The image is refused at once; the letters wait, byte for byte, for the worker.
    assert files(upload) == [
        ("a.pdf", "pending", ""),
        ("photo.pdf", "failed", NOT_A_LETTER),
        ("b.txt", "pending", ""),
    ]
    assert staged_path(upload.pk, 0).read_bytes() == pdf
    assert staged_path(upload.pk, 2).read_bytes() == seed_bytes(1)
    assert sorted(path.name for path in staging_folder(upload.pk).iterdir()) == ["0", "2"]

    page = admin_client.get(upload.get_absolute_url())
    html = page.content.decode()
    assert "Waiting for a worker." in html
    assert "Binary file (PNG image), not a PDF or text" in html
    assert [file.get_status_display() for file in page.context["files"]] == [
        "Waiting",
        "Not loaded",
        "Waiting",
    ]
    assert 'data-status-url="/upload/' in html
    assert status(admin_client, upload) == {
        "state": "queued",
        "finished": False,
        "files": 3,
        "read": 0,
        "decided": 1,
        "waiting": 2,
        "created": 0,
        "duplicates": 0,
        "failed": 1,
    }


@pytest.mark.django_db(transaction=True)
def test_a_worker_loads_the_queued_upload_and_removes_its_staged_files(
    database_queue, admin_client, run_worker, pdf
):
    upload = upload_three(admin_client, pdf)
    run_worker()

    upload.refresh_from_db()
    assert (upload.state, upload.attempts, upload.files_read) == ("done", 1, 3)
    assert not staging_folder(upload.pk).exists()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    letters = {letter.source_name: letter for letter in Letter.objects.all()}
    assert [(name, state) for name, state, _ in files(upload)] == [
        ("a.pdf", "created"),
        ("photo.pdf", "failed"),
        ("b.txt", "created"),
    ]
    with letters["a.pdf"].original_file.open("rb") as original:
        assert original.read() == pdf

    # One ingest run, with the request's refusal among its failures.
    run = upload.run
    assert (run.origin, run.created, run.duplicates, run.failed) == ("upload", 2, 0, 1)
    assert list(run.failures.values_list("source_name", "reason")) == [("photo.pdf", NOT_A_LETTER)]

    html = admin_client.get(upload.get_absolute_url()).content.decode()
    assert "data-status-url" not in html and "Waiting for a worker" not in html
    assert f'<a href="/ingest-history/{run.pk}/">ingest run {run.pk}</a>' in html
    for letter in letters.values():
        assert f'href="{letter.get_absolute_url()}"' in html
    assert status(admin_client, upload) == {
        "state": "done",
        "finished": True,
        "files": 3,
        "read": 3,
        "decided": 3,
        "waiting": 0,
        "created": 2,
        "duplicates": 0,
        "failed": 1,
    }


def test_an_upload_with_nothing_to_load_is_finished_by_the_request(database_queue, admin_client):
    response = admin_client.post(reverse("decisions:upload"), {"files": [as_upload("x.pdf", PNG)]})
    upload = Upload.objects.get()
    assert response["Location"] == upload.get_absolute_url()
    assert upload.state == "done"
    assert not DBTaskResult.objects.exists()
    assert (upload.run.failed, upload.run.created) == (1, 0)
    assert "Waiting for a worker" not in admin_client.get(response["Location"]).content.decode()


def hold_upload_lock(upload: Upload):
    """What a live worker loading the upload holds: its lock, on a connection of its own."""
    holder = connections.create_connection("default")
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s::integer, %s::integer)", [LOCK_KEY, upload.pk])
    return holder


def end(holder) -> None:
    """The worker's process ends: Postgres lets its lock go with the connection, once its
    server process has seen the connection close, which happens after `close()` returns (the
    release is asynchronous: CI once asked for the lock first). Waits, up to a bound, for
    that server process to be gone."""
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    holder.close()
    deadline = time.monotonic() + 30
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = %s)", [pid])
            if not cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "the worker's connection did not end"
            time.sleep(0.01)


def as_if_a_worker_took_it(upload: Upload, *, attempts: int) -> None:
    DBTaskResult.objects.update(status="RUNNING")
    Upload.objects.filter(pk=upload.pk).update(state="running", attempts=attempts)


def test_recovery_leaves_queued_and_live_uploads_and_requeues_one_whose_worker_died(
    database_queue, admin_client, pdf
):
    upload = upload_three(admin_client, pdf)
    assert recover_uploads() == []  # its job waits in the queue

    as_if_a_worker_took_it(upload, attempts=1)
    worker = hold_upload_lock(upload)
    assert recover_uploads() == []  # its worker is alive: it holds the lock

    end(worker)  # the worker's process ends: Postgres lets its lock go with the connection
    assert recover_uploads() == [upload]
    upload.refresh_from_db()
    assert (upload.state, upload.attempts) == ("queued", 1)
    waiting = DBTaskResult.objects.get(status="READY")
    assert (waiting.task_path, upload.task_id) == (JOB, str(waiting.id))
    assert recover_uploads() == []  # queued again once, not at every look


def test_an_upload_that_took_its_worker_down_too_often_is_stopped(
    database_queue, admin_client, pdf, django_capture_on_commit_callbacks
):
    upload = upload_three(admin_client, pdf)
    as_if_a_worker_took_it(upload, attempts=MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_uploads() == [upload]

    upload.refresh_from_db()
    why = (
        f"the worker stopped while loading this upload {MAX_ATTEMPTS} times; "
        "a file in it may be what stops it"
    )
    assert (upload.state, upload.error) == ("stopped", why)
    assert files(upload) == [
        ("a.pdf", "failed", f"not loaded: {why}"),
        ("photo.pdf", "failed", NOT_A_LETTER),
        ("b.txt", "failed", f"not loaded: {why}"),
    ]
    assert not staging_folder(upload.pk).exists()
    html = admin_client.get(upload.get_absolute_url()).content.decode()
    assert f"Loading stopped: {why}." in html and "data-status-url" not in html


def test_an_error_stops_the_upload_and_reports_its_files(
    admin_client, pdf, monkeypatch, django_capture_on_commit_callbacks
):
    """Jobs run at once here (tests/settings.py); the error is the job's, not the request's."""

    def database_gone(*args, **kwargs):
        raise ConnectionError("the database went away")

    monkeypatch.setattr("decisions.services.upload_jobs.ingest_files", database_gone)
    with django_capture_on_commit_callbacks(execute=True):
        upload = upload_three(admin_client, pdf)

    upload.refresh_from_db()
    why = "loading stopped on an error: the database went away"
    assert (upload.state, upload.error) == ("stopped", why)
    assert files(upload)[0] == ("a.pdf", "failed", f"not loaded: {why}")
    assert not staging_folder(upload.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_upload_leaves_it_to_the_next_worker(
    database_queue, admin_client, run_worker, pdf
):
    upload = upload_three(admin_client, pdf)
    worker = start_worker(at="b.txt", action=DIE)
    _, errors = worker.communicate(timeout=120)
    assert worker.returncode == -signal.SIGKILL, errors
    upload.refresh_from_db()
    assert (upload.state, upload.attempts, upload.files_read) == ("running", 1, 2)
    assert DBTaskResult.objects.get().status == "RUNNING"  # as django-tasks-db leaves it
    assert Letter.objects.count() == 0

    assert f"Upload {upload.pk}: its worker died; queued again" in run_worker()
    upload.refresh_from_db()
    assert (upload.state, upload.attempts) == ("done", 2)
    assert [state for _, state, _ in files(upload)] == ["created", "failed", "created"]
    assert Letter.objects.count() == 2
    assert not staging_folder(upload.pk).exists()
    # The killed attempt's run never finished; the upload's run is the one that did.
    assert upload.run.finished_at is not None
    assert IngestRun.objects.filter(finished_at=None).count() == 1


# --- Uploads of the DWC's metadata: the same queue, worker and recovery -----------------------


METADATA_ROWS = (DWC_HEADER + f"{DWC_CASE},03/02/2015,,,,Imaging,MRI,\n" + ",,,,,,,\n").encode()


def upload_metadata(client) -> Upload:
    response = client.post(
        reverse("decisions:upload-metadata"), {"file": as_upload("dwc.csv", METADATA_ROWS)}
    )
    upload = Upload.objects.get()
    assert response["Location"] == upload.get_absolute_url()
    return upload


@pytest.mark.django_db(transaction=True)
def test_a_worker_applies_a_queued_metadata_upload(database_queue, admin_client, run_worker):
    upload = upload_metadata(admin_client)
    [job] = DBTaskResult.objects.all()
    assert (upload.kind, upload.state, job.task_path, upload.task_id) == (
        "metadata",
        "queued",
        JOB,
        str(job.id),
    )
    assert not DwcCase.objects.exists()  # the request only kept the file
    html = admin_client.get(upload.get_absolute_url()).content.decode()
    assert "Waiting for a worker." in html and 'data-status-url="/upload/' in html
    assert status(admin_client, upload)["state"] == "queued"
    form = admin_client.get(reverse("decisions:upload")).content.decode()
    assert (
        f'<a href="{upload.get_absolute_url()}">Upload {upload.pk}</a> (DWC metadata): '
        "waiting for a worker"
    ) in form

    run_worker()
    upload.refresh_from_db()
    load = upload.metadata_load
    assert (upload.state, upload.attempts, load.cases, load.pending, load.skipped) == (
        "done",
        1,
        1,
        1,
        1,
    )
    assert list(load.bad_rows.values_list("line", "reason")) == [(3, "no case number")]
    assert DwcCase.objects.get().case_number == DWC_CASE
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert "data-status-url" not in admin_client.get(upload.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_metadata_upload_whose_worker_died_is_applied_again_whole(
    database_queue, admin_client, run_worker
):
    upload = upload_metadata(admin_client)
    run_worker()
    # As if the worker had died before marking it done: its job is left running, its lock free.
    as_if_a_worker_took_it(upload, attempts=1)
    assert "its worker died; queued again" in run_worker()
    upload.refresh_from_db()
    load = upload.metadata_load
    assert (upload.state, upload.attempts, load.cases, load.skipped) == ("done", 2, 1, 1)
    assert load.bad_rows.count() == 1  # reported afresh, not twice
    assert DwcCase.objects.count() == 1


def test_a_metadata_upload_whose_file_is_gone_stops_and_says_why(
    admin_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Jobs run at once here (tests/settings.py); the kept file vanishes before the job reads it."""
    real_queue = upload_jobs.queue_upload

    def file_gone_then_queue(upload: Upload) -> None:
        Path(settings.MEDIA_ROOT, upload.metadata_load.file.name).unlink()
        real_queue(upload)

    monkeypatch.setattr(metadata_uploads, "queue_upload", file_gone_then_queue)
    with django_capture_on_commit_callbacks(execute=True):
        upload = upload_metadata(admin_client)
    upload.refresh_from_db()
    assert upload.state == "stopped"
    assert upload.error.startswith("the file could not be applied: [Errno 2] No such file")
    html = admin_client.get(upload.get_absolute_url()).content.decode()
    assert "Applying stopped: the file could not be applied: [Errno 2]" in html
