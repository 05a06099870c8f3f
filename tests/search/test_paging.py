"""Paging: pages split the results without overlap, and a page's rows carry their snippets
(highlights as sentinels) and both parties' citations."""

from __future__ import annotations

import pytest

from decisions.search import item_filterset, item_search
from decisions.search.vocabulary import HIGHLIGHT_START, HIGHLIGHT_STOP
from tests.helpers import LOW_BACK, found

pytestmark = pytest.mark.django_db


def test_pages_split_the_results_without_overlap(six_decisions):
    pages = [item_search(item_filterset({"page": n}), per_page=4) for n in (1, 2, 3)]
    assert [len(p.items) for p in pages] == [4, 2, 0]
    assert [r.item.treatment for p in pages for r in p.items] == found({})
    assert pages[1].pagination.num_pages == 2 and not pages[1].pagination.has_next
    assert not pages[2].pagination.exists


def test_snippets_mark_matches_with_sentinels_only(six_decisions):
    result = item_search(item_filterset({"q": "opioid"})).items[0]
    assert f"{HIGHLIGHT_START}opioids{HIGHLIGHT_STOP}" in result.snippet
    assert result.treatment_marked == result.item.treatment  # no match in the treatment
    first = item_search(item_filterset({"q": "norco"})).items[0]
    assert first.treatment_marked.startswith(f"{HIGHLIGHT_START}")


def test_page_items_carry_both_parties_citations(six_decisions):
    result = next(
        r
        for r in item_search(item_filterset({"mismatch": "on"})).items
        if r.item.treatment.startswith("MRI")
    )
    assert [(c["guideline"], c["document"], c["pages"]) for c in result.reviewer_cited] == [
        ("MTUS", LOW_BACK, [303, 304])
    ]
    assert result.claims_guidelines == ["ODG"]
    assert result.item.reviewer_guidelines == ["MTUS"]
