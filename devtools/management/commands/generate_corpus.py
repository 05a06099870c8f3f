"""Write a synthetic corpus of IMR final determination letters.

Why: DWC publishes letters as PDFs that must be fetched one by one, and the three real seeds are
far too few to show that the parser generalises or to measure ingest and search at the scale of
the published record (about 2 million letters). This command writes 10^5-10^6 letters in the
seeds' text format, each named by its case number as the DWC names it, with the DWC's metadata
of them as one CSV (disagreements planted in known numbers), reproducibly: a letter depends
only on (--seed, index), so a benchmark can be rerun on the same corpus. With --with-truth each
letter gets the parse a correct parser returns, for checking the parser against the generator;
--check then parses every letter written and reports, field by field, how often the parse is the
expected one, and how many letters carry warnings. The corpus is plain files for
`manage.py ingest`; nothing touches the database.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devtools.parse_quality import check_corpus
from devtools.synthetic import LETTERS_PER_SHARD, METADATA_FILE, write_corpus


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


class Command(BaseCommand):
    help = (
        "Write synthetic IMR letters as OUT_DIR/<shard>/<index>.txt, "
        f"{LETTERS_PER_SHARD:,} per shard folder, reproducible from --seed. No database."
    )
    requires_system_checks = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "out_dir",
            metavar="OUT_DIR",
            help="Folder to write into, created if missing; letters already there with the same "
            "indexes are overwritten.",
        )
        parser.add_argument(
            "--letters",
            type=positive_int,
            required=True,
            metavar="N",
            help="How many letters to write: indexes 0 to N-1.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            required=True,
            metavar="S",
            help="Corpus seed. The same seed and index always give the same letter, byte for byte.",
        )
        parser.add_argument(
            "--workers",
            type=positive_int,
            default=os.cpu_count() or 1,
            metavar="W",
            help="Processes generating and writing letters (default: the number of CPUs). "
            "Does not change the output.",
        )
        parser.add_argument(
            "--with-truth",
            action="store_true",
            help="Also write <index>.json beside each letter: its expected parse in the JSON"
            " shape of decisions/parsing/CONTRACT.md, without source and sha256.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="With --with-truth: then parse every letter written and print, per checked"
            " field, how often the parse is the expected one, with the shares of letters"
            " refused and warned.",
        )

    def handle(
        self,
        *args: Any,
        out_dir: str,
        letters: int,
        seed: int,
        workers: int,
        with_truth: bool,
        check: bool,
        **options: Any,
    ) -> None:
        if check and not with_truth:
            raise CommandError("--check compares each parse with its truth: add --with-truth")
        try:
            stats = write_corpus(Path(out_dir), letters, seed, workers, with_truth=with_truth)
        except OSError as error:
            raise CommandError(f"Cannot write the corpus to {out_dir}: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{stats.letters:,} letters written to {out_dir} ({stats.items:,} items, "
                f"{stats.overturned / max(stats.items, 1):.1%} overturned) "
                f"in {stats.seconds:.1f} s: "
                f"{stats.letters_per_second:,.0f} letters/s "
                f"({stats.letters_per_cpu_second:,.0f} per CPU-second of the workers)"
            )
        )
        planted = ", ".join(f"{kind} {count}" for kind, count in sorted(stats.planted.items()))
        self.stdout.write(
            f"DWC metadata: {Path(out_dir) / METADATA_FILE}; disagreements planted: "
            f"{planted or 'none'}"
        )
        if check:
            report = check_corpus(Path(out_dir), letters, workers)
            self.stdout.write("Parse quality against the expected parses:")
            for line in report.lines():
                self.stdout.write(line)
