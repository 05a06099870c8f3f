"""Management commands in processes of their own, on the test's database and media root, as
another server would run them; here `manage.py worker --batch`, stopped at a chosen file by a
hook where the job hands its files to the ingest service.

`start_worker` starts it from a test whose data is committed (django_db(transaction=True)):
the process sees what the test wrote, as another server's worker would. It runs this module:
`python -m tests.worker_process DATABASE MEDIA_ROOT FILE ACTION`, where ACTION is `die` (the
process kills itself as it reaches FILE, as the kernel's OOM killer would) or a path: the
worker waits for that path to exist before it hands FILE on to be read (or, for a metadata
upload of FILE, after each batch of it is applied), so that a test can look at an upload while
it is being loaded.

`start_on_test_database` and `use_test_database` are the two halves any such process needs
(tests/ingest_process.py runs `manage.py ingest` with them). Such a process dies with the test
run that started it (`_die_with_parent`): an orphan of a killed run would go on writing, and a
later run in a checkout at the same path reaches the same socket and test database by name.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIE = "die"

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent() -> None:
    """Run in the child before it executes: the kernel kills it when the process that started
    it ends, however that ends (SIGKILL included, where no cleanup of the parent's runs)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")


def start_bound_to_parent(args: list[str], **options) -> subprocess.Popen:
    """`subprocess.Popen` of a process that cannot outlive the one starting it (Linux)."""
    return subprocess.Popen(args, preexec_fn=_die_with_parent, **options)


def start_on_test_database(module: str, *args: str) -> subprocess.Popen:
    """`python -m MODULE DATABASE MEDIA_ROOT ARGS...`, its output kept for the test to read.
    The module calls `use_test_database` with its first two arguments."""
    from django.conf import settings
    from django.db import connection

    database, media = connection.settings_dict["NAME"], str(settings.MEDIA_ROOT)
    return start_bound_to_parent(
        [sys.executable, "-m", module, database, media, *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def use_test_database(database: str, media: str) -> None:
    """Set Django up in this process on the test's database and media root."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # What Django's test runner does in the test process: the test database, by name.
    connection.settings_dict["NAME"] = database
    settings.MEDIA_ROOT = media


def start_worker(*, at: str, action: str) -> subprocess.Popen:
    return start_on_test_database("tests.worker_process", at, action)


def main(database: str, media: str, at: str, action: str) -> None:
    use_test_database(database, media)
    from django.conf import settings
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    from decisions.services import upload_jobs

    def hook() -> None:
        if action == DIE:
            os.kill(os.getpid(), signal.SIGKILL)
        while not os.path.exists(action):
            time.sleep(0.05)

    inputs = upload_jobs._inputs

    def inputs_with_hook(upload_id, waiting):
        # The ingest service reads files in worker processes of its own; the hook sits where
        # this process hands FILE to them, so "die" kills the upload's worker itself.
        for file in inputs(upload_id, waiting):
            if file.name == at:
                hook()
            yield file

    recorder = upload_jobs._metadata_recorder

    def recorder_with_hook(load, raw):
        # A metadata upload named FILE: the hook sits after each batch is recorded.
        record = recorder(load, raw)

        def record_then_hook(*found):
            record(*found)
            if load.upload.sources == at:
                hook()

        return record_then_hook

    upload_jobs._inputs = inputs_with_hook
    upload_jobs._metadata_recorder = recorder_with_hook
    call_command("worker", "--batch", "--no-reload", "--no-startup-delay")


if __name__ == "__main__":
    main(*sys.argv[1:])
