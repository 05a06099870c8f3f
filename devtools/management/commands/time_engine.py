"""Time the product's search index (decisions/engine) beside the search's own counting on the
database and index the settings name, check both answer alike, and time applying a batch of
changed items (issue 15). Development only: it writes to the database when asked to time
an apply (`--apply N` changes N items' decision dates there and back). The work is in
devtools/benchmark/engine_timing.py.
"""

from __future__ import annotations

import statistics
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from decisions.engine import sync
from devtools.benchmark import engine_timing


class Command(BaseCommand):
    help = (
        "Time the search index's counts and pages beside the search's summary statement, "
        "check they agree, and optionally time applying N changed items."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=10, help="Timed runs of each.")
        parser.add_argument(
            "--apply",
            type=int,
            default=0,
            help="Also change N items' decision dates (and back), timing each apply: this "
            "WRITES to the database.",
        )

    def handle(self, *args: Any, repeat: int, apply: int, **options: Any) -> None:
        index = sync.open_index()
        rows = [
            engine_timing.time_query(index, label, params, repeat)
            for label, params in engine_timing.timed_queries()
        ]
        for line in engine_timing.table(rows):
            self.stdout.write(line)
        if apply:
            seconds = [self._apply(days, apply) for days in (1, -1, 1, -1)]
            self.stdout.write(
                f"apply {apply:,} changed items: median {statistics.median(seconds) * 1000:,.0f}"
                f" ms ({', '.join(f'{s * 1000:,.0f}' for s in seconds)})"
            )

    def _apply(self, days: int, items: int) -> float:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE decisions_disputeditem SET decision_date = decision_date + %s"
                " WHERE id IN (SELECT id FROM decisions_disputeditem"
                " WHERE decision_date IS NOT NULL ORDER BY id DESC LIMIT %s)",
                [days, items],
            )
        return sync.apply_changes().seconds
