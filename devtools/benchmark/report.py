"""The benchmark's results as Markdown: the run's facts, then the query timings, then the
parse quality per field (the table BENCHMARKS.md quotes)."""

from __future__ import annotations

import os
import platform

import psutil

from devtools.parse_quality import QualityReport

from .processes import mb
from .timing import Timing


def render(
    *,
    letters: int,
    seed: int,
    counts: dict[str, str],
    rows: list[tuple[str, str]],
    timings: list[Timing],
    repeat: int,
    quality: QualityReport,
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
        "| query | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {timing.label} | {timing.percentile(50) * 1000:,.0f} | "
        f"{timing.percentile(95) * 1000:,.0f} | {max(timing.samples) * 1000:,.0f} |"
        for timing in timings
    ]
    lines += ["", "Parse quality of the loaded corpus, field by field:", "", "```"]
    lines += [*quality.lines(), "```"]
    return "\n".join(lines) + "\n"
