"""Measure ingest and search at a stated corpus size, the way production runs them.

Why a command: the numbers in BENCHMARKS.md must be reproducible by anyone with one line.
It builds a synthetic corpus (devtools/synthetic/), loads it into a database of its
own with the real `ingest` command, serves the real views with gunicorn (not the development
server), drives them over HTTP and prints a table. Nothing here is imported by the app.

Repetitions of a query vary its `page` (or letter id), so no cache keyed on the request can
answer a repeat; each request still computes the exact total and every facet.
"""

from __future__ import annotations

import contextlib
import os
import platform
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psutil
import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from psycopg import sql

from devtools.synthetic import write_corpus

# (label, GET parameters): the analyst queries of issue #5.
QUERIES: list[tuple[str, dict[str, str | int]]] = [
    (
        '"epidural steroid injection", overturned',
        {"q": "epidural steroid injection", "outcome": "overturned"},
    ),
    ("norco, with facets", {"q": "norco"}),
    (
        "specialty + outcome, newest first",
        {"specialty": "Orthopaedic Surgery", "outcome": "upheld", "sort": "newest"},
    ),
    ('phrase "functional restoration program"', {"q": '"functional restoration program"'}),
    ("unfiltered list, page 500+", {"page_base": 500}),
    (
        "citing MTUS Chronic Pain p. 46",
        {"cited_page": "Chronic Pain Medical Treatment Guidelines:46"},
    ),
    ("rare term testosterone, with facets", {"q": "testosterone"}),
]
EXPORT_PARAMS = {"outcome": "overturned"}


@dataclass
class Timing:
    label: str
    samples: list[float]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class PeakRss:
    """Samples the resident memory of a process and its children while it runs."""

    def __init__(self, pid: int):
        self.process = psutil.Process(pid)
        self.peak_main = 0
        self.peak_child = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            try:
                self.peak_main = max(self.peak_main, self.process.memory_info().rss)
                for child in self.process.children(recursive=True):
                    self.peak_child = max(self.peak_child, child.memory_info().rss)
            except psutil.Error:
                pass

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def mb(n: int) -> str:
    return f"{n / 1_048_576:,.0f} MB"


class Command(BaseCommand):
    help = "Build a synthetic corpus, ingest it, serve it with gunicorn, measure queries over HTTP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--letters", type=int, default=100_000, help="Corpus size (letters).")
        parser.add_argument("--seed", type=int, default=1, help="Corpus seed.")
        parser.add_argument("--repeat", type=int, default=20, help="Requests per query.")
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="Corpus generation processes."
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
        **options: Any,
    ) -> None:
        out_dir = Path(out).resolve()
        corpus = out_dir / f"corpus-{letters}-s{seed}"
        db_name = f"imr_bench_{letters}_s{seed}"
        env = self.server_env(db_name, out_dir)
        rows: list[tuple[str, str]] = []

        self.ensure_corpus(corpus, letters, seed, workers, rows)
        loaded = reuse and self.database_letters(db_name) == letters
        if not loaded:
            self.recreate_database(db_name)
            self.run_manage(env, "migrate", "--no-input", "-v0")
            self.ingest(env, corpus, rows)
            self.run_manage(env, "collectstatic", "--no-input", "-v0")
        else:
            # The loaded database may predate the code's migrations (derived search tables).
            self.run_manage(env, "migrate", "--no-input", "-v0")
            rows.append(("ingest", "skipped (--reuse: database already loaded, then migrated)"))
        counts = self.database_stats(db_name)
        port = port or free_port()
        server = self.start_gunicorn(env, port)
        try:
            base = f"http://127.0.0.1:{port}"
            self.warm_up(base)
            before = self.speed_check(db_name)
            timings = [self.time_query(base, label, params, repeat) for label, params in QUERIES]
            timings.append(self.time_details(base, db_name, repeat))
            rows.append(self.time_export(base, server.pid))
            after = self.speed_check(db_name)
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
        report = self.render(letters, seed, counts, rows, timings, repeat)
        self.stdout.write(report)
        (out_dir / f"results-{letters}-s{seed}.md").write_text(report)

    # -- setup ---------------------------------------------------------------------------------

    def server_env(self, db_name: str, out_dir: Path) -> dict[str, str]:
        """Production settings (DEBUG off) against the benchmark database.

        Named here, not left to imr_site.wsgi's default: manage.py put the development
        settings in this process's environment, which the subprocesses inherit.
        """
        with connection.cursor():
            pass  # the embedded backend starts its server on connect; we need its address
        params = connection.get_connection_params()
        host = params.get("host") or "127.0.0.1"
        url = f"postgres://{params.get('user') or 'postgres'}@/{db_name}?" + urlencode(
            {"host": host, "port": params.get("port") or 5432}
        )
        return production_environment(url, out_dir / "media")

    def admin_connection(self) -> psycopg.Connection:
        params = connection.get_connection_params()
        params = {k: v for k, v in params.items() if k in {"host", "port", "user", "password"}}
        return psycopg.connect(dbname="postgres", autocommit=True, **params)

    def database_letters(self, db_name: str) -> int | None:
        with self.admin_connection() as admin:
            if not admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [db_name]
            ).fetchone():
                return None
        try:
            with self.bench_connection(db_name) as conn:
                return value(conn, "SELECT count(*) FROM decisions_letter")
        except psycopg.Error:
            return None

    def bench_connection(self, db_name: str) -> psycopg.Connection:
        params = connection.get_connection_params()
        params = {k: v for k, v in params.items() if k in {"host", "port", "user", "password"}}
        return psycopg.connect(dbname=db_name, autocommit=True, **params)

    def recreate_database(self, db_name: str) -> None:
        with self.admin_connection() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db_name))
            )
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))

    def database_stats(self, db_name: str) -> dict[str, str]:
        with self.bench_connection(db_name) as conn:
            conn.execute("VACUUM ANALYZE")
            return {
                "letters": f"{value(conn, 'SELECT count(*) FROM decisions_letter'):,}",
                "items": f"{value(conn, 'SELECT count(*) FROM decisions_disputeditem'):,}",
                "citations": f"{value(conn, 'SELECT count(*) FROM decisions_citation'):,}",
                "database size": value(
                    conn, "SELECT pg_size_pretty(pg_database_size(current_database()))"
                ),
                "server": value(conn, "SHOW server_version"),
            }

    def ensure_corpus(
        self, corpus: Path, letters: int, seed: int, workers: int, rows: list[tuple[str, str]]
    ) -> None:
        marker = corpus / ".complete"
        if marker.exists() and marker.read_text().strip() == str(letters):
            rows.append(("corpus", f"reused {corpus}"))
            return
        started = time.monotonic()
        write_corpus(corpus, letters, seed, workers)
        marker.write_text(str(letters))
        elapsed = time.monotonic() - started
        rows.append(
            (
                "corpus generation",
                f"{letters:,} letters in {elapsed:,.1f} s ({letters / elapsed:,.0f}/s)",
            )
        )

    def run_manage(self, env: dict[str, str], *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args], env=env, check=True, cwd=settings.BASE_DIR
        )

    def ingest(self, env: dict[str, str], corpus: Path, rows: list[tuple[str, str]]) -> None:
        """The ingest command as an admin runs it, with its default workers and writers."""
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "manage.py", "ingest", str(corpus)],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        rss = PeakRss(process.pid)
        stdout, stderr = process.communicate()
        rss.stop()
        elapsed = time.monotonic() - started
        if process.returncode != 0:
            raise CommandError(f"ingest failed ({process.returncode}):\n{stdout}\n{stderr[-3000:]}")
        summary = stdout.strip().splitlines()[-1]
        created_match = re.search(r"created (\d+)", summary)
        if created_match is None:
            raise CommandError(f"ingest printed no count of letters created: {summary!r}")
        created = int(created_match.group(1))
        rows.append(
            (
                "ingest (end to end, wall clock)",
                f"{created:,} letters in {elapsed:,.1f} s = {created / elapsed:,.0f} letters/s",
            )
        )
        rows.append(("ingest summary line", summary))
        workers = (
            f"largest parse worker {mb(rss.peak_child)}" if rss.peak_child else "no parse workers"
        )
        rows.append(("ingest peak RSS", f"main process {mb(rss.peak_main)}, {workers}"))

    def start_gunicorn(self, env: dict[str, str], port: int) -> subprocess.Popen:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "imr_site.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(os.cpu_count() or 2),
                "--timeout",
                "600",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=settings.BASE_DIR,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/letters/1/", timeout=5).read()
                return server
            except urllib.error.HTTPError:
                return server  # answering, even if that letter is absent
            except OSError:
                time.sleep(0.3)
        server.terminate()
        raise CommandError("gunicorn did not start within 60 s")

    # -- measurements --------------------------------------------------------------------------

    def speed_check(self, db_name: str) -> tuple[float, float]:
        """Milliseconds for a fixed pure-Python loop and a fixed Postgres statement that reads
        no table: the machine's own speed, which differed twofold between the machines of two
        sessions and by 40% within one, so that runs can be compared."""
        started = time.perf_counter()
        total = 0
        for n in range(3_000_000):
            total += n
        python_ms = (time.perf_counter() - started) * 1000
        with self.bench_connection(db_name) as conn:
            started = time.perf_counter()
            conn.execute("SELECT count(*) FROM generate_series(1, 3000000)").fetchone()
            postgres_ms = (time.perf_counter() - started) * 1000
        return python_ms, postgres_ms

    def warm_up(self, base: str) -> None:
        """Give every gunicorn worker its first requests before the timed ones.

        A worker's first page compiles the templates and fills Django's and the database
        session's lookups (~150 ms once per process, never again while it lives): with two
        workers that landed on 2 of a query's 20 requests and made its p95. The warm-up asks
        for pages none of the timed queries ask for, so nothing it leaves can answer them.
        """
        urls = [f"{base}/", f"{base}/?{urlencode({'q': 'physical therapy'})}", f"{base}/letters/1/"]
        workers = os.cpu_count() or 2
        for url in urls * 2:
            threads = [
                threading.Thread(target=self.fetch_quietly, args=(url,)) for _ in range(workers)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

    def fetch_quietly(self, url: str) -> None:
        # A letter id the corpus lacks answers an HTTP error, which is still a warm-up.
        with (
            contextlib.suppress(urllib.error.HTTPError),
            urllib.request.urlopen(url, timeout=120) as response,
        ):
            response.read()

    def fetch(self, url: str) -> float:
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=120) as response:
            body = response.read()
            if response.status != 200:
                raise CommandError(f"{url} answered {response.status}")
        elapsed = time.perf_counter() - started
        if b"partial" in body.lower() and b"counts are partial" in body.lower():
            self.stderr.write(f"note: {url} reported partial facet counts")
        return elapsed

    def time_query(self, base: str, label: str, params: dict, repeat: int) -> Timing:
        samples = []
        page_base = params.get("page_base", 1)
        fixed = {k: v for k, v in params.items() if k != "page_base"}
        for n in range(repeat):
            query = urlencode({**fixed, "page": page_base + n})
            samples.append(self.fetch(f"{base}/?{query}"))
        return Timing(label, samples)

    def time_details(self, base: str, db_name: str, repeat: int) -> Timing:
        """Letters spread over the whole table (a page sample would give neighbours, whose rows
        share pages and so each other's cache)."""
        chooser = random.Random(repeat)
        with self.bench_connection(db_name) as conn:
            low = value(conn, "SELECT min(id) FROM decisions_letter")
            high = value(conn, "SELECT max(id) FROM decisions_letter")
            ids = [
                value(
                    conn,
                    "SELECT id FROM decisions_letter WHERE id >= %s ORDER BY id LIMIT 1",
                    [chooser.randint(low, high)],
                )
                for _ in range(repeat)
            ]
        return Timing("letter detail page", [self.fetch(f"{base}/letters/{pk}/") for pk in ids])

    def time_export(self, base: str, server_pid: int) -> tuple[str, str]:
        workers = psutil.Process(server_pid).children()
        baseline = {w.pid: w.memory_info().rss for w in workers}
        peak = dict(baseline)
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.1):
                for w in workers:
                    with contextlib.suppress(psutil.Error):
                        peak[w.pid] = max(peak[w.pid], w.memory_info().rss)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        url = f"{base}/export.csv?{urlencode(EXPORT_PARAMS)}"
        rows = count_records(response_blocks(url), f"\n{base}/letters/".encode())
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
        growth = max(peak[pid] - baseline[pid] for pid in baseline)
        worst = max(peak.values())
        return (
            f"CSV export ({urlencode(EXPORT_PARAMS)})",
            f"{rows:,} rows in {elapsed:,.1f} s = {rows / elapsed:,.0f} rows/s; "
            f"worker peak RSS {mb(worst)} (+{mb(growth)} during export)",
        )

    # -- report --------------------------------------------------------------------------------

    def render(
        self,
        letters: int,
        seed: int,
        counts: dict[str, str],
        rows: list[tuple[str, str]],
        timings: list[Timing],
        repeat: int,
    ) -> str:
        cpu = platform.processor() or platform.machine()
        lines = [
            f"## {letters:,} letters (seed {seed})",
            "",
            f"Machine: {os.cpu_count()} cores ({cpu}), {mb(psutil.virtual_memory().total)} RAM, "
            f"Python {platform.python_version()}, PostgreSQL {counts.pop('server')}.",
            "",
            "| what | result |",
            "|---|---|",
            *(f"| {k} | {v} |" for k, v in counts.items()),
            *(f"| {k} | {v} |" for k, v in rows),
            "",
            f"Queries over HTTP (gunicorn, {os.cpu_count()} workers, DEBUG off), "
            f"{repeat} requests each, each repetition a different page (or letter), "
            "exact counts and all facets on every page:",
            "",
            "| query | p50 ms | p95 ms | max ms |",
            "|---|---:|---:|---:|",
        ]
        for timing in timings:
            lines.append(
                f"| {timing.label} | {timing.percentile(50) * 1000:,.0f} | "
                f"{timing.percentile(95) * 1000:,.0f} | {max(timing.samples) * 1000:,.0f} |"
            )
        return "\n".join(lines) + "\n"


def value(conn: psycopg.Connection, query: str, params: Sequence[object] = ()) -> Any:
    """The one value of a query that always returns a row (a count, a SHOW)."""
    row = conn.execute(query, params).fetchone()
    if row is None:
        raise CommandError(f"{query!r} returned no row")
    return row[0]


def count_records(blocks: Iterable[bytes], record_start: bytes) -> int:
    """CSV records in a response's blocks: lines that open with a letter's address (every
    record's first cell). Counting lines would count a rationale's line breaks too, and parsing
    the CSV here would take CPU from the server being measured."""
    records, tail = 0, b""
    for block in blocks:
        block = tail + block
        records += block.count(record_start)
        tail = block[-len(record_start) + 1 :]
    return records


def response_blocks(url: str) -> Iterator[bytes]:
    with urllib.request.urlopen(url, timeout=3600) as response:
        while block := response.read(1 << 20):
            yield block


def production_environment(database_url: str, media_root: Path) -> dict[str, str]:
    """The environment of every process the benchmark starts (migrate, ingest, collectstatic,
    gunicorn): the production settings with DEBUG off, so the numbers are production's, against
    the benchmark's own database. The one place that names the settings module."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "benchmark-only-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "MEDIA_ROOT": str(media_root),
        "DJANGO_SETTINGS_MODULE": "imr_site.settings.production",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
