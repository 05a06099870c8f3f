"""The benchmark's peer: the same corpus in SQLite with FTS5, served by Datasette, asked the
same queries in the same run (issue 15).

Why a peer at all: a p50 alone says nothing about whether a page is fast for what it does.
Datasette over SQLite FTS5 is the tool an analyst would reach for instead of this app, so
each query is timed against it, request for request, on the same machine and corpus.

The copy is built from the benchmark's Postgres database (what the app serves, not the
letters' files), one row per disputed item in `items` with the columns the queries filter
and count by, plus `letters` for the one-row letter request. Rows are streamed from a
server-side cursor into sqlite-utils' `insert_all` in batches, so memory stays flat at a
million letters. Arrays (cited pages, generic names...) are JSON arrays, which Datasette
filters with `__arraycontains` and counts with `_facet_array`.

Datasette runs in its fastest mode: facet suggestions off (what the issue's figures name),
and the file served immutable (`-i`: no locking, counts of whole tables precomputed by
`datasette inspect`; the issue does not say whether its run did). Its time limits are raised
so that it computes every count and facet it is asked for, as the app does, instead of
answering without them after one second.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
import sqlite_utils
from django.core.management.base import CommandError
from sqlite_utils.db import DescIndex

from decisions.search.paging import PER_PAGE
from decisions.specialties import grouping_name_of
from decisions.taxonomy import generic_names_of

from .processes import mb
from .queries import Query

BATCH = 5_000  # rows per fetch from Postgres and per insert into SQLite

# The item columns, as the app's search parameters name them where one does.
_ITEMS = """
SELECT id, letter_id, position, treatment, rationale, generic_names, outcome,
       reviewer_specialty_canonical AS specialty, decision_date, category, drug_class,
       guideline_mismatch AS mismatch, reviewer_guidelines AS guidelines,
       reviewer_documents AS documents, reviewer_pages AS cited_pages
FROM decisions_disputeditem
"""
_LETTERS = """
SELECT id, case_number, decision_date, reviewer_specialty, reviewer_specialty_canonical,
       patient_age, patient_sex, date_of_injury, case_summary
FROM decisions_letter
"""
# Types given, not guessed from a first batch in which a column may be all nulls.
_ITEM_TYPES = {
    "id": int,
    "letter_id": int,
    "position": int,
    "treatment": str,
    "rationale": str,
    "generic_names": str,
    "outcome": str,
    "specialty": str,
    "decision_date": str,
    "category": str,
    "drug_class": str,
    "mismatch": int,
    "guidelines": str,
    "documents": str,
    "cited_pages": str,
}
_LETTER_TYPES = {
    "id": int,
    "case_number": str,
    "decision_date": str,
    "reviewer_specialty": str,
    "reviewer_specialty_canonical": str,
    "patient_age": int,
    "patient_sex": str,
    "date_of_injury": str,
    "case_summary": str,
}
# What the app's search matches `q` against (decisions/schema.py: the treatment and its
# generic names, weight A, and the rationale, B). FTS5's porter tokenizer stems English as
# Postgres' english configuration does for the words these queries use.
SEARCHED = ("treatment", "generic_names", "rationale")
# The app's facets (decisions/facets.py) as Datasette counts them; `outcome` both ways.
FACETS = ("outcome", "specialty", "mismatch", "category", "drug_class")
ARRAY_FACETS = ("guidelines", "documents", "cited_pages")
INDEXED = ("outcome", "specialty", "category", "drug_class", "mismatch", "letter_id")


@dataclass(frozen=True)
class PeerCopy:
    path: Path
    inspect_file: Path  # Datasette's precomputed table counts
    items: int
    seconds: float | None  # None: a copy built by an earlier run, reused

    @property
    def name(self) -> str:
        """Datasette's name for the database, in every path: the file's stem."""
        return self.path.stem

    def row(self) -> tuple[str, str]:
        size = f"{mb(self.path.stat().st_size)} on disk"
        what = "peer copy (SQLite FTS5 via sqlite-utils, for Datasette)"
        if self.seconds is None:
            return (what, f"{self.items:,} items, reused from an earlier run; {size}")
        rate = self.items / max(self.seconds, 1e-9)
        return (
            what,
            f"{self.items:,} items in {self.seconds:,.1f} s end to end ({rate:,.0f}/s); {size}",
        )


def reused_copy(path: Path, items: int) -> PeerCopy | None:
    """The copy an earlier run left at `path`, when it is whole and holds `items` items."""
    inspect_file = path.with_suffix(".inspect.json")
    if not (path.exists() and inspect_file.exists()):
        return None
    try:
        with sqlite3.connect(path) as db:
            stored = db.execute("SELECT count(*) FROM items").fetchone()[0]
    except sqlite3.Error:
        return None
    return PeerCopy(path, inspect_file, items, None) if stored == items else None


def build_copy(source: psycopg.Connection, path: Path) -> PeerCopy:
    """Write the SQLite copy of `source`'s letters and items to `path` (replacing it), with
    its full-text index, its facet columns' indexes and Datasette's table counts."""
    started = time.monotonic()
    path.unlink(missing_ok=True)
    db = sqlite_utils.Database(path)
    # A copy that is rebuilt whenever it is in doubt needs no journal.
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    items = db.table("items")
    items.insert_all(_stream(source, _ITEMS), pk="id", columns=_ITEM_TYPES, batch_size=BATCH)
    db.table("letters").insert_all(
        _stream(source, _LETTERS), pk="id", columns=_LETTER_TYPES, batch_size=BATCH
    )
    items.enable_fts(SEARCHED, fts_version="FTS5", tokenize="porter")
    for column in INDEXED:
        items.create_index([column])
    # "Newest first" as Datasette orders it (`_sort_desc`: the date descending, then the
    # primary key ascending): one index walk, as the app's date index gives it.
    items.create_index([DescIndex("decision_date")])
    db.analyze()
    stored = items.count
    db.close()
    inspect_file = path.with_suffix(".inspect.json")
    subprocess.run(
        [_datasette(), "inspect", str(path), "--inspect-file", str(inspect_file)],
        check=True,
        capture_output=True,
    )
    return PeerCopy(path, inspect_file, stored, time.monotonic() - started)


def _stream(source: psycopg.Connection, query: str) -> Iterator[dict[str, Any]]:
    """The rows of `query` as dicts, BATCH at a time from a server-side cursor."""
    with source.transaction(), source.cursor(name="peer_copy") as cursor:
        cursor.itersize = BATCH
        cursor.execute(query)
        names = [column.name for column in cursor.description or ()]
        for row in cursor:
            yield dict(zip(names, row, strict=True))


def _datasette() -> str:
    return str(Path(sys.executable).with_name("datasette"))


@dataclass(frozen=True)
class Peer:
    """The copy, served: what the benchmark asks it."""

    copy: PeerCopy
    base: str  # http://127.0.0.1:<port>
    process: subprocess.Popen

    def requests(self, query: Query, repeat: int) -> tuple[list[str] | None, str]:
        """`peer_urls`, or None and why Datasette cannot be asked the same."""
        try:
            return peer_urls(self.base, query, repeat, self.copy), ""
        except Unmapped as reason:
            return None, str(reason)

    def total(self, query: Query) -> int | str | None:
        """Datasette's count of `query`'s results (its first page's: the count is every
        page's), or why it cannot be asked."""
        try:
            params = item_params(query)
        except Unmapped as reason:
            return str(reason)
        return count(fetch_json(f"{self.base}/{self.copy.name}/items.json?{urlencode(params)}"))

    def letter_urls(self, ids: list[int]) -> list[str]:
        """One letter's row (`/peer/letters/<id>.json`): what the issue's Datasette column
        timed against the app's letter page, which also reads the items and citations and
        renders them. Not the same work, so the report gives no ratio."""
        return [f"{self.base}/{self.copy.name}/letters/{pk}.json" for pk in ids]

    def warm_up(self) -> None:
        """Datasette's first requests open its connections and read the schema: asked
        before the timed ones (as the app's warm-up does), with a query none of them asks."""
        url = f"{self.base}/{self.copy.name}/items.json?" + urlencode(
            {"_search": "physical therapy"}
        )
        for _ in range(3):
            fetch_json(url)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def serve(copy: PeerCopy, port: int) -> Peer:
    """`datasette serve` on the copy, once it answers."""
    server = subprocess.Popen(
        [
            _datasette(),
            "serve",
            "-i",
            str(copy.path),
            "--inspect-file",
            str(copy.inspect_file),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--setting",
            "suggest_facets",
            "off",
            # Every count and facet computed, however long it takes (the defaults give up
            # after 1 s and 200 ms and answer without them).
            "--setting",
            "sql_time_limit_ms",
            "600000",
            "--setting",
            "facet_time_limit_ms",
            "600000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/{copy.name}.json", timeout=5).read()
            return Peer(copy, f"http://127.0.0.1:{port}", server)
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.3)
    server.terminate()
    raise CommandError("datasette did not start within 60 s")


class Unmapped(Exception):
    """A query Datasette cannot be asked the same way: its message says why (the report's
    peer column shows it instead of a number)."""


def item_params(query: Query) -> list[tuple[str, str | int]]:
    """The Datasette table request of `query`'s first page, parameter by parameter. Raises
    Unmapped for a parameter Datasette cannot ask the same way.

    Why each is equivalent (the test holds Datasette's count to the app's on a small corpus):
    - q: `_search` over the FTS5 index of the same three texts, Datasette's escaped mode:
      each word a term, all required (as websearch's AND), a "quoted phrase" kept whole as an
      FTS5 phrase (as websearch's <->). Not the same order: Datasette's table view does not
      rank, it lists matches by id; the app ranks by relevance.
    - outcome, category, drug_class: the same column, equal.
    - specialty: the same column (the grouping name), equal to the name the app's form cleans
      the parameter to.
    - cited_page, a generic drug: `__arraycontains`, Datasette's test for a JSON array's
      element, on the item's sorted, deduplicated array: the app's `@>` on the same values.
    - newest first (the app's order without q): `_sort_desc=decision_date`; ties are broken by
      id ascending where the app has id descending, so a page holds the same dates but may
      hold other items of the last date.
    - a page: 20 rows (`_size`), as the app's page; deep pages by `_next` (see `next_tokens`).
    - facets: `_facet` per column, `_facet_array` per array, the app's eight. Not the same:
      the app also splits each value's count by outcome (its overturn rates).
    """
    params: list[tuple[str, str | int]] = [("_size", PER_PAGE)]
    for name, value in query.params.items():
        text = str(value)
        if name == "q":
            params.append(("_search", text))
        elif name in ("outcome", "category", "drug_class"):
            params.append((name, text))
        elif name == "specialty":
            params.append(("specialty", grouping_name_of(text) or text))
        elif name == "cited_page":
            params.append(("cited_pages__arraycontains", text))
        elif name == "drug":
            generics = generic_names_of(text) or (text.lower(),)
            if len(generics) > 1:
                raise Unmapped("a brand of several drugs: Datasette tests one array element")
            params.append(("generic_names__arraycontains", generics[0]))
        elif name == "sort" and value in ("newest", "oldest"):
            params.append(("_sort_desc" if value == "newest" else "_sort", "decision_date"))
        elif name != "page_base":
            raise Unmapped(f"no Datasette equivalent of `{name}`")
    if "q" not in query.params and "sort" not in query.params:
        params.append(("_sort_desc", "decision_date"))  # the app's order without a query
    if query.facets:
        params += [("_facet", name) for name in FACETS]
        params += [("_facet_array", name) for name in ARRAY_FACETS]
    return params


def peer_urls(base: str, query: Query, repeat: int, copy: PeerCopy) -> list[str]:
    """The `repeat` Datasette requests timed against the app's. A query that pages (the app
    asks pages page_base, page_base + 1, ...) asks the same pages by `_next`; any other asks
    its first page each time: Datasette keeps no result cache, so a repeat is not answered
    from one (the app's repetitions ask other pages because its pages could be cached)."""
    url = f"{base}/{copy.name}/items.json?" + urlencode(item_params(query))
    if "page_base" not in query.params:
        return [url] * repeat
    tokens = next_tokens(copy, query, int(query.params["page_base"]), repeat)
    return [f"{url}&{urlencode({'_next': token})}" for token in tokens]


def next_tokens(copy: PeerCopy, query: Query, first_page: int, pages: int) -> list[str]:
    """Datasette's `_next` tokens of pages first_page, first_page + 1, ...: the key of each
    page's previous row (its date, tilde-encoded, then its id), as the "next" link of the page
    before gives it. Only for the unfiltered list, newest first, which is the deep page the
    benchmark asks."""
    if set(query.params) != {"page_base"}:
        raise Unmapped("deep pages of a filtered list are not mapped")
    from datasette.utils import tilde_encode  # Datasette's own encoding of a key's values

    tokens = []
    with sqlite3.connect(copy.path) as db:
        for page in range(first_page, first_page + pages):
            row = db.execute(
                "SELECT decision_date, id FROM items ORDER BY decision_date DESC, id "
                "LIMIT 1 OFFSET ?",
                [(page - 1) * PER_PAGE - 1],
            ).fetchone()
            if row is None:
                raise Unmapped(f"the copy has no page {page}")
            date = "$null" if row[0] is None else tilde_encode(row[0])
            tokens.append(f"{date},{row[1]}")
    return tokens


def count(answer: Mapping[str, Any]) -> int | None:
    """The total of a Datasette table answer (None when it did not count)."""
    total = answer.get("filtered_table_rows_count")
    return total if isinstance(total, int) else None


def fetch_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=600) as response:
        return json.loads(response.read())
