"""Apply a DWC metadata CSV to the letters already stored (decisions/services/metadata.py).

The file's cases are kept, so its rows for letters not stored yet apply when those letters
are ingested. Exit status 1 when rows were skipped, so a script notices.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.dwc_metadata import COLUMNS
from decisions.management.metadata_file import apply_metadata_file


class Command(BaseCommand):
    help = (
        "Fill stored letters' decision and received dates and their items' DWC categories from "
        f"a DWC metadata CSV (columns: {', '.join(COLUMNS)}); never what a letter states."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", metavar="FILE.csv", help="The DWC's metadata, one row per item."
        )

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        summary = apply_metadata_file(file, self)
        if summary.skipped:
            raise CommandError(f"{summary.skipped} rows skipped", returncode=1)
