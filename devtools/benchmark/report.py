"""The benchmark's results as Markdown: the run's facts, then the query timings (beside the
peer's, when it was asked), then each query's count against the peer's and the generator's
truth, then the parse quality per field (the tables BENCHMARKS.md quotes)."""

from __future__ import annotations

import os
import platform
import sqlite3
from importlib import metadata

import psutil

from devtools.parse_quality import QualityReport

from .peer import ARRAY_FACETS, FACETS
from .processes import mb
from .timing import Timing, percentile

# A count's row: the app's total, the peer's, the truth's (None: not counted, or not defined;
# the peer's may be the reason it was not asked instead).
Counts = tuple[int | None, int | str | None, int | None]


def render(
    *,
    letters: int,
    seed: int,
    counts: dict[str, str],
    rows: list[tuple[str, str]],
    timings: list[Timing],
    repeat: int,
    quality: QualityReport,
    counts_by_query: dict[str, Counts],
) -> str:
    cpu = platform.processor() or platform.machine()
    counts = dict(counts)
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
        *_timing_table(timings),
        *_peer_setup(timings),
        "",
        "Results each query counts (items): the app's total, Datasette's "
        "(`filtered_table_rows_count`) and the generator's truth (its expected parses, "
        "devtools/benchmark/truth.py; n/a where it cannot say):",
        "",
        "| query | app | Datasette | truth |",
        "|---|---:|---:|---:|",
        *(
            f"| {label} | {_number(app)} | {_number(peer)} | {_number(truth)} |"
            for label, (app, peer, truth) in counts_by_query.items()
        ),
    ]
    lines += ["", "Parse quality of the loaded corpus, field by field:", "", "```"]
    lines += [*quality.lines(), "```"]
    return "\n".join(lines) + "\n"


def _timing_table(timings: list[Timing]) -> list[str]:
    """The timings; with the peer's p50 and p95 and the ratio of the p50s (peer / app) when
    any query asked the peer, its note where it could not be asked."""
    if all(timing.peer is None and not timing.peer_note for timing in timings):
        return [
            "| query | p50 ms | p95 ms | max ms |",
            "|---|---:|---:|---:|",
            *(
                f"| {t.label} | {_ms(t.percentile(50))} | {_ms(t.percentile(95))} | "
                f"{_ms(max(t.samples))} |"
                for t in timings
            ),
        ]
    lines = [
        "| query | app p50 ms | app p95 ms | app max ms | Datasette p50 ms | Datasette p95 ms "
        "| ratio of p50s (Datasette / app) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        app = f"| {t.label} | {_ms(t.percentile(50))} | {_ms(t.percentile(95))}"
        app += f" | {_ms(max(t.samples))}"
        if t.peer is None:
            lines.append(f"{app} | - | - | {t.peer_note or '-'} |")
            continue
        p50 = percentile(t.peer, 50)
        ratio = t.peer_note or f"{p50 / t.percentile(50):,.2f}"
        lines.append(f"{app} | {_ms(p50)} | {_ms(percentile(t.peer, 95))} | {ratio} |")
    return lines


def _peer_setup(timings: list[Timing]) -> list[str]:
    """How Datasette was asked, under a table that has its columns."""
    if all(timing.peer is None for timing in timings):
        return []
    return [
        "",
        f"Datasette {_version('datasette')} over the SQLite copy (sqlite-utils "
        f"{_version('sqlite-utils')}, SQLite {sqlite3.sqlite_version}): immutable, table counts "
        "from `datasette inspect`, facet suggestions off, time limits raised so that every count "
        "and facet is computed; the JSON of 20 rows with the total; the queries with facets ask "
        f"`_facet` for {', '.join(FACETS)} and `_facet_array` for {', '.join(ARRAY_FACETS)} "
        "(the app's eight; the app also splits each value by outcome); no ranking (its table "
        "view lists matches by id). Each request right after the app's. Mapping and reasons: "
        "devtools/benchmark/peer.py.",
    ]


def _version(package: str) -> str:
    return metadata.version(package)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def _number(value: int | str | None) -> str:
    if value is None:
        return "n/a"
    return value if isinstance(value, str) else f"{value:,}"
