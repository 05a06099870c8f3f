"""The benchmark's peer (devtools/benchmark/peer.py) and truth (devtools/benchmark/truth.py):
on a small corpus, Datasette served over the SQLite copy counts what the app counts for every
benchmark query, and both count what the generator's expected parses say. That is what makes
the report's ratios compare the same work."""

from __future__ import annotations

import dataclasses
import sqlite3
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection

from decisions.models import Letter
from decisions.search import item_filterset, item_search
from devtools.benchmark import peer
from devtools.benchmark.processes import free_port
from devtools.benchmark.queries import QUERIES, Query
from devtools.benchmark.truth import selection, truth_counts
from devtools.synthetic import write_corpus

# Seed 2's 300 letters hold every query's subject at least once (testosterone once).
LETTERS, SEED = 300, 2
DEEP_PAGE = 3  # the benchmark's page 500 on a corpus of ~35 pages


def _small(query: Query) -> Query:
    """The query as this corpus can answer it: its deep page within the corpus."""
    if "page_base" in query.params:
        return dataclasses.replace(query, params={**query.params, "page_base": DEEP_PAGE})
    return query


@pytest.fixture
def served(db, tmp_path):
    """The corpus ingested, copied into SQLite and served by Datasette; its folder too."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus, LETTERS, SEED, 1, with_truth=True)
    call_command("ingest", str(corpus), "--workers=1", stdout=StringIO())
    connection.ensure_connection()
    copy = peer.build_copy(connection.connection, tmp_path / "peer.db")
    site = peer.serve(copy, free_port())
    try:
        yield site, corpus
    finally:
        site.stop()


def test_datasette_and_the_truth_count_what_the_app_counts(served):
    site, corpus = served
    queries = [_small(query) for query in QUERIES]
    truth = truth_counts(corpus, LETTERS, queries)
    for query in queries:
        search = item_search(item_filterset({k: str(v) for k, v in query.params.items()}))
        assert search.facets is not None
        app = search.facets.total
        assert app, query.label  # a count of nothing would prove nothing
        assert (site.total(query), truth[query.label]) == (app, app), query.label


def test_the_deep_page_is_reached_by_the_token_of_the_page_before(served):
    site, _ = served
    query = _small(next(q for q in QUERIES if "page_base" in q.params))
    urls, reason = site.requests(query, 2)
    assert urls is not None, reason
    with sqlite3.connect(site.copy.path) as db:
        expected = [
            [row[0] for row in db.execute(sql, [offset])]
            for sql, offset in [
                (
                    "SELECT id FROM items ORDER BY decision_date DESC, id LIMIT 20 OFFSET ?",
                    (page - 1) * 20,
                )
                for page in (DEEP_PAGE, DEEP_PAGE + 1)
            ]
        ]
    pages = [_ids(peer.fetch_json(url)) for url in urls]
    assert pages == expected
    assert len(expected[0]) == 20


def test_facets_and_letters_are_asked_as_the_issue_timed_them(served):
    site, _ = served
    query = next(q for q in QUERIES if q.facets)
    answer = peer.fetch_json(site.requests(query, 1)[0][0])  # type: ignore[index]
    assert set(answer["facet_results"]) == {*peer.FACETS, *peer.ARRAY_FACETS}
    pk = Letter.objects.values_list("pk", flat=True).last()
    assert _ids(peer.fetch_json(site.letter_urls([pk])[0])) == [pk]


def _ids(answer: dict) -> list[int]:
    """The ids of a Datasette table answer's rows (each a list, in `columns`' order)."""
    column = answer["columns"].index("id")
    return [row[column] for row in answer["rows"]]


def test_a_parameter_datasette_cannot_ask_is_said_not_faked():
    with pytest.raises(peer.Unmapped, match="age_min"):
        peer.item_params(Query("old", {"age_min": 60}))
    with pytest.raises(peer.Unmapped, match="brand"):
        peer.item_params(Query("norco", {"drug": "Norco"}))  # two generic names
    assert ("_search", '"functional restoration program"') in peer.item_params(
        Query("phrase", {"q": '"functional restoration program"'})
    )
    assert "_search" in urlencode(peer.item_params(Query("q", {"q": "norco"})))


def test_the_truth_reads_words_phrases_and_no_operators():
    from devtools.benchmark.truth import TruthItem

    item = TruthItem(
        text="epidural steroid injections for the low back; a functional restoration program",
        outcome="overturned",
        specialty="Anesthesiology",
        cited_pages=frozenset(),
        generic_names=frozenset(),
        category="injection",
        drug_class=None,
    )

    def selects(params: dict[str, str | int]) -> bool:
        found = selection(params)
        assert found is not None
        return found(item)

    assert selects({"q": "epidural injection", "outcome": "overturned"})
    assert not selects({"q": "epidural injection", "outcome": "upheld"})
    assert selects({"q": '"functional restoration program"'})
    assert not selects({"q": '"restoration functional program"'})
    assert not selects({"q": "dural"})  # the start of a word, not any part of one
    assert selection({"q": "norco OR percocet"}) is None
    assert selection({"q": "norco -percocet"}) is None
