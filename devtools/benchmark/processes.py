"""The processes the benchmark starts (migrate, ingest, collectstatic, gunicorn), all with the
production settings, and the memory they use.

Why production settings: the numbers must be production's (DEBUG off, no query log, the
production middleware), against the benchmark's own database.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil
from django.conf import settings
from django.core.management.base import CommandError


def production_environment(database_url: str, media_root: Path, index_root: Path) -> dict[str, str]:
    """The environment of every process the benchmark starts. The one place that names the
    settings module: manage.py put the development settings in this process's environment,
    which the subprocesses would otherwise inherit."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "benchmark-only-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "MEDIA_ROOT": str(media_root),
        "IMR_SEARCH_INDEX_DIR": str(index_root),
        "DJANGO_SETTINGS_MODULE": "imr_site.settings.production",
    }


def mb(n: int) -> str:
    return f"{n / 1_048_576:,.0f} MB"


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


def run_manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], env=env, check=True, cwd=settings.BASE_DIR)


def search_index(env: dict[str, str]) -> tuple[str, str]:
    """The search index the app reads, as `make run` keeps it (`search_index ensure`: built
    after a load, the logged changes applied to a reused one's); its report row: the build's
    time, rate and size, or what was applied."""
    done = subprocess.run(
        [sys.executable, "manage.py", "search_index", "ensure"],
        env=env,
        check=True,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    return "search index (Tantivy)", done.stdout.strip().splitlines()[-1]


@dataclass
class IngestResult:
    created: int
    seconds: float
    summary: str  # the command's last line
    bulk: bool  # loaded with `ingest --bulk`
    peak_main: int  # bytes
    peak_worker: int  # bytes, 0 without parse worker processes

    def rows(self) -> list[tuple[str, str]]:
        workers = (
            f"largest parse worker {mb(self.peak_worker)}"
            if self.peak_worker
            else "no parse workers"
        )
        return [
            (
                f"ingest{' --bulk' if self.bulk else ''} (end to end, wall clock)",
                f"{self.created:,} letters in {self.seconds:,.1f} s"
                f" = {self.created / self.seconds:,.0f} letters/s",
            ),
            ("ingest summary line", self.summary),
            ("ingest peak RSS", f"main process {mb(self.peak_main)}, {workers}"),
        ]


def ingest(env: dict[str, str], corpus: Path, *, bulk: bool) -> IngestResult:
    """The ingest command as an admin runs it, with its default workers and writers: a bulk
    load (as a new database is loaded) or the daily path letter by letter."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "ingest", *(["--bulk"] if bulk else []), str(corpus)],
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
    created = re.search(r"created (\d+)", summary)
    if created is None:
        raise CommandError(f"ingest printed no count of letters created: {summary!r}")
    return IngestResult(
        int(created.group(1)), elapsed, summary, bulk, rss.peak_main, rss.peak_child
    )


def apply_metadata(env: dict[str, str], metadata: Path) -> tuple[str, str]:
    """The corpus's DWC metadata applied to the loaded letters, timed: a report row. Exit
    status 1 is expected (the generator plants rows without a case number); any other is not.
    """
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", "apply_metadata", str(metadata)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - started
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise CommandError(f"apply_metadata failed ({done.returncode}):\n{done.stderr[-3000:]}")
    summary = done.stdout.strip().splitlines()[-1]
    return ("apply_metadata (end to end)", f"{elapsed:,.1f} s: {summary}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    """gunicorn with one worker per core, once it answers."""
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
