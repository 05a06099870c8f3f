"""`manage.py time_engine`: the search index timed beside the search's summary, every answer
checked equal, and an apply of changed items timed (devtools/benchmark/engine_timing.py)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from decisions.engine import sync
from devtools.benchmark import engine_timing
from tests.helpers import FIXTURE_LETTERS

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_command_times_checks_and_applies(tmp_path, settings):
    settings.IMR_SEARCH_INDEX_DIR = tmp_path
    call_command("ingest", str(FIXTURE_LETTERS), "--workers=1", stdout=StringIO())
    sync.build()
    out = StringIO()
    call_command("time_engine", "--repeat=1", "--apply=2", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 + len(engine_timing.timed_queries()) + 1
    assert all(line.endswith("yes") for line in lines[1:-1])
    assert lines[-1].startswith("apply 2 changed items")
    assert sync.status().pending == 0
