"""A design probe for issue 15: a query's exact count by facet combination from an embedded
search library's posting lists (Tantivy, via tantivy-py) beside Postgres' own count.

Dev-only and not wired into the app: `manage.py probe_engine` builds the index from a
loaded database, asks it the benchmark's text queries and holds every answer to Postgres'.

The index has one document per search entry (`decisions_searchentry`):
- `lexemes`: the entry's own search vector, lexeme by lexeme at its Postgres position, as
  the product's index holds it (decisions/engine/documents.py says how, and why some vectors
  go in pre-tokenized);
- `item_id`: indexed, so that an entry's document can be replaced (`refresh_seconds`); its
  value for the page comes from `newest`;
- `combination_id`: the entry's facet combination, a fast field (counted by a terms
  aggregation);
- `outcome`: its combination's outcome, indexed as one term: the outcome filter, which
  picks the page. As a set of the outcome's combinations (the app's way) it cost 1-2 ms a
  query at 100,000 letters only to build the set of 9,000 ids; the outcome is part of the
  combination, so the field changes only when the combination does;
- `newest`: the app's "newest first" order in one fast u64, the decision date's day in the
  high 32 bits and the item id in the low ones, an undated entry below every dated one:
  ordered descending, it is Postgres' `decision_date DESC NULLS LAST, item_id DESC`, ties
  included, and it carries the item id.

Queries are parsed by Postgres (`websearch_to_tsquery('english', q)::text`) and mapped to
Tantivy by decisions/engine/queries.py (the product's mapping), so both sides match the same
lexemes.
"""

from __future__ import annotations

import datetime
import os
import shutil
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import tantivy

from decisions import schema as search_schema
from decisions.engine.documents import (
    ANALYZER,
    ANALYZER_NAME,
    LEXEMES,
    add_vector,
    item_of,
    newest_key,
)
from decisions.engine.queries import Unconvertible, from_tsquery

from .queries import QUERIES
from .timing import percentile

BATCH = 2_000  # entries per fetch from the server-side cursor
WRITER_HEAP = 256_000_000  # bytes the index writer buffers before it writes a segment
PAGE = 20
# Tantivy refuses an aggregation of more buckets than this (its default limit).
MAX_BUCKETS = 65_000

# The entries with their vectors in text form ('lexeme':3A,17B ...): Postgres writes it six to
# ten times faster than it unnests a vector into (lexeme, position) rows (20,000 entries of
# the 100,000-letter corpus: 0.4 s against 2.3-3.7 s), and the server is the shared part.
_ENTRIES = """
SELECT item_id, combination_id, decision_date, search_vector::text
FROM decisions_searchentry
"""
# The planner settings the search runs with (decisions/search/budget.py), one core.
PLANNER = (
    "SET jit = off; SET work_mem = '64MB'; SET enable_seqscan = off;"
    " SET max_parallel_workers_per_gather = 0"
)
_MATCHES = "search_vector @@ websearch_to_tsquery('english', %s)"
_COUNT = "SELECT combination_id, count(*) FROM decisions_searchentry WHERE {} GROUP BY 1"
# The count by combination as the definition reads: the word index (GIN) on the whole vector.
COUNTS = _COUNT.format(_MATCHES)
# Counts by combination (two arrays: ids, counts) as counts by facet value, what the page
# shows: the step Postgres would still take after an engine counted the combinations.
BY_VALUE = f"""
SELECT x.facet, x.value, sum(k.n)
FROM unnest(%s::int[], %s::bigint[]) AS k (id, n)
JOIN decisions_facetcombination AS c ON c.id = k.id
CROSS JOIN LATERAL (
{search_schema.facet_rows("c")}
) AS x (facet, value)
WHERE x.value IS NOT NULL
GROUP BY 1, 2
"""
# Every combination's facet values, to count them in memory instead.
VALUES = f"""
SELECT c.id, x.facet, x.value
FROM decisions_facetcombination AS c
CROSS JOIN LATERAL (
{search_schema.facet_rows("c")}
) AS x (facet, value)
WHERE x.value IS NOT NULL
"""


def new_index(folder: Path) -> tantivy.Index:
    """The index in `folder` (an empty one if there is none), ready to write: Tantivy keeps
    no analyzer but its own, so ours is registered on each opening."""
    index = tantivy.Index(schema(), path=str(folder))
    index.register_tokenizer(ANALYZER_NAME, ANALYZER)
    return index


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field(LEXEMES, tokenizer_name=ANALYZER_NAME, index_option="position")
    builder.add_unsigned_field("item_id", indexed=True)
    builder.add_text_field("outcome", tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("combination_id", fast=True)
    builder.add_unsigned_field("newest", fast=True)
    return builder.build()


@dataclass(frozen=True)
class Build:
    entries: int
    tokens: int
    positionless: int  # lexemes without positions, placed apart (see POSITIONLESS_START)
    pretokenized: int  # entries whose vector the text form could not say
    seconds: float | None  # None: an index an earlier run built, reused
    bytes: int
    # This process's CPU time (the writer's thread included): on a busy machine the wall time
    # says more about the machine than about the index.
    cpu_seconds: float = 0.0


def build_index(source: psycopg.Connection, folder: Path) -> Build:
    """Write the index of `source`'s search entries to `folder` (replacing it), one writer
    thread, from a server-side cursor (memory stays flat at a million letters)."""
    started, cpu = time.monotonic(), time.process_time()
    outcomes = combination_outcomes(source)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    writer = new_index(folder).writer(heap_size=WRITER_HEAP, num_threads=1)
    entries = tokens = positionless = pretokenized = 0
    with source.transaction(), source.cursor(name="engine_probe") as cursor:
        cursor.itersize = BATCH
        cursor.execute(_ENTRIES)
        for row in cursor:
            document, lexemes, in_text = _document(outcomes, *row)
            writer.add_document(document)
            entries += 1
            tokens += len(lexemes)
            positionless += sum(1 for position, _ in lexemes if position is None)
            pretokenized += not in_text
    writer.commit()
    writer.wait_merging_threads()
    return Build(
        entries,
        tokens,
        positionless,
        pretokenized,
        time.monotonic() - started,
        folder_bytes(folder),
        time.process_time() - cpu,
    )


def _document(
    outcomes: dict[int, str],
    item_id: int,
    combination_id: int,
    decision_date: datetime.date | None,
    vector: str,
) -> tuple[tantivy.Document, list[tuple[int | None, str]], bool]:
    """An entry's document, its lexemes, and whether they were given as text."""
    document = tantivy.Document()
    document.add_unsigned("item_id", item_id)
    document.add_unsigned("combination_id", combination_id)
    document.add_text("outcome", outcomes[combination_id])
    document.add_unsigned("newest", newest_key(item_id, decision_date))
    lexemes, in_text = add_vector(document, LEXEMES, vector)
    return document, lexemes, in_text


def refresh_seconds(source: psycopg.Connection, index: tantivy.Index, how_many: int) -> float:
    """What keeping the index in step would cost per batch: the newest `how_many` entries (a
    reparse of the last letters loaded) read again and their documents replaced (deleted by
    item id, added), committed, merged as Tantivy's policy asks and made visible to new
    searchers. The documents are the same, so the answers must be too."""
    started = time.monotonic()
    outcomes = combination_outcomes(source)
    rows = source.execute(f"{_ENTRIES} ORDER BY item_id DESC LIMIT %s", [how_many]).fetchall()
    index.register_tokenizer(ANALYZER_NAME, ANALYZER)
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    # One delete for the batch, by query: tantivy-py 0.27's delete_documents_by_term deletes
    # nothing on an unsigned field (it makes the value a signed term).
    writer.delete_documents_by_query(
        tantivy.Query.term_set_query(index.schema, "item_id", [row[0] for row in rows])
    )
    for row in rows:
        writer.add_document(_document(outcomes, *row)[0])
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return time.monotonic() - started


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def open_index(folder: Path, entries: int) -> tuple[tantivy.Index, Build] | None:
    """The index an earlier run left in `folder`, when it holds `entries` documents."""
    if not tantivy.Index.exists(str(folder)):
        return None
    index = tantivy.Index.open(str(folder))
    if index.searcher().num_docs != entries:
        return None
    return index, Build(entries, 0, 0, 0, None, folder_bytes(folder))


@dataclass(frozen=True)
class Answer:
    """A query's counts by combination, and its page (item ids, newest first)."""

    counts: dict[int, int]
    page: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Probe:
    label: str
    q: str
    tsquery: str
    postgres: Answer
    plain_ms: list[float]  # Postgres' count by combination from the word index (COUNTS)
    tantivy: Answer | None  # None: the query could not be converted (`note` says why)
    tantivy_ms: list[float]
    note: str = ""
    by_value_ms: list[float] = field(default_factory=list)  # BY_VALUE on Tantivy's counts
    in_memory_ms: list[float] = field(default_factory=list)  # the same with `by_value`

    @property
    def equal(self) -> bool:
        return self.tantivy == self.postgres


class Uncounted(Exception):
    """Tantivy's answer would leave combinations out (more than MAX_BUCKETS matched)."""


class Searcher:
    """The index asked as the app asks Postgres: counts by combination of all matches (the
    facets count whatever the outcome filter), and the page among the matches with the chosen
    outcome, newest first. `values`: each combination's facet values
    (combination_values); their number is the most buckets an answer can have."""

    def __init__(self, index: tantivy.Index, values: dict[int, list[tuple[str, str]]]):
        index.reload()
        self.schema = index.schema
        self.searcher = index.searcher()
        self.values = values
        self.buckets = min(len(values) + 1, MAX_BUCKETS)

    def answer(self, tsquery: str, outcome: str) -> Answer:
        query = from_tsquery(self.schema, LEXEMES, tsquery)
        terms = {"terms": {"field": "combination_id", "size": self.buckets}}
        terms["terms"]["segment_size"] = self.buckets  # every bucket of every segment: exact
        counted = self.searcher.aggregate(query, {"by_combination": terms})["by_combination"]
        if counted["sum_other_doc_count"]:
            raise Uncounted(f"more than {self.buckets:,} combinations matched")
        counts = {int(bucket["key"]): bucket["doc_count"] for bucket in counted["buckets"]}
        listed = query
        if outcome:
            listed = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, query),
                    (
                        tantivy.Occur.Must,
                        tantivy.Query.term_query(self.schema, "outcome", outcome),
                    ),
                ]
            )
        hits = self.searcher.search(
            listed, limit=PAGE, count=False, order_by_field="newest", order=tantivy.Order.Desc
        ).hits
        return Answer(counts, [item_of(key) for key, _ in hits])


def postgres_answer(conn: psycopg.Connection, q: str, outcome: str) -> Answer:
    counts: dict[int, int] = dict(conn.execute(COUNTS, [q]).fetchall())
    listed, params = "", [q]
    if outcome:
        listed = (
            " AND combination_id IN (SELECT id FROM decisions_facetcombination WHERE outcome = %s)"
        )
        params.append(outcome)
    page = conn.execute(
        f"SELECT item_id FROM decisions_searchentry WHERE {_MATCHES}{listed}"
        " ORDER BY decision_date DESC NULLS LAST, item_id DESC LIMIT %s",
        [*params, PAGE],
    ).fetchall()
    return Answer(counts, [row[0] for row in page])


def milliseconds(run: Callable[[], object], times: int) -> list[float]:
    """`run()` timed `times` times, after one untimed call (caches warm on both sides)."""
    run()
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


@contextmanager
def one_core() -> Iterator[None]:
    """This process pinned to one core while Tantivy is timed (its searcher could use more)."""
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, cores)


def probe(
    conn: psycopg.Connection,
    searcher: Searcher,
    q: str,
    outcome: str,
    label: str,
    *,
    repeat: int,
    postgres_repeat: int,
) -> Probe:
    """One query asked of both, timed and compared."""
    tsquery = conn.execute("SELECT websearch_to_tsquery('english', %s)::text", [q]).fetchone()
    assert tsquery is not None
    postgres = postgres_answer(conn, q, outcome)
    plain_ms = milliseconds(lambda: conn.execute(COUNTS, [q]).fetchall(), postgres_repeat)
    timed = Probe(label, q, tsquery[0], postgres, plain_ms, None, [])
    try:
        with one_core():
            timed.tantivy_ms = milliseconds(lambda: searcher.answer(tsquery[0], outcome), repeat)
        found = timed.tantivy = searcher.answer(tsquery[0], outcome)
        counted = [list(timed.tantivy.counts), list(timed.tantivy.counts.values())]
        timed.by_value_ms = milliseconds(
            lambda: conn.execute(BY_VALUE, counted).fetchall(), postgres_repeat
        )
        values = searcher.values
        timed.in_memory_ms = milliseconds(lambda: by_value(values, found.counts), repeat)
    except (Unconvertible, Uncounted) as reason:
        timed.note = str(reason)
    return timed


# Beyond the benchmark's queries: the operators it does not ask, at scale.
OPERATOR_QUERIES = [
    ("OR: norco or percocet", "norco or percocet", ""),
    ("NOT: mri -lumbar", "mri -lumbar", ""),
    ('phrase over a stop word: "range of motion"', '"range of motion"', ""),
]


def probe_queries() -> list[tuple[str, str, str]]:
    """The benchmark's queries with a text query, then OPERATOR_QUERIES: (label, q, outcome)."""
    benchmark = [
        (query.label, str(query.params["q"]), str(query.params.get("outcome", "")))
        for query in QUERIES
        if "q" in query.params
    ]
    return benchmark + OPERATOR_QUERIES


def combination_values(conn: psycopg.Connection) -> dict[int, list[tuple[str, str]]]:
    """Every combination's (facet, value) pairs: what an engine's service would keep in
    memory to turn counts by combination into the page's counts by value."""
    values: dict[int, list[tuple[str, str]]] = {}
    for pk, facet, value in conn.execute(VALUES):
        values.setdefault(pk, []).append((facet, value))
    return values


def by_value(
    values: dict[int, list[tuple[str, str]]], counts: dict[int, int]
) -> dict[tuple[str, str], int]:
    """Counts by combination as counts by (facet, value), in memory."""
    counted: dict[tuple[str, str], int] = {}
    for pk, n in counts.items():
        for pair in values[pk]:
            counted[pair] = counted.get(pair, 0) + n
    return counted


def combination_outcomes(conn: psycopg.Connection) -> dict[int, str]:
    """Every combination's outcome: a small table, read once, as an ingest service would
    keep it."""
    return dict(conn.execute("SELECT id, outcome FROM decisions_facetcombination").fetchall())


def table(probes: list[Probe]) -> list[str]:
    """The report's lines: per query, matches, both times and whether the answers agree."""
    lines = [
        f"{'':54} {'Postgres':>8} {'Tantivy ms':>17} {'by value p50 ms':>17}",
        f"{'query':44} {'matches':>9} {'GIN p50':>8} {'p50':>8} {'p95':>8}"
        f" {'Postgres':>8} {'memory':>8} {'combos':>7}  equal",
    ]
    for found in probes:
        if found.tantivy is None:
            times = f"{'-':>8} {'-':>8} {'-':>8} {'-':>8} {'-':>7}"
            equal = f"no ({found.note})"
        else:
            times = f"{_p(found.tantivy_ms, 50):>8} {_p(found.tantivy_ms, 95):>8}"
            times += f" {_p(found.by_value_ms, 50):>8} {_p(found.in_memory_ms, 50):>8}"
            times += f" {len(found.tantivy.counts):>7,}"
            equal = "yes" if found.equal else _difference(found)
        postgres = f"{statistics.median(found.plain_ms):>8.1f}"
        lines.append(
            f"{found.label[:44]:44} {found.postgres.total:>9,} {postgres} {times}  {equal}"
        )
    return lines


def _p(samples: list[float], p: float) -> str:
    return f"{percentile(samples, p):.1f}"


def _difference(found: Probe) -> str:
    assert found.tantivy is not None
    parts = []
    if found.tantivy.counts != found.postgres.counts:
        parts.append(f"counts differ (total {found.tantivy.total:,})")
    if found.tantivy.page != found.postgres.page:
        parts.append("pages differ")
    return "NO: " + ", ".join(parts)
