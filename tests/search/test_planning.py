"""The plan: the result orders, and each hot statement reading by its index."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.search import Period, item_filterset, item_search, search_statistics
from tests.helpers import CHRONIC_PAIN, PER_PAGE, filled, found, plan_of, reads

pytestmark = pytest.mark.django_db


def test_relevance_puts_treatment_matches_first(six_decisions):
    # "Norco" is the treatment of two items and only mentioned in Flexeril's rationale.
    assert found({"q": "norco"})[-1] == "Flexeril 7.5mg, #60"
    assert found({"q": "norco", "sort": "oldest"}) == [
        "Norco 10/325mg, #120",
        "Flexeril 7.5mg, #60",
        "NORCO 10/325 mg #120",
    ]


def test_newest_first_without_a_query_with_undated_decisions_last(six_decisions):
    order = found({})
    assert order[:2] == ["Flexeril 7.5mg, #60", "Norco 10/325mg, #120"]  # decided 2015
    assert order[2:4] == ["MRI of the lumbar spine", "Lumbar epidural steroid injection L4-5"]
    assert order[4:] == ["NORCO 10/325 mg #120", "Physical therapy x12"]  # undated, newest id first
    oldest = found({"sort": "oldest"})
    assert oldest[:4] == list(reversed(order[:4]))
    assert oldest[4:] == ["Physical therapy x12", "NORCO 10/325 mg #120"]
    assert found({"sort": "relevance"}) == order  # no query: nothing to rank by


@pytest.mark.parametrize(
    ("params", "indexes"),  # per statement, the indexes of which it must use one
    [
        # The list as it opens: counts by key (the undated results' count with them,
        # below), the page along the date index.
        ({}, [["facetcount_uniq"], ["entry_newest_idx"]]),
        ({"page": "3", "sort": "oldest"}, [["facetcount_uniq"], ["entry_oldest_idx"]]),
        # A facet filter: the page along the date index with the filter checked inside it,
        # or (few results) each matching combination's entries, newest first.
        (
            {"document": CHRONIC_PAIN, "outcome": "upheld"},
            [["facetcount_uniq"], ["entry_newest_idx", "entry_combination_idx"]],
        ),
        # Filtered by facet values: the combinations by the filter's index, and in the same
        # statement the page and the undated count (tests/search/test_counting.py).
        (
            {"guideline": "MTUS", "cited_page": "{page}"},
            [["combination_pages_idx"], ["decisions_disputeditem_pkey"]],
        ),
        # A query: its matches from the GIN index, the page's rows by primary key.
        ({"q": "norco"}, [["entry_search_vector_idx"], ["decisions_disputeditem_pkey"]]),
        # A phrase: the word index's candidates (Postgres checks the positions on each).
        (
            {"q": '"functional restoration program"', "outcome": "overturned"},
            [["entry_search_vector_idx"], ["decisions_disputeditem_pkey"]],
        ),
    ],
)
def test_the_hot_statements_use_their_indexes(synthetic_corpus, params, indexes):
    with CaptureQueriesContext(connection) as captured:
        results = item_search(item_filterset(filled(params, synthetic_corpus)), per_page=PER_PAGE)
    assert results.items
    statements = reads(captured)
    # the summary, the page's rows[, the undated count]
    assert len(statements) == len(indexes)
    for statement, names in zip(statements, indexes, strict=True):
        plan = plan_of(statement)
        assert any(name in plan for name in names) if names else "Scan" not in plan, plan


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "oldest"}, {"category": "injection", "outcome": "overturned"}],
)
def test_a_page_the_maintained_counts_answer_reads_its_undated_count_with_them(
    synthetic_corpus, params
):
    """In a date order, the undated results' count of a page FacetCount answers is the month
    counts' undated rows, read by key in the counts' statement (`counting._given_undated`):
    counting the entries of the given value's combinations looked each undated entry's
    combination up (14 ms for one category at a million letters)."""
    with CaptureQueriesContext(connection) as captured:
        results = item_search(item_filterset(params), per_page=PER_PAGE)
    assert results.undated is not None
    summary, _ = reads(captured)  # and the page's rows
    assert "periodcount_uniq" in plan_of(summary) and "facetcount_uniq" in plan_of(summary)


ENTRY_DATES = ["entry_oldest_idx", "entry_newest_idx"]


@pytest.mark.parametrize(
    ("params", "indexes"),  # it must use one of them
    [
        # (A query's matches come from the GIN index at 100,000 letters, BENCHMARKS.md; on this
        # small corpus the planner may as well scan the combination index, so it is not
        # asserted here.)
        # Without a filter (or one whose month counts are kept): the month counts, by their key.
        ({}, ["periodcount_uniq"]),
        ({"guideline": "MTUS", "outcome": "upheld"}, ["periodcount_uniq"]),
        ({"specialty": "{specialty}"}, ["periodcount_uniq"]),
        ({"cited_page": "{page}"}, ["periodcount_uniq"]),
        # Each combination's entries (at 100,000 letters), or all of them by date (small).
        (
            {"specialty": "{specialty}", "guideline": "MTUS"},
            ["entry_combination_idx", *ENTRY_DATES],
        ),
        # A filter only items answer: the items, by its index.
        ({"decided_from": "2015-01-01"}, ["item_newest_idx", "item_oldest_idx"]),
    ],
)
def test_the_statistics_periods_statement_reads_by_index(synthetic_corpus, params, indexes):
    filterset = item_filterset(filled(params, synthetic_corpus))
    assert filterset.is_valid()
    with CaptureQueriesContext(connection) as captured:
        search_statistics(filterset, Period.MONTH, by_value=False)
    (statement,) = reads(captured)
    plan = plan_of(statement)
    assert any(name in plan for name in indexes) and "Seq Scan" not in plan, plan
