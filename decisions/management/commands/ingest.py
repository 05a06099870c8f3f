"""Load letter files and folders into the database: the bulk path admins run on new releases.

Every file goes through the same ingest service as the upload page. The command only finds
the files, shows progress, and prints the closing summary; each run is recorded (IngestRun)
with its failures so they can be looked at later. `--skip-stored` leaves out the files whose
letter is already stored, and records no run when nothing is left: a load that is repeated
(`make run` loading the fixture letters every time) adds nothing to the ingest history,
while an admin's plain ingest of files already stored is still a run with its duplicates.
`--bulk` runs the same service as a bulk load (decisions/services/loading.py), and says in one
line when other ingests keep it from starting.

Losing the database mid-load is said in one line: how many letters were stored (at least:
batches stored after the last one reported here may have committed too), and that the same
command finishes the job (the letters stored are then duplicates, or skipped).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import InterfaceError, OperationalError, reset_queries
from django.urls import reverse
from tqdm import tqdm

from decisions.extraction import ExtractionError, sha256_hex
from decisions.management.metadata_file import apply_metadata_file
from decisions.models import IngestDuplicate, IngestRun, Letter
from decisions.preparation import FileInput, read_input
from decisions.services.ingest import BATCH_SIZE, FileOutcome, connection_lost, ingest_files
from decisions.services.loading import LoaderBusy, LoadMode

LETTER_SUFFIXES = {".txt", ".pdf"}
CPUS = os.cpu_count() or 1


def iter_letter_files(paths: list[str]) -> Iterator[str]:
    """Files named on the command line as given; folders walked recursively for .txt and .pdf.

    A folder's files are found by suffix, but every file's type is still decided by its
    content. Sorted walk, so runs are repeatable; lazy, so a million files cost no memory.
    """
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                for name in sorted(names):
                    if Path(name).suffix.lower() in LETTER_SUFFIXES:
                        yield os.path.join(root, name)
        else:
            yield path


def unstored_files(paths: Iterable[str], on_skip: Callable[[str], None]) -> Iterator[str]:
    """The files whose letter is not stored yet, looked up by SHA-256 a batch at a time.

    A file that cannot be read, or is over the size limit, is passed on: the ingest then
    reports it as it would without `--skip-stored`.
    """
    max_bytes = settings.IMR_MAX_FILE_BYTES
    iterator = iter(paths)
    while batch := list(islice(iterator, BATCH_SIZE)):
        hashes = {}
        for path in batch:
            try:
                data = read_input(FileInput(name=path, path=path), max_bytes=max_bytes)
            except (OSError, ExtractionError):
                continue
            hashes[path] = sha256_hex(data)
        stored = set(
            Letter.objects.filter(sha256__in=hashes.values()).values_list("sha256", flat=True)
        )
        for path in batch:
            if hashes.get(path) in stored:
                on_skip(path)
            else:
                yield path


def duplicate_of(outcome: FileOutcome) -> str:
    """How a duplicate was recognised, and the stored letter's page."""
    url = reverse("decisions:letter-detail", args=[outcome.letter_id])
    return f"{outcome.reason}: letter {outcome.letter_id}, {url}"


def progress_bar(stream: TextIO, total: int | None) -> tqdm:
    """A one-line progress bar (tqdm) on a terminal; silent otherwise (logs, CI, pipes)."""
    return tqdm(total=total, file=stream, unit=" files", disable=not stream.isatty())


class Command(BaseCommand):
    help = "Ingest IMR letter files (.txt, .pdf) and folders of them (recursively)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Parse and check for duplicates, report what would happen, write nothing.",
        )
        parser.add_argument(
            "--metadata",
            metavar="FILE.csv",
            help="A DWC metadata CSV applied first (as `apply_metadata` does): its rows fill "
            "the dates and DWC categories of letters stored before and of those this run "
            "stores.",
        )
        parser.add_argument(
            "--skip-stored",
            action="store_true",
            help="Leave out files whose letter is already stored instead of counting them as "
            "duplicates, and record no run when no file is left (a repeated load, such as "
            "`make run`'s, then adds nothing to the ingest history).",
        )
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="A large load (a new database, or as many letters as are stored): alone "
            "(refused while other ingests run; uploads wait for it), the search's GIN indexes "
            "and counts made once at the end instead of batch by batch. Searches are slow "
            "meanwhile (they count from the items), never wrong. A bulk load cut short is "
            "finished by the next ingest, before it loads anything.",
        )
        # Postgres does most of the work of a load (search vectors, indexes, counts), so the
        # cores go to writers rather than parsers: 10,000 letters on 2 cores took 30.6 s with 2
        # parse workers and 1 writer, 24.0 s with 2 and 2, 19.0 s with 1 and 2, 17.9 s with 1
        # and 3, 19.5 s with 1 and 4 (one parse "worker" parses in this process).
        parser.add_argument(
            "--workers",
            type=int,
            default=max(1, CPUS // 2),
            help="Processes that read and parse files, each file within IMR_FILE_SECONDS "
            "(default: half the CPUs).",
        )
        parser.add_argument(
            "--writers",
            type=int,
            default=CPUS + 1,
            help="Batches stored at once, each on its own database connection (default: one "
            "more than the CPUs).",
        )

    def handle(
        self,
        *args: Any,
        paths: list[str],
        dry_run: bool,
        bulk: bool,
        skip_stored: bool,
        metadata: str | None,
        workers: int,
        writers: int,
        **options: Any,
    ) -> None:
        missing = [p for p in paths if not os.path.exists(p)]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        if metadata is not None and dry_run:
            raise CommandError("--metadata writes the DWC's rows: it cannot go with --dry-run")
        skipped_rows = 0
        if metadata is not None:
            skipped_rows = apply_metadata_file(metadata, self).skipped
        verbosity = options["verbosity"]
        progress = progress_bar(
            sys.stderr, sum(1 for _ in iter_letter_files(paths)) if sys.stderr.isatty() else None
        )

        stored = 0

        def report(outcome: FileOutcome) -> None:
            nonlocal stored
            # With DEBUG on (development settings) Django logs every statement on this
            # process's connection and clears the log only when a request starts; a command
            # has no requests, and one writer stores every batch on this connection.
            reset_queries()
            progress.update()
            if outcome.created:
                stored += 1
            if outcome.failed:
                progress.clear()
                self.stderr.write(f"FAILED {outcome.name}: {outcome.reason}")
            elif outcome.duplicate and (
                verbosity >= 2 or outcome.reason != IngestDuplicate.SAME_FILE
            ):
                # The same file again is expected of a repeated load; the same letter in
                # another file is not, so it is said by default.
                progress.clear()
                self.stdout.write(f"duplicate {outcome.name}: {duplicate_of(outcome)}")
            elif verbosity >= 2:
                self.stdout.write(f"{outcome.status} {outcome.name}")

        skipped = 0

        def skip(path: str) -> None:
            nonlocal skipped
            skipped += 1
            progress.update()
            if verbosity >= 2:
                self.stdout.write(f"already stored {path}")

        try:
            files = iter_letter_files(paths)
            if skip_stored:
                files = unstored_files(files, on_skip=skip)
                first = next(files, None)
                if first is None:
                    progress.close()
                    self.stdout.write(
                        f"nothing new: {skipped} files already stored, no run recorded"
                    )
                    return
                files = chain([first], files)
            summary = ingest_files(
                (FileInput(name=p, path=p) for p in files),
                origin=IngestRun.Origin.COMMAND,
                sources="\n".join(os.path.abspath(p) for p in paths),
                dry_run=dry_run,
                workers=workers,
                writers=writers,
                on_outcome=report,
                mode=LoadMode.BULK if bulk else LoadMode.INCREMENTAL,
            )
        except LoaderBusy as exc:
            progress.close()
            raise CommandError(str(exc), returncode=1) from exc
        except (OperationalError, InterfaceError) as exc:
            if not connection_lost(exc):
                raise
            progress.close()
            raise CommandError(
                f"lost the database connection after at least {stored} letters stored; run "
                "the same command again to finish: stored letters are skipped as duplicates",
                returncode=1,
            ) from exc
        progress.close()
        created = "would create" if dry_run else "created"
        run = f" (run {summary.run.pk})" if summary.run else " (dry run: nothing written)"
        # Named only when there are some, so that a run without any reads as it always did.
        warned = f" ({summary.with_warnings} with warnings)" if summary.with_warnings else ""
        line = (
            f"{created} {summary.created}{warned}, duplicates {summary.duplicates}, "
            f"failed {summary.failed} in {summary.elapsed:.1f}s, "
            f"{summary.letters_per_second:,.0f} letters/s{run}"
        )
        if skip_stored:
            line += f"; skipped {skipped} already stored"
        self.stdout.write(
            self.style.SUCCESS(line) if not summary.failed else self.style.WARNING(line)
        )
        problems = [
            f"{count} {what}"
            for count, what in (
                (summary.failed, "files failed"),
                (skipped_rows, "metadata rows skipped"),
            )
            if count
        ]
        if problems:
            raise CommandError("; ".join(problems), returncode=1)
