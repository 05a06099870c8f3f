"""Give stored letters the grouping names of their specialties again, in batches: after the
specialty vocabulary changes, and once after migration 0010 (decisions/services/specialties.py).

Prints each change of name with its number of letters, then a summary; `--dry-run` reports
the same and writes nothing.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from decisions.services.specialties import BATCH_SIZE, letters_regroup


class Command(BaseCommand):
    help = "Map stored letters' specialties to the vocabulary's names, without re-parsing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, write nothing."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Letters read and written per transaction (default {BATCH_SIZE}).",
        )

    def handle(self, *args, dry_run: bool, batch_size: int, **options):
        started = time.monotonic()
        summary = letters_regroup(batch_size=batch_size, dry_run=dry_run)
        for (what, old, new), letters in summary.changes.most_common():
            self.stdout.write(f"{what}: {old or '(none)'} -> {new or '(none)'}: {letters} letters")
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"{summary.describe()} in {elapsed:.1f}s"))
