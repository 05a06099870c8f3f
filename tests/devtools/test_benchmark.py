"""The benchmark's own arithmetic and the environment of what it measures (the command itself
runs for minutes: see BENCHMARKS.md)."""

from __future__ import annotations

from devtools.benchmark.processes import production_environment
from devtools.benchmark.timing import Timing, count_records

from .helpers import django_process

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


def test_the_servers_it_starts_run_the_production_settings(tmp_path):
    env = production_environment(
        "postgres://postgres@127.0.0.1:5432/imr_never_connected", tmp_path / "media"
    )
    settings = django_process(
        env,
        """
        from django.conf import settings
        result = [settings.DEBUG, settings.SESSION_COOKIE_SECURE, str(settings.MEDIA_ROOT)]
    """,
    )
    assert settings == [False, True, str(tmp_path / "media")]
