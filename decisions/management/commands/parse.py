"""Print what the parser reads in letter files, as JSON, without touching the database.

The output is a public contract that people script against (documented in the README): one
JSON array, one object per file in argument order; a file that cannot be read or parsed gives
{"source", "error"} in its place and makes the exit status non-zero.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.parsing import letter_to_dict
from decisions.preparation import FileInput, Prepared, prepare


class Command(BaseCommand):
    help = "Parse IMR letters (.txt or .pdf) and print one JSON array to stdout. No database."
    requires_system_checks = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="Letter files, .txt or .pdf.")

    def handle(self, *args: Any, files: list[str], **options: Any) -> None:
        results = []
        for name in files:
            prepared = prepare(
                FileInput(name=name, path=name),
                max_bytes=settings.IMR_MAX_FILE_BYTES,
                keep_original=False,
            )
            if isinstance(prepared, Prepared):
                results.append(
                    {"source": name, "sha256": prepared.sha256, **letter_to_dict(prepared.letter)}
                )
            else:
                results.append({"source": name, "error": prepared.reason})
        self.stdout.write(json.dumps(results, indent=2, ensure_ascii=False))
        failed = sum("error" in r for r in results)
        if failed:
            raise CommandError(
                f"{failed} of {len(results)} files could not be parsed", returncode=1
            )
