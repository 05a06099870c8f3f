"""No file can stall the parser: its cost grows about linearly with any section's size.

Each case of `hostile.CASES` repeats, in one section, a phrase that some pattern starts on
without completing; a pattern that re-scans the rest of the text from every such start costs
time in the square of the size. The parse runs in a child process killed at a deadline, so
such code fails the test fast instead of hanging it (a regular expression cannot be
interrupted from Python). CPU time is the child's own, the best of a few runs, so a busy
machine moves it little; the bound is wide (8 times the input in at most 20 times the time)
where a quadratic cost would take 64 times.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from multiprocessing.connection import Connection

import pytest

from decisions.parsing import ParseError, parse_letter
from tests.parsing.hostile import CASES

SMALL, LARGE = 64 << 10, 512 << 10
RUNS = {SMALL: 3, LARGE: 2}
GROWTH = 20  # at most this many times the time for 8 times the input
FLOOR = 0.002  # seconds: below this the small run's time is mostly noise
DEADLINE = 20  # seconds of wall time for one case's runs, on a loaded machine


def _cpu_seconds(name: str, size: int) -> float:
    text = CASES[name](size)
    best = float("inf")
    for _ in range(RUNS[size]):
        start = time.process_time()
        # A hostile letter may fail; what it costs is measured either way.
        with contextlib.suppress(ParseError):
            parse_letter(text)
        best = min(best, time.process_time() - start)
    return best


def _measure(name: str, results: Connection) -> None:
    try:
        results.send({size: _cpu_seconds(name, size) for size in RUNS})
    except BaseException as error:  # reported by the parent as the test's failure
        results.send(repr(error))


@pytest.mark.parametrize("name", CASES)
def test_parse_cost_grows_linearly(name):
    context = multiprocessing.get_context("fork")
    results, sender = context.Pipe(duplex=False)
    child = context.Process(target=_measure, args=(name, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not results.poll(DEADLINE):
            pytest.fail(f"{name}: parsing {SMALL} and {LARGE} bytes took over {DEADLINE} s")
        seconds = results.recv()
    finally:
        child.kill()
        child.join()
    assert isinstance(seconds, dict), seconds
    assert seconds[LARGE] <= GROWTH * max(seconds[SMALL], FLOOR), seconds
