"""The benchmark's own arithmetic (the command itself runs for minutes: see BENCHMARKS.md)."""
from __future__ import annotations

from devtools.management.commands.benchmark import Timing, count_records

RECORD = b"\nhttp://h/letters/"


def test_records_are_counted_not_lines_even_across_blocks():
    body = b"url,rationale\n" + b"".join(
        b'http://h/letters/%d/#item-1,"two\nlines"\n' % n for n in range(1, 1001)
    )
    for size in (1, 7, len(RECORD) - 1, 4096, len(body)):
        blocks = [body[i : i + size] for i in range(0, len(body), size)]
        assert count_records(blocks, RECORD) == 1000


def test_percentiles_pick_a_sample():
    timing = Timing("q", [float(n) for n in range(1, 21)])
    assert (timing.percentile(50), timing.percentile(95)) == (11.0, 19.0)
