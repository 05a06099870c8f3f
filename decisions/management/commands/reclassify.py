"""Classify the stored items again, without re-parsing: after the taxonomy's tables grow, and
once after migration 0015 (decisions/services/classification.py).

Prints each change of category with its number of items, then a summary; `--dry-run` reports
the same and writes nothing; `--unclassified N` then lists the N commonest treatments the
taxonomy classifies `other`, what its tables (decisions/taxonomy/data/) should learn next.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from decisions.services.classification import BATCH_SIZE, items_reclassify


class Command(BaseCommand):
    help = "Classify stored items by the treatment taxonomy again, without re-parsing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, write nothing."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Items read and written per transaction (default {BATCH_SIZE}).",
        )
        parser.add_argument(
            "--unclassified",
            type=int,
            default=0,
            metavar="N",
            help="Then list the N commonest treatments classified `other`.",
        )

    def handle(
        self, *args: Any, dry_run: bool, batch_size: int, unclassified: int, **options: Any
    ) -> None:
        started = time.monotonic()
        summary = items_reclassify(batch_size=batch_size, dry_run=dry_run, unknown=unclassified)
        for (old, new), items in summary.moves.most_common():
            self.stdout.write(f"category: {old} -> {new}: {items} items")
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"{summary.describe()} in {elapsed:.1f}s"))
        if unclassified:
            self.stdout.write(f"commonest treatments classified other ({len(summary.unknown)}):")
            for each in summary.unknown:
                self.stdout.write(f"{each.count:>8}  {each.words}  (e.g. {each.example!r})")
