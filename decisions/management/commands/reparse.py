"""Re-parse stored letters after a parser improvement: the bulk path behind the admin action.

Both call `decisions.services.reparse.letters_reparse`. Letters are updated in place (ids and
URLs stay); the command prints what changed per letter and the letters that no longer parse,
which are left as they were. Exit status 1 when any letter failed, like `ingest`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.models import Letter
from decisions.services.reparse import CHUNK_SIZE, ReparseResult, ReparseStatus, letters_reparse


class Command(BaseCommand):
    help = "Re-run the parser over letters' stored text and update them in place."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "letter_ids", nargs="*", type=int, metavar="LETTER_ID", help="Letters to re-parse."
        )
        parser.add_argument(
            "--all", action="store_true", dest="all_letters", help="Re-parse every stored letter."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Re-parse and report what would change, then roll every letter back.",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=CHUNK_SIZE,
            help=f"Letter ids fetched per query (default {CHUNK_SIZE}).",
        )

    def handle(
        self,
        *args: Any,
        letter_ids: list[int],
        all_letters: bool,
        dry_run: bool,
        chunk_size: int,
        **options: Any,
    ) -> None:
        if all_letters == bool(letter_ids):
            raise CommandError("give either --all or one or more letter ids")
        if all_letters:
            letters = Letter.objects.all()
        else:
            letters = Letter.objects.filter(pk__in=letter_ids)
            missing = sorted(set(letter_ids) - set(letters.values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"no such letter: {', '.join(map(str, missing))}")
        verbosity = options["verbosity"]

        def report(result: ReparseResult) -> None:
            if result.status is ReparseStatus.FAILED:
                self.stderr.write(result.describe())
            elif verbosity >= 2 or (verbosity >= 1 and result.status is ReparseStatus.CHANGED):
                self.stdout.write(result.describe())

        summary = letters_reparse(letters, dry_run=dry_run, on_result=report, chunk_size=chunk_size)
        line = summary.describe()
        self.stdout.write(self.style.WARNING(line) if summary.failed else self.style.SUCCESS(line))
        self.stdout.write(summary.describe_warnings())
        if summary.failed:
            raise CommandError(f"{summary.failed} letters no longer parse", returncode=1)
