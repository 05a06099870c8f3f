"""The engine probe (devtools/benchmark/engine_probe.py): a Tantivy index built from the search
entries' own lexemes answers a word, an OR, a NOT and a phrase with Postgres' exact counts
by combination and its page, so the probe's timings compare the same answers."""

from __future__ import annotations

from io import StringIO

import pytest
import tantivy
from django.core.management import call_command
from django.db import connection

from decisions.models import SearchEntry
from devtools.benchmark import engine_probe
from tests.helpers import FIXTURE_LETTERS

# Words of the fixture letters: each query matches some of their items and not all.
QUERIES = {
    "a word": "mri",
    "an OR": "norco or tramadol",
    "a NOT": "mri -norco",
    "a phrase": '"physical therapy"',
    "a phrase over a stop word": '"range of motion"',
}


@pytest.fixture
def loaded(transactional_db):
    """The fixture letters ingested and committed: the command reads them on a connection
    of its own."""
    call_command("ingest", str(FIXTURE_LETTERS), "--workers=1", stdout=StringIO())


def test_tantivy_counts_and_pages_what_postgres_does(loaded, tmp_path):
    connection.ensure_connection()
    conn = connection.connection
    build = engine_probe.build_index(conn, tmp_path / "index")
    assert build.entries == SearchEntry.objects.count() and build.positionless == 0
    searcher = engine_probe.Searcher(
        tantivy.Index.open(str(tmp_path / "index")), engine_probe.combination_values(conn)
    )
    for what, q in QUERIES.items():
        for outcome in ("", "overturned"):
            found = engine_probe.probe(
                conn, searcher, q, outcome, what, repeat=1, postgres_repeat=1
            )
            assert 0 < found.postgres.total < build.entries, what
            assert found.tantivy == found.postgres, what
            # Counted by value, in memory as in Postgres.
            counts = found.tantivy.counts
            in_postgres = conn.execute(engine_probe.BY_VALUE, [list(counts), list(counts.values())])
            assert engine_probe.by_value(searcher.values, counts) == {
                (facet, value): n for facet, value, n in in_postgres
            }
    rows = engine_probe.table([found])
    assert rows[-1].endswith("yes")


def test_the_command_builds_reuses_and_reports(loaded, tmp_path):
    out = StringIO()
    args = ["--database", connection.settings_dict["NAME"], "--out", str(tmp_path / "index")]
    call_command("probe_engine", *args, "--repeat=1", "--postgres-repeat=1", stdout=out)
    assert "entries/s" in out.getvalue()
    # Few of the queries match the fixture letters; all agree, after every document was
    # replaced (--refresh's default is more entries than the letters have).
    assert out.getvalue().count(" yes") == len(engine_probe.probe_queries())
    again = StringIO()
    call_command("probe_engine", *args, "--reuse", "--repeat=1", stdout=again)
    assert "reused" in again.getvalue()


def test_the_table_says_where_the_answers_differ():
    postgres = engine_probe.Answer({1: 2, 3: 4}, [9, 8])
    probes = [
        engine_probe.Probe(
            "same",
            "q",
            "'q'",
            postgres,
            [1.0],
            postgres,
            [0.5],
            by_value_ms=[0.3],
            in_memory_ms=[0.1],
        ),
        engine_probe.Probe(
            "other",
            "q",
            "'q'",
            postgres,
            [1.0],
            engine_probe.Answer({1: 2}, [8]),
            [0.5],
            by_value_ms=[0.3],
            in_memory_ms=[0.1],
        ),
        engine_probe.Probe("none", "q", "'q'", postgres, [1.0], None, [], "why not"),
    ]
    same, other, none = engine_probe.table(probes)[2:]
    assert same.endswith("yes")
    assert other.endswith("NO: counts differ (total 2), pages differ")
    assert none.endswith("no (why not)")
