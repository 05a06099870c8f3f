"""`manage.py ingest` in a process of its own, as an admin runs it, on the test's database, with
small batches and hooks that put it where a test wants to kill it or race it.

`start_ingest` starts it from a test whose data is committed (django_db(transaction=True)). It
runs this module: `python -m tests.ingest_process DATABASE MEDIA_ROOT [OPTIONS] -- ARGS`, where
ARGS are the command's, and the options:

- `--batch-size N`: the ingest service's batches (1,000 letters) made small, so that a few
  hundred letters make many, as in the in-process tests that patch BATCH_SIZE.
- `--hold-in-batch K --ready PATH`: the K-th batch to be stored is held inside its transaction,
  its letters and items written and not committed, and PATH created; every batch after it is
  held there too. The test kills the process there: it dies with batches stored and others open.
- `--start-when GO --ready PATH`: PATH is created once the process is ready (Django set up),
  and the command starts once GO exists, so that two processes start their ingests together.
- `--misbehaving`: files are prepared by `tests.preparation_hooks.misbehaving_prepare`, which
  does what a file's name says (one waits for the test to kill its worker).

Nothing here waits for ever: a process left holding or waiting exits after HOLD_SECONDS.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.worker_process import start_on_test_database, use_test_database

# Longer than any test waits for the process; bounds an orphan if the test itself dies.
HOLD_SECONDS = 300
NOT_KILLED = 3  # the exit status of a held process that nobody killed


def start_ingest(
    *args: str,
    batch_size: int,
    hold_in_batch: int | None = None,
    ready: Path | None = None,
    start_when: Path | None = None,
    misbehaving: bool = False,
) -> subprocess.Popen:
    options = ["--batch-size", str(batch_size)]
    if hold_in_batch is not None or start_when is not None:
        assert ready is not None, "a process that waits says so by creating `ready`"
        options += ["--ready", str(ready)]
    if hold_in_batch is not None:
        options += ["--hold-in-batch", str(hold_in_batch)]
    if start_when is not None:
        options += ["--start-when", str(start_when)]
    if misbehaving:
        options.append("--misbehaving")
    return start_on_test_database("tests.ingest_process", *options, "--", "ingest", *args)


def wait_for(path: Path, process: subprocess.Popen, *, seconds: float) -> None:
    """Wait until `path` exists; fail at once, with its output, if the process ended first."""
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"exited {process.returncode} first:\n{out}\n{err}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear in {seconds} s")
        time.sleep(0.02)


def _hold_in_batch(number: int, ready: str) -> None:
    from decisions.services import ingest as ingest_service

    count_stored = ingest_service._count_stored
    reached = 0
    lock = threading.Lock()

    def count_stored_or_hold(run, stored):
        # Called by each batch inside its transaction, after its rows are written.
        nonlocal reached
        with lock:
            reached += 1
            hold = reached >= number
        if hold:
            Path(ready).touch()
            time.sleep(HOLD_SECONDS)
            os._exit(NOT_KILLED)
        count_stored(run, stored)

    ingest_service._count_stored = count_stored_or_hold


def _start_when(path: str, ready: str) -> None:
    Path(ready).touch()
    deadline = time.monotonic() + HOLD_SECONDS
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            sys.exit(NOT_KILLED)
        time.sleep(0.01)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("media")
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--hold-in-batch", type=int)
    parser.add_argument("--ready")
    parser.add_argument("--start-when")
    parser.add_argument("--misbehaving", action="store_true")
    split = argv.index("--")
    options = parser.parse_args(argv[:split])
    use_test_database(options.database, options.media)

    from django.core.management import execute_from_command_line

    from decisions.services import ingest as ingest_service
    from tests.preparation_hooks import misbehaving_prepare

    ingest_service.BATCH_SIZE = options.batch_size
    if options.hold_in_batch is not None:
        _hold_in_batch(options.hold_in_batch, options.ready)
    if options.misbehaving:
        ingest_service.prepare = misbehaving_prepare
    if options.start_when is not None:
        _start_when(options.start_when, options.ready)
    execute_from_command_line(["manage.py", *argv[split + 1 :]])


if __name__ == "__main__":
    main(sys.argv[1:])
