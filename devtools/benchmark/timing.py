"""Timing the served pages over HTTP, as a browser would ask for them, and the peer's answers
to the same queries (devtools/benchmark/peer.py) request for request: app, peer, app, peer,
so that both see the machine as it is at that moment.

Repetitions of a query ask its next page (or letter id), so no cache keyed on the request can
answer a repeat; each request still computes the exact total and every facet. A next page is
asked as a reader asks it: by the "next" link of the page before, which carries its last
row's key (decisions/search/keys.py).
"""

from __future__ import annotations

import contextlib
import os
import re
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlencode

import psutil
from django.core.management.base import CommandError

from .processes import mb
from .queries import Query

# The search page's total (templates/decisions/search.html): "<h2 ...>1,234 decisions".
_TOTAL = re.compile(rb'id="results-heading">([\d,]+) decision')
# The search page's "next" link (templates/decisions/_pagination.html): "?...&page=2&after=...".
_NEXT = re.compile(rb'<a href="\?([^"]*)" rel="next"')


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@dataclass
class Timing:
    label: str
    samples: list[float]  # seconds
    # The peer's samples, request for request (None: not asked; `peer_note` says why).
    peer: list[float] | None = None
    peer_note: str = ""

    def percentile(self, p: float) -> float:
        return percentile(self.samples, p)


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
        self.last_page = b""  # the last page of this site fetched, for its "next" link

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
        if url.startswith(f"{self.base}/"):
            self.last_page = body
        if b"counts are partial" in body.lower():
            self.warn(f"note: {url} reported partial facet counts")
        return elapsed

    def query_urls(self, query: Query, repeat: int) -> Iterator[str]:
        """The search page of `query`, a page further each repetition, from page `page_base`
        (1 unless the query says): each by the "next" link of the page fetched last (the one
        before it), the first past page 1 by the link of the page before it, fetched untimed.
        Where a page has no next link (past the end), by number."""
        page_base = int(query.params.get("page_base", 1))
        fixed = {k: v for k, v in query.params.items() if k != "page_base"}

        def by_number(page: int) -> str:
            return f"{self.base}/?{urlencode({**fixed, 'page': page})}"

        url = by_number(page_base)
        if page_base > 1:
            self.fetch(by_number(page_base - 1))
            url = self._next_link() or url
        for n in range(1, repeat + 1):
            yield url
            url = self._next_link() or by_number(page_base + n)

    def _next_link(self) -> str | None:
        found = _NEXT.search(self.last_page)
        return None if found is None else f"{self.base}/?{unescape(found.group(1).decode())}"

    def time_urls(self, label: str, urls: Iterable[str], peer: list[str] | None = None) -> Timing:
        """Each URL timed, each followed by the peer's request of the same index when given."""
        samples, peer_samples = [], []
        for n, url in enumerate(urls):
            samples.append(self.fetch(url))
            if peer is not None:
                peer_samples.append(self.fetch(peer[n]))
        return Timing(label, samples, peer_samples if peer is not None else None)

    def statistics_urls(self, query: Query, repeat: int) -> list[str]:
        """The statistics page, each repetition by the next period (month, quarter, year)."""
        periods = ("month", "quarter", "year")
        return [
            f"{self.base}/stats/?{urlencode({**query.params, 'period': periods[n % 3]})}"
            for n in range(repeat)
        ]

    def letter_urls(self, ids: list[int]) -> list[str]:
        return [f"{self.base}/letters/{pk}/" for pk in ids]

    def total(self, query: Query) -> int | None:
        """The total the search page states for `query` (None when it did not count)."""
        with urllib.request.urlopen(next(self.query_urls(query, 1)), timeout=600) as response:
            found = _TOTAL.search(response.read())
        return None if found is None else int(found.group(1).replace(b",", b""))

    def time_export(
        self, params: dict[str, str], server_pid: int, repeat: int = 3
    ) -> tuple[str, str]:
        """A CSV export, `repeat` times: the median rows per second, and how much a gunicorn
        worker's memory grew at most. (One timing of a file that takes half a second says
        little on a machine shared with anything else.)"""
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
        url = f"{self.base}/export.csv?{urlencode(params)}"
        elapsed = []
        for _ in range(repeat):
            started = time.perf_counter()
            rows = count_records(_response_blocks(url), f"\n{self.base}/letters/".encode())
            elapsed.append(time.perf_counter() - started)
        stop.set()
        sampler.join()
        growth = max(peak[pid] - baseline[pid] for pid in baseline)
        median = statistics.median(elapsed)
        return (
            f"CSV export ({urlencode(params)})",
            f"{rows:,} rows in {median:,.1f} s = {rows / median:,.0f} rows/s (median of "
            f"{repeat}); worker peak RSS {mb(max(peak.values()))} (+{mb(growth)} during export)",
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
