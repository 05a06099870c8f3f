"""Measure ingest, parse quality and search at a stated corpus size, the way production runs
them.

Why a command: the numbers in BENCHMARKS.md must be reproducible by anyone with one line.
It builds a synthetic corpus with each letter's expected parse (devtools/synthetic/), loads it
into a database of its own with the corpus's DWC metadata first (`apply_metadata`) and then the
real `ingest` command, each timed, reports how well the parser read it, serves the real views
with gunicorn (not the development server), drives them over HTTP and prints a table. Unless
`--no-peer`, it also copies the loaded corpus into SQLite FTS5 and serves that with Datasette
(devtools/benchmark/peer.py), asks it every query the app is asked, alternating requests,
and reports both (issue 15); each query's count is also held against the generator's truth
(devtools/benchmark/truth.py). The steps live in devtools/benchmark/; this module only orders
them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.benchmark import peer
from devtools.benchmark.corpus import ensure_corpus, quality_row
from devtools.benchmark.database import BenchmarkDatabase, value
from devtools.benchmark.processes import (
    PeakRss,
    apply_metadata,
    free_port,
    ingest,
    mb,
    production_environment,
    run_manage,
    search_index,
    start_gunicorn,
)
from devtools.benchmark.queries import EXPORTS, QUERIES, STATISTICS_QUERIES, Query
from devtools.benchmark.report import Counts, render
from devtools.benchmark.timing import Client, Timing, python_milliseconds
from devtools.benchmark.truth import truth_counts
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
            dest="database_name",
            default="",
            help="The benchmark database's name (default: imr_bench_<letters>_s<seed>); it is "
            "dropped and created again unless --reuse finds it loaded.",
        )
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="Load letter by letter, as daily uploads are (default: `ingest --bulk`, the "
            "path for loading a new database).",
        )
        parser.add_argument(
            "--no-peer",
            action="store_true",
            help="Do not build, serve and time the Datasette (SQLite FTS5) copy beside the app.",
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
        database_name: str,
        no_peer: bool,
        incremental: bool,
        **options: Any,
    ) -> None:
        out_dir = Path(out).resolve()
        corpus = out_dir / f"corpus-{letters}-s{seed}"
        database = BenchmarkDatabase(database_name or f"imr_bench_{letters}_s{seed}")
        env = production_environment(
            database.url(), out_dir / "media", out_dir / f"index-{letters}-s{seed}"
        )
        rows = [ensure_corpus(corpus, letters, seed, workers)]

        if reuse and database.letters() == letters:
            # The loaded database may predate the code's migrations (derived search tables).
            run_manage(env, "migrate", "--no-input", "-v0")
            rows.append(("ingest", "skipped (--reuse: database already loaded, then migrated)"))
        else:
            database.recreate()
            run_manage(env, "migrate", "--no-input", "-v0")
            # The DWC's rows first, as a bulk load runs (`ingest --metadata`): the letters are
            # then written with their values, not inserted and updated after.
            rows.append(apply_metadata(env, corpus / METADATA_FILE))
            rows += ingest(env, corpus, bulk=not incremental).rows()
            run_manage(env, "collectstatic", "--no-input", "-v0")
        # Built (or brought up to date) before the queries, as the app runs: they read it.
        rows.append(search_index(env))
        quality = check_corpus(corpus, letters, workers)
        rows.append(quality_row(quality))
        truth = truth_counts(corpus, letters, QUERIES, workers)
        counts = database.stats()
        copy = None
        if not no_peer:
            copy, row = self.peer_copy(database, out_dir / f"peer-{letters}-s{seed}.db")
            rows.append(row)

        port = port or free_port()
        server = start_gunicorn(env, port)
        site = None
        try:
            site = None if copy is None else peer.serve(copy, free_port())
            client = Client(f"http://127.0.0.1:{port}", self.warn)
            client.warm_up()
            if site is not None:
                site.warm_up()
            before = python_milliseconds(), database.count_milliseconds()
            timings = [self.time_query(client, query, repeat, site) for query in QUERIES]
            for query in STATISTICS_QUERIES:
                timings.append(client.time_urls(query.label, client.statistics_urls(query, repeat)))
                if site is not None:
                    timings[-1].peer_note = "no Datasette equivalent"
            ids = database.spread_letter_ids(repeat)
            timings.append(
                client.time_urls(
                    "letter detail page"
                    + ("" if site is None else " (Datasette: the letter's row)"),
                    client.letter_urls(ids),
                    None if site is None else site.letter_urls(ids),
                )
            )
            if site is not None:
                timings[-1].peer_note = "- (one row: not the page's work)"
            rows += [client.time_export(params, server.pid) for params in EXPORTS]
            after = python_milliseconds(), database.count_milliseconds()
            counts_by_query: dict[str, Counts] = {
                query.label: (
                    client.total(query),
                    "not asked (--no-peer)" if site is None else site.total(query),
                    truth[query.label],
                )
                for query in QUERIES
            }
        finally:
            server.terminate()
            if site is not None:
                site.stop()
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
            counts_by_query=counts_by_query,
        )
        self.stdout.write(report)
        (out_dir / f"results-{letters}-s{seed}.md").write_text(report)

    def peer_copy(
        self, database: BenchmarkDatabase, path: Path
    ) -> tuple[peer.PeerCopy, tuple[str, str]]:
        """The SQLite copy of the loaded database (the one an earlier run left, when it holds
        as many items, else a new one) and its report row, with this process's peak memory
        while it was built."""
        with database.connect() as conn:
            items = value(conn, "SELECT count(*) FROM decisions_disputeditem")
            reused = peer.reused_copy(path, items)
            if reused is not None:
                return reused, reused.row()
            rss = PeakRss(os.getpid())
            copy = peer.build_copy(conn, path)
            rss.stop()
            what, result = copy.row()
            return copy, (what, f"{result}; peak RSS {mb(rss.peak_main)}")

    @staticmethod
    def time_query(client: Client, query: Query, repeat: int, site: peer.Peer | None) -> Timing:
        """The app's pages of `query`, each followed by Datasette's request of the same."""
        urls = client.query_urls(query, repeat)
        if site is None:
            return client.time_urls(query.label, urls)
        peer_urls, reason = site.requests(query, repeat)
        timing = client.time_urls(query.label, urls, peer_urls)
        timing.peer_note = reason
        return timing

    def warn(self, message: str) -> None:
        self.stderr.write(message)
