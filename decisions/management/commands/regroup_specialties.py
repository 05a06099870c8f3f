"""Give stored letters the grouping names of their specialties again, in batches: after the
specialty vocabulary changes, and once after migration 0013 (decisions/services/specialties.py).

Prints each change of name with its number of letters, then a summary; `--dry-run` reports
the same and writes nothing.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from decisions.services.specialties import BATCH_SIZE, letters_regroup


class Command(BaseCommand):
    help = "Map stored letters' specialties to the vocabulary's names, without re-parsing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, write nothing."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Letters read and written per transaction (default {BATCH_SIZE}).",
        )

    def handle(self, *args: Any, dry_run: bool, batch_size: int, **options: Any) -> None:
        started = time.monotonic()
        summary = letters_regroup(batch_size=batch_size, dry_run=dry_run)
        for (what, old, new), letters in summary.changes.most_common():
            self.stdout.write(f"{what}: {old or '(none)'} -> {new or '(none)'}: {letters} letters")
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"{summary.describe()} in {elapsed:.1f}s"))
