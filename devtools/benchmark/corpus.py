"""The benchmark's corpus: generated once per size and seed, with each letter's expected parse,
so that a run reports how well the parser read the very letters it loaded."""

from __future__ import annotations

import time
from pathlib import Path

from devtools.parse_quality import QualityReport
from devtools.synthetic import write_corpus

# Written in the corpus folder when it is complete: a folder from an interrupted or older run
# (one written without expected parses) is written again.
_MARKER = ".complete"


def ensure_corpus(corpus: Path, letters: int, seed: int, workers: int) -> tuple[str, str]:
    """The corpus, written unless a complete one is there; a report row saying which."""
    marker = corpus / _MARKER
    complete = f"{letters} with truth"
    if marker.exists() and marker.read_text().strip() == complete:
        return ("corpus", f"reused {corpus}")
    started = time.monotonic()
    write_corpus(corpus, letters, seed, workers, with_truth=True)
    marker.write_text(complete)
    elapsed = time.monotonic() - started
    return (
        "corpus generation",
        f"{letters:,} letters in {elapsed:,.1f} s ({letters / elapsed:,.0f}/s)",
    )


def quality_row(report: QualityReport) -> tuple[str, str]:
    """One line for the results table; the report's per-field lines follow the table."""
    share = 1 / max(report.letters, 1)
    worst = min(report.total, key=report.accuracy, default=None)
    lowest = "" if worst is None else f"; lowest field: {worst} {report.accuracy(worst):.3%}"
    return (
        "parse quality (against the generator's expected parses)",
        f"{report.whole * share:.2%} of letters parsed exactly, {report.refused:,} refused, "
        f"{report.with_warnings * share:.2%} warned "
        f"({report.expected_with_warnings:,} drawn to carry a warning){lowest}",
    )
