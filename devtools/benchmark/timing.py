"""Timing the served pages over HTTP, as a browser would ask for them.

Repetitions of a query vary its `page` (or letter id), so no cache keyed on the request can
answer a repeat; each request still computes the exact total and every facet.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import psutil
from django.core.management.base import CommandError

from .processes import mb


@dataclass
class Timing:
    label: str
    samples: list[float]  # seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def python_milliseconds() -> float:
    """A fixed pure-Python loop: the machine's own speed, which differed twofold between the
    machines of two sessions and by 40% within one, so that runs can be compared."""
    started = time.perf_counter()
    total = 0
    for n in range(3_000_000):
        total += n
    return (time.perf_counter() - started) * 1000


class Client:
    """Requests to one served site; `warn` hears of pages that said their counts are partial
    (a run whose figures then mean less)."""

    def __init__(self, base: str, warn: Callable[[str], None]):
        self.base = base
        self.warn = warn

    def warm_up(self) -> None:
        """Give every gunicorn worker its first requests before the timed ones.

        A worker's first page compiles the templates and fills Django's and the database
        session's lookups (~150 ms once per process, never again while it lives): with two
        workers that landed on 2 of a query's 20 requests and made its p95. The warm-up asks
        for pages none of the timed queries ask for, so nothing it leaves can answer them.
        """
        base = self.base
        urls = [f"{base}/", f"{base}/?{urlencode({'q': 'physical therapy'})}", f"{base}/letters/1/"]
        workers = os.cpu_count() or 2
        for url in urls * 2:
            threads = [threading.Thread(target=_fetch_quietly, args=(url,)) for _ in range(workers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

    def fetch(self, url: str) -> float:
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=120) as response:
            body = response.read()
            if response.status != 200:
                raise CommandError(f"{url} answered {response.status}")
        elapsed = time.perf_counter() - started
        if b"counts are partial" in body.lower():
            self.warn(f"note: {url} reported partial facet counts")
        return elapsed

    def time_query(self, label: str, params: dict[str, str | int], repeat: int) -> Timing:
        page_base = int(params.get("page_base", 1))
        fixed = {k: v for k, v in params.items() if k != "page_base"}
        return Timing(
            label,
            [
                self.fetch(f"{self.base}/?{urlencode({**fixed, 'page': page_base + n})}")
                for n in range(repeat)
            ],
        )

    def time_statistics(self, label: str, params: dict[str, str | int], repeat: int) -> Timing:
        """The statistics page, each repetition by the next period (month, quarter, year)."""
        periods = ("month", "quarter", "year")
        return Timing(
            label,
            [
                self.fetch(f"{self.base}/stats/?{urlencode({**params, 'period': periods[n % 3]})}")
                for n in range(repeat)
            ],
        )

    def time_letters(self, ids: list[int]) -> Timing:
        return Timing(
            "letter detail page", [self.fetch(f"{self.base}/letters/{pk}/") for pk in ids]
        )

    def time_export(self, params: dict[str, str], server_pid: int) -> tuple[str, str]:
        """One CSV export: rows per second and how much a gunicorn worker's memory grew."""
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
        url = f"{self.base}/export.csv?{urlencode(params)}"
        rows = count_records(_response_blocks(url), f"\n{self.base}/letters/".encode())
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
        growth = max(peak[pid] - baseline[pid] for pid in baseline)
        return (
            f"CSV export ({urlencode(params)})",
            f"{rows:,} rows in {elapsed:,.1f} s = {rows / elapsed:,.0f} rows/s; "
            f"worker peak RSS {mb(max(peak.values()))} (+{mb(growth)} during export)",
        )


def _fetch_quietly(url: str) -> None:
    # A letter id the corpus lacks answers an HTTP error, which is still a warm-up.
    with (
        contextlib.suppress(urllib.error.HTTPError),
        urllib.request.urlopen(url, timeout=120) as response,
    ):
        response.read()


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


def _response_blocks(url: str) -> Iterator[bytes]:
    with urllib.request.urlopen(url, timeout=3600) as response:
        while block := response.read(1 << 20):
            yield block
