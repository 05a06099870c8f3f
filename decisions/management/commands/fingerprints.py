"""Content fingerprints of stored letters: fill in the missing ones, list letters stored twice.

Letters stored before fingerprints existed have none, so ingest recognises a new file of them
only by its bytes until `--fill` computes them (from the stored raw text, batch by batch: it
can be stopped and run again). Letters already stored twice (a UTF-16 copy, the PDF of a text
file) are kept, numbered as copies of one content, and listed by `--duplicates`, with their
ids, pages and sources, for a person to decide about.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from decisions.models import Letter
from decisions.services.duplicates import FILL_BATCH_SIZE, duplicate_groups, fingerprints_fill


class Command(BaseCommand):
    help = (
        "Compute missing content fingerprints (--fill); list letters stored twice (--duplicates)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fill",
            action="store_true",
            help="Compute the fingerprints letters lack from their stored text, in batches.",
        )
        parser.add_argument(
            "--duplicates",
            action="store_true",
            help="List the letters that share a fingerprint: the same letter stored twice.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=FILL_BATCH_SIZE,
            help=f"Letters parsed per transaction by --fill (default {FILL_BATCH_SIZE}).",
        )

    def handle(
        self, *args: object, fill: bool, duplicates: bool, batch_size: int, **options: object
    ) -> None:
        if not (fill or duplicates):
            raise CommandError("give --fill, --duplicates or both")
        failed = 0
        if fill:
            summary = fingerprints_fill(batch_size=batch_size, on_failure=self._no_fingerprint)
            failed = summary.failed
            line = summary.describe()
            self.stdout.write(self.style.WARNING(line) if failed else self.style.SUCCESS(line))
        if duplicates:
            self._list_duplicates()
        if failed:
            raise CommandError(f"{failed} letters no longer parse", returncode=1)

    def _no_fingerprint(self, letter_id: int, reason: str) -> None:
        self.stderr.write(f"letter {letter_id}: no fingerprint, it no longer parses: {reason}")

    def _list_duplicates(self) -> None:
        groups = letters = 0
        for fingerprint, copies in duplicate_groups():
            groups += 1
            letters += len(copies)
            self.stdout.write(f"fingerprint {fingerprint}, {len(copies)} letters:")
            for copy in copies:
                url = reverse("decisions:letter-detail", args=[copy.id])
                case = f", {copy.case_number}" if copy.case_number else ""
                self.stdout.write(
                    f"  letter {copy.id}, {url}{case}, copy {copy.copy}, from {copy.source_name}"
                )
        self.stdout.write(f"{letters} letters share {groups} fingerprints")
        missing = Letter.objects.filter(fingerprint__isnull=True).count()
        if missing:
            self.stdout.write(
                self.style.WARNING(
                    f"{missing} letters have no fingerprint yet, so are not compared: "
                    "run `manage.py fingerprints --fill`"
                )
            )
