"""Measure a query's count by facet combination from a Tantivy index beside Postgres' count,
on a loaded database, and check that both give the same answer (issue 15, part 3).

Why a command: the issue asks for designs measured on the million-letter corpus before one
is chosen; this one builds the index from the database (read only: the connection refuses
writes), times the benchmark's text queries on both and prints a table. The work is in
devtools/benchmark/engine_probe.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tantivy
from django.core.management.base import BaseCommand, CommandParser

from devtools.benchmark import engine_probe
from devtools.benchmark.database import BenchmarkDatabase, value
from devtools.benchmark.processes import mb


class Command(BaseCommand):
    help = (
        "Build a Tantivy index of a database's search entries and time the benchmark's text "
        "queries on it beside Postgres, checking that both count the same."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database",
            dest="database_name",
            required=True,
            help="The loaded database to read, on the server the settings point at.",
        )
        parser.add_argument(
            "--out",
            default="",
            help="Folder for the index (default: bench-out/tantivy-<database>, git-ignored).",
        )
        parser.add_argument("--repeat", type=int, default=20, help="Tantivy runs per query.")
        parser.add_argument(
            "--postgres-repeat", type=int, default=5, help="Postgres runs per query."
        )
        parser.add_argument(
            "--refresh",
            type=int,
            default=1_000,
            help="Entries whose documents are replaced (and timed) before the queries; 0: none.",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Keep the index in --out if it holds as many documents as the database has "
            "entries.",
        )

    def handle(
        self,
        *args: Any,
        database_name: str,
        out: str,
        repeat: int,
        postgres_repeat: int,
        refresh: int,
        reuse: bool,
        **options: Any,
    ) -> None:
        folder = Path(out or f"bench-out/tantivy-{database_name}").resolve()
        with BenchmarkDatabase(database_name).connect() as conn:
            conn.execute("SET default_transaction_read_only = on")
            conn.execute(engine_probe.PLANNER)
            entries = value(conn, "SELECT count(*) FROM decisions_searchentry")
            reused = engine_probe.open_index(folder, entries) if reuse else None
            if reused is None:
                self.stdout.write(f"Indexing {entries:,} entries into {folder} ...")
                build = engine_probe.build_index(conn, folder)
                index = tantivy.Index.open(str(folder))
            else:
                index, build = reused
            self.stdout.write(_build_line(build))
            if refresh:
                seconds = engine_probe.refresh_seconds(conn, index, refresh)
                self.stdout.write(
                    f"replaced {refresh:,} entries' documents (read, delete, add, commit, "
                    f"reload): {seconds * 1000:,.0f} ms"
                )
            searcher = engine_probe.Searcher(index, engine_probe.combination_values(conn))
            probes = [
                engine_probe.probe(
                    conn,
                    searcher,
                    q,
                    outcome,
                    label,
                    repeat=repeat,
                    postgres_repeat=postgres_repeat,
                )
                for label, q, outcome in engine_probe.probe_queries()
            ]
        self.stdout.write("\n".join(engine_probe.table(probes)))
        for found in probes:
            self.stdout.write(f"  {found.label}: {found.tsquery}")


def _build_line(build: engine_probe.Build) -> str:
    size = f"{mb(build.bytes)} on disk"
    if build.seconds is None:
        return f"index: {build.entries:,} entries, reused; {size}"
    rate = build.entries / max(build.seconds, 1e-9)
    return (
        f"index: {build.entries:,} entries ({build.tokens:,} positions, "
        f"{build.positionless:,} lexemes without one, {build.pretokenized:,} entries "
        f"pre-tokenized) in {build.seconds:,.1f} s "
        f"({rate:,.0f} entries/s, one writer thread; {build.cpu_seconds:,.1f} s of this "
        f"process's CPU); {size}"
    )
