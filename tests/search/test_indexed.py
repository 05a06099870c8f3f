"""The search reads the search index only when it answers exactly (decisions/search/
indexed.py): a kept, current-format index with no change row visible, a query it can express,
combinations and items the search's snapshot holds. Otherwise Postgres counts, and the page
says the same as with no index at all. The reference here is the search without an index
(the oracle tests hold that one equal to plain ORM counts, tests/search/test_counting.py).

The indexes are written in the test's transaction (`sync.write_generation`), as the
`both_ways` fixture writes them (tests/conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.engine import documents, index, sync
from decisions.models import (
    DisputedItem,
    FacetCombination,
    Letter,
    SearchChange,
    SearchEntry,
    SearchIndexRegistration,
)
from decisions.search import budget, indexed, item_filterset, item_search
from decisions.services.combinations import empty_combinations_prune
from tests.helpers import reads

pytestmark = pytest.mark.django_db

NORCO = {"q": "norco", "sort": "newest"}


def searched(params: dict) -> tuple:
    """What a results page says: total, rates, facet values, page, undated count."""
    results = item_search(item_filterset(params))
    facets = results.facets
    assert facets is not None
    page = [r.item.pk for r in results.items]
    return facets.total, facets.overturned, facets.values, page, results.undated


def without_index(params: dict, settings, tmp_path: Path, answers: list) -> tuple:
    """The page as the search says it with no index kept (not one of the `answers`)."""
    kept, asked = settings.IMR_SEARCH_INDEX_DIR, len(answers)
    settings.IMR_SEARCH_INDEX_DIR = tmp_path / "none"
    try:
        return searched(params)
    finally:
        settings.IMR_SEARCH_INDEX_DIR = kept
        del answers[asked:]


@pytest.fixture
def kept(synthetic_corpus, settings, tmp_path) -> Path:
    """An index of the synthetic corpus, current, in the settings' folder."""
    settings.IMR_SEARCH_INDEX_DIR = tmp_path / "search-index"
    folder, _ = sync.write_generation(settings.IMR_SEARCH_INDEX_DIR)
    sync.make_current(settings.IMR_SEARCH_INDEX_DIR, folder)
    return folder


@pytest.fixture
def answers(monkeypatch) -> list:
    """The index's answers the searches got (None: it did not answer)."""
    seen: list = []
    answer = indexed.answer

    def spy(*args, **kwargs):
        seen.append(answer(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(indexed, "answer", spy)
    return seen


def first_listed() -> int:
    """The item NORCO's page lists first."""
    return item_search(item_filterset(NORCO)).items[0].item.pk


def test_the_index_answers_a_fresh_search_with_fewer_statements(kept, answers, settings):
    """With the index, a query's page in a date order costs two statements, as a page
    without a query does: a check that the snapshot holds the page's items, and their rows.
    The search's settings statement asks FRESH and parses the query; no statement visits the
    query's matches (`@@`) or counts by facet value (the process does, from the counts by
    combination, once it knows their values: the first search reads them); the undated count
    comes with the index's answer (without the index, a statement of its own)."""
    SearchIndexRegistration.objects.create()  # the values are kept for a registered database
    folder, _ = sync.write_generation(settings.IMR_SEARCH_INDEX_DIR)
    sync.make_current(settings.IMR_SEARCH_INDEX_DIR, folder)
    item_search(item_filterset(NORCO))
    with CaptureQueriesContext(connection) as captured:
        results = item_search(item_filterset(NORCO))
    assert answers[-1] is not None and results.undated is not None
    statements = reads(captured)
    assert len(statements) == 2, statements
    assert statements[0].startswith("SELECT count(*) FROM decisions_searchentry")
    assert not [sql for sql in statements if "@@" in sql or "facetcombination" in sql]
    (settings,) = [q["sql"] for q in captured if "set_config" in q["sql"]]
    assert "decisions_searchchange" in settings and "websearch_to_tsquery" in settings


def test_a_stale_index_is_not_read(kept, answers, settings, tmp_path):
    """A change row visible (the index has not applied it): Postgres counts, and the page
    shows the change the index does not know."""
    SearchIndexRegistration.objects.create()  # the trigger logs changes from now on
    folder, _ = sync.write_generation(settings.IMR_SEARCH_INDEX_DIR)  # of the registered
    sync.make_current(settings.IMR_SEARCH_INDEX_DIR, folder)
    searched(NORCO)
    assert answers[-1] is not None  # fresh: read
    DisputedItem.objects.get(pk=first_listed()).letter.delete()
    answers.clear()
    assert SearchChange.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute(sync.FRESH)
        assert cursor.fetchone() == (False,)
    assert searched(NORCO) == without_index(NORCO, settings, tmp_path, answers)
    assert answers == [None]


def test_an_index_of_another_database_is_not_read(kept, answers, settings, tmp_path):
    """The index was written before the database was registered (as by a build on a database
    since dropped and created again under the same name): its registration is not this
    database's, and no change row would say so."""
    expected = without_index(NORCO, settings, tmp_path, answers)
    SearchIndexRegistration.objects.create()
    assert sync.registration_of(kept) is None
    assert searched(NORCO) == expected and answers == [None]


def test_no_index_and_an_index_of_another_format_are_not_read(kept, answers, settings, tmp_path):
    expected = without_index(NORCO, settings, tmp_path, answers)
    state = kept / "engine.json"
    state.write_text(json.dumps({**json.loads(state.read_text()), "format": 1}))
    assert indexed.reader() is None
    assert searched(NORCO) == expected and answers == [None]
    with pytest.raises(sync.NoIndex, match="format 1"):
        sync.current_folder()
    state.write_text(json.dumps({**json.loads(state.read_text()), "format": documents.FORMAT}))
    assert searched(NORCO) == expected and answers[-1] is not None


def test_a_running_process_reads_the_folder_a_build_swaps_in(kept, answers, settings, tmp_path):
    """The process' reader is reopened when the current link names another folder: here a
    generation written after a letter was deleted (no change row: nothing registered)."""
    first = indexed.reader()
    assert first is not None and first.index.folder == kept
    deleted = first_listed()
    DisputedItem.objects.get(pk=deleted).letter.delete()
    searched(NORCO)
    assert deleted in answers[-1].page_ids  # the old folder's answer (not used: ahead)
    folder, _ = sync.write_generation(settings.IMR_SEARCH_INDEX_DIR)
    sync.make_current(settings.IMR_SEARCH_INDEX_DIR, folder)
    swapped = searched(NORCO)
    reopened = indexed.reader()
    assert reopened is not None and reopened.index is not first.index
    assert reopened.index.folder == folder
    assert answers[-1] is not None and deleted not in answers[-1].page_ids
    assert swapped == without_index(NORCO, settings, tmp_path, answers)


def test_an_index_ahead_of_the_snapshot_counts_in_postgres(kept, answers, settings, tmp_path):
    """The index holds items the search's snapshot does not (deleted here without a log, as an
    item committed and applied after the search's FRESH would be the other way round): the
    page's ids are not all found, and Postgres counts instead."""
    deleted = first_listed()
    DisputedItem.objects.get(pk=deleted).letter.delete()
    answers.clear()
    assert searched(NORCO) == without_index(NORCO, settings, tmp_path, answers)
    assert deleted in answers[0].page_ids  # the index answered; its answer was not used


def test_a_query_the_index_cannot_express_is_counted_in_postgres(
    kept, answers, settings, tmp_path, monkeypatch
):
    """A prefix lexeme (websearch_to_tsquery writes none; to_tsquery does): Unconvertible."""
    expected = without_index(NORCO, settings, tmp_path, answers)
    monkeypatch.setattr(budget, "PARSED", "to_tsquery(%s::regconfig, %s || ':*')::text")
    assert searched(NORCO) == expected and answers == [None]


def test_more_combinations_than_an_aggregation_returns_are_counted_in_postgres(
    kept, answers, settings, tmp_path, monkeypatch
):
    """Uncounted: the aggregation would leave combinations out."""
    expected = without_index(NORCO, settings, tmp_path, answers)
    monkeypatch.setattr(index, "MAX_BUCKETS", 1)
    assert searched(NORCO) == expected and answers == [None]


def test_a_combination_the_snapshot_does_not_hold_counts_in_postgres(
    kept, answers, settings, tmp_path
):
    """With a facet filter, the index's matched combinations are looked up first (which the
    filter allows): one the snapshot does not hold (here: emptied and pruned after the index
    was written, without a log) means the index is ahead, and Postgres counts."""
    params = {**NORCO, "guideline": "MTUS"}
    first = SearchEntry.objects.get(item_id=first_listed())
    emptied = DisputedItem.objects.filter(search__combination_id=first.combination_id)
    Letter.objects.filter(pk__in=emptied.values("letter_id")).delete()
    empty_combinations_prune()
    assert not FacetCombination.objects.filter(pk=first.combination_id).exists()
    answers.clear()
    assert searched(params) == without_index(params, settings, tmp_path, answers)
    assert answers == [None]
