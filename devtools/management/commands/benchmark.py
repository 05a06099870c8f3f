"""Measure ingest, parse quality and search at a stated corpus size, the way production runs
them.

Why a command: the numbers in BENCHMARKS.md must be reproducible by anyone with one line.
It builds a synthetic corpus with each letter's expected parse (devtools/synthetic/), loads it
into a database of its own with the corpus's DWC metadata first (`apply_metadata`) and then the
real `ingest` command, each timed, reports how well the parser read it, serves the real views
with gunicorn (not the development server), drives them over HTTP and prints a table. The steps
live in devtools/benchmark/; this module only orders them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.benchmark.corpus import ensure_corpus, quality_row
from devtools.benchmark.database import BenchmarkDatabase
from devtools.benchmark.processes import (
    apply_metadata,
    free_port,
    ingest,
    production_environment,
    run_manage,
    start_gunicorn,
)
from devtools.benchmark.queries import EXPORT_PARAMS, QUERIES, STATISTICS_QUERIES
from devtools.benchmark.report import render
from devtools.benchmark.timing import Client, python_milliseconds
from devtools.parse_quality import check_corpus
from devtools.synthetic import METADATA_FILE


class Command(BaseCommand):
    help = (
        "Build a synthetic corpus, ingest it, check its parse against the generator's truth, "
        "serve it with gunicorn, measure queries over HTTP."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--letters", type=int, default=100_000, help="Corpus size (letters).")
        parser.add_argument("--seed", type=int, default=1, help="Corpus seed.")
        parser.add_argument("--repeat", type=int, default=20, help="Requests per query.")
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes generating the corpus and checking its parse.",
        )
        parser.add_argument(
            "--out", default="bench-out", help="Folder for the corpus and results (git-ignored)."
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Keep the benchmark database if it already holds this corpus (migrating it); "
            "only measure queries.",
        )
        parser.add_argument(
            "--port", type=int, default=0, help="gunicorn port (default: a free one)."
        )
        parser.add_argument(
            "--database",
            default="",
            help="Name of the benchmark's database (default imr_bench_<letters>_s<seed>); "
            "several people benchmarking on one server each need their own.",
        )

    def handle(
        self,
        *args: Any,
        letters: int,
        seed: int,
        repeat: int,
        workers: int,
        out: str,
        reuse: bool,
        port: int,
        database: str,
        **options: Any,
    ) -> None:
        out_dir = Path(out).resolve()
        corpus = out_dir / f"corpus-{letters}-s{seed}"
        bench_db = BenchmarkDatabase(database or f"imr_bench_{letters}_s{seed}")
        env = production_environment(bench_db.url(), out_dir / "media")
        rows = [ensure_corpus(corpus, letters, seed, workers)]

        if reuse and bench_db.letters() == letters:
            # The loaded database may predate the code's migrations (derived search tables).
            run_manage(env, "migrate", "--no-input", "-v0")
            rows.append(("ingest", "skipped (--reuse: database already loaded, then migrated)"))
        else:
            bench_db.recreate()
            run_manage(env, "migrate", "--no-input", "-v0")
            # The DWC's rows first, as a bulk load runs (`ingest --metadata`): the letters are
            # then written with their values, not inserted and updated after.
            rows.append(apply_metadata(env, corpus / METADATA_FILE))
            rows += ingest(env, corpus).rows()
            run_manage(env, "collectstatic", "--no-input", "-v0")
        quality = check_corpus(corpus, letters, workers)
        rows.append(quality_row(quality))
        counts = bench_db.stats()

        port = port or free_port()
        server = start_gunicorn(env, port)
        try:
            client = Client(f"http://127.0.0.1:{port}", self.warn)
            client.warm_up()
            before = python_milliseconds(), bench_db.count_milliseconds()
            timings = [client.time_query(label, params, repeat) for label, params in QUERIES]
            timings += [
                client.time_statistics(label, params, repeat)
                for label, params in STATISTICS_QUERIES
            ]
            timings.append(client.time_letters(bench_db.spread_letter_ids(repeat)))
            rows.append(client.time_export(EXPORT_PARAMS, server.pid))
            after = python_milliseconds(), bench_db.count_milliseconds()
        finally:
            server.terminate()
            server.wait(timeout=30)
        rows.append(
            (
                "machine speed, before / after the queries",
                f"Python loop {before[0]:,.0f} / {after[0]:,.0f} ms; "
                f"Postgres count of generated rows {before[1]:,.0f} / {after[1]:,.0f} ms",
            )
        )
        report = render(
            letters=letters,
            seed=seed,
            counts=counts,
            rows=rows,
            timings=timings,
            repeat=repeat,
            quality=quality,
        )
        self.stdout.write(report)
        (out_dir / f"results-{letters}-s{seed}.md").write_text(report)

    def warn(self, message: str) -> None:
        self.stderr.write(message)
