"""The engine probe (devtools/benchmark/engine_probe.py): a Tantivy index built from the search
entries' own lexemes answers a word, an OR, a NOT and a phrase with Postgres' exact counts
by combination and its page, so the probe's timings compare the same answers."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import tantivy
from django.core.management import call_command
from django.db import connection

from decisions.models import SearchEntry
from devtools.benchmark import engine_probe
from devtools.benchmark.tantivy_query import Unconvertible, from_tsquery
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


def test_a_vector_text_is_read_lexeme_by_lexeme():
    lexemes = engine_probe.lexemes_of(r"'a\\b':2 'it''s':5 'x':1A,4B")
    assert lexemes == [(2, "a\\b"), (5, "it's"), (1, "x"), (4, "x")]
    # Gaps (stop words) are placeholders the analyzer drops, keeping the positions.
    text = engine_probe.as_text(lexemes)
    assert text == "x a\\b _ x it's"
    assert [(t.text, t.position) for t in engine_probe.ANALYZER.pre_tokenize(text).tokens] == [
        ("x", 0),
        ("a\\b", 1),
        ("x", 3),
        ("it's", 4),
    ]


@pytest.mark.parametrize(
    "vector",
    [
        "'a':16383 'b':16383",  # positions clamped by Postgres: shared
        "'a' 'b':1",  # a lexeme without positions
        "'_':1",  # the placeholder
        "'a b':1",  # a space in a lexeme
    ],
)
def test_what_text_cannot_say_is_given_pretokenized(vector):
    lexemes = engine_probe.lexemes_of(vector)
    assert engine_probe.as_text(lexemes) is None
    tokens = engine_probe.tokens(lexemes)
    assert len(tokens) == len(lexemes)
    if lexemes[0][0] is None:
        assert tokens[0].position == engine_probe.POSITIONLESS_START


def test_newest_first_is_one_descending_key():
    day = datetime.date(2015, 3, 1)
    keys = [
        engine_probe.newest_key(7, day),
        engine_probe.newest_key(9, day),
        engine_probe.newest_key(3, day + datetime.timedelta(days=1)),
        engine_probe.newest_key(5, None),
        engine_probe.newest_key(8, datetime.date(1960, 1, 1)),
    ]
    ordered = [engine_probe.item_of(key) for key in sorted(keys, reverse=True)]
    assert ordered == [3, 9, 7, 8, 5]  # date descending, nulls last, item id descending
    with pytest.raises(ValueError, match="32 bits"):
        engine_probe.newest_key(1 << 32, day)


def test_what_has_no_tantivy_equivalent_is_said():
    schema = engine_probe.schema()
    for tsquery, reason in [
        ("'a' <-> !'b'", "negation"),
        ("'a' <-> ( 'b' | 'c' )", "alternative"),
        ("'a':*", "prefix"),
    ]:
        with pytest.raises(Unconvertible, match=reason):
            from_tsquery(schema, tsquery)
    assert isinstance(from_tsquery(schema, ""), tantivy.Query)  # only stop words: nothing


def test_the_table_says_where_the_answers_differ():
    postgres = engine_probe.Answer({1: 2, 3: 4}, [9, 8])
    probes = [
        engine_probe.Probe(
            "same",
            "q",
            "'q'",
            postgres,
            [1.0],
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
            [1.0],
            engine_probe.Answer({1: 2}, [8]),
            [0.5],
            by_value_ms=[0.3],
            in_memory_ms=[0.1],
        ),
        engine_probe.Probe("none", "q", "'q'", postgres, [1.0], [1.0], None, [], "why not"),
    ]
    same, other, none = engine_probe.table(probes)[2:]
    assert same.endswith("yes")
    assert other.endswith("NO: counts differ (total 2), pages differ")
    assert none.endswith("no (why not)")
