"""A bulk load (`ingest --bulk`, decisions/services/loading.py): the same rows as an incremental
load, the search's indexes as they were, one loader at a time, and a load cut short repaired
by the next ingest."""

from __future__ import annotations

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections

from decisions.models import (
    BulkLoad,
    DisputedItem,
    FacetCombination,
    FacetCount,
    IngestRun,
    Letter,
    PeriodCount,
    SearchEntry,
)
from decisions.preparation import FileInput
from decisions.services import ingest as ingest_service
from decisions.services.ingest import ingest_files
from decisions.services.loading import (
    LOADER_LOCK,
    LoadMode,
    bulk_indexes,
    finish_bulk_loads,
)
from tests.helpers import assert_derived_rows_match_the_items, found
from tests.services.test_ingest import write_variants

pytestmark = pytest.mark.django_db


def inputs(folder) -> list[FileInput]:
    return [FileInput(name=p.name, path=str(p)) for p in sorted(folder.iterdir())]


def entry_indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'decisions_searchentry'"
        )
        return dict(cursor.fetchall())


def derived_rows() -> dict[str, set]:
    """Every row the triggers derive from the items, without the ids a load happens to give:
    the count tables' rows (those with items), and each item's search entry by its letter's
    file and its place in the letter."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT l.sha256, i.position, e.decision_date, e.treatment_vector::text,
                   e.search_vector::text, e.generic_names, c.key
            FROM decisions_searchentry AS e
            JOIN decisions_disputeditem AS i ON i.id = e.item_id
            JOIN decisions_letter AS l ON l.id = i.letter_id
            JOIN decisions_facetcombination AS c ON c.id = e.combination_id
            """
        )
        entries = {tuple(map(str, row)) for row in cursor.fetchall()}
    return {
        "entries": entries,
        "combinations": set(
            FacetCombination.objects.filter(items__gt=0).values_list("key", "items")
        ),
        "facet counts": set(
            FacetCount.objects.exclude(items=0).values_list(
                "given_facet", "given_value", "facet", "value", "outcome", "items"
            )
        ),
        "month counts": set(
            PeriodCount.objects.exclude(items=0).values_list(
                "given_facet", "given_value", "month", "outcome", "items"
            )
        ),
    }


def test_a_bulk_load_derives_the_rows_an_incremental_one_does(tmp_path, monkeypatch):
    """The same letters loaded both ways, table by table; then the indexes are back as the
    migrations made them, and no mark is left."""
    monkeypatch.setattr(ingest_service, "BATCH_SIZE", 4)
    folder = write_variants(tmp_path / "letters", 11, first=0)
    indexes = entry_indexes()
    ingest_files(inputs(folder), origin="command", sources="t")
    incremental = derived_rows()
    assert len(incremental["entries"]) == DisputedItem.objects.count() > 11
    Letter.objects.all().delete()
    assert derived_rows()["entries"] == set()

    summary = ingest_files(inputs(folder), origin="command", sources="t", mode=LoadMode.BULK)
    assert summary.created == 11
    assert derived_rows() == incremental
    assert_derived_rows_match_the_items()
    assert entry_indexes() == indexes
    assert not BulkLoad.objects.exists()


def test_no_index_or_count_is_kept_up_while_the_letters_are_stored(tmp_path):
    """What makes the load faster: no GIN index and no count kept up per batch; the mark
    says so, and the search, which knows it, counts from the items: exact all along."""
    folder = write_variants(tmp_path / "letters", 2, first=0)
    during = []

    def look(outcome):
        during.append((set(entry_indexes()), BulkLoad.objects.get().run_id))
        assert not FacetCount.objects.exclude(items=0).exists()
        assert not FacetCombination.objects.exclude(items=0).exists()
        assert len(found({})) == DisputedItem.objects.count() > 0
        assert len(found({"outcome": "upheld"})) == (
            DisputedItem.objects.filter(outcome="upheld").count()
        )

    summary = ingest_files(
        inputs(folder), origin="command", sources="t", mode=LoadMode.BULK, on_outcome=look
    )
    gin = {index.name for index in bulk_indexes()}
    assert gin == {"entry_search_vector_idx", "entry_generic_names_idx"}
    assert [names & gin for names, _ in during] == [set(), set()]
    assert {run for _, run in during} == {summary.run.pk}
    assert gin <= set(entry_indexes())


def test_a_bulk_load_cut_short_is_consistent_and_the_next_ingest_finishes_it(tmp_path, monkeypatch):
    """Killed after its first batch: the letters stored are whole, the mark stays with the
    indexes missing and the counts not made, and the search, counting from the items, finds
    the same results as once they are back. Finishing the load (which the next ingest of
    either mode does first) makes the indexes and every count again."""
    monkeypatch.setattr(ingest_service, "BATCH_SIZE", 3)
    folder = write_variants(tmp_path / "letters", 7, first=0)
    indexes = entry_indexes()

    def stop(outcome):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest_files(
            inputs(folder), origin="command", sources="t", mode=LoadMode.BULK, on_outcome=stop
        )
    assert Letter.objects.count() == 3
    assert SearchEntry.objects.count() == DisputedItem.objects.count() > 0
    assert not FacetCount.objects.exclude(items=0).exists()  # the counts wait for the end
    assert BulkLoad.objects.get().run == IngestRun.objects.get(status="interrupted")
    assert not {index.name for index in bulk_indexes()} & set(entry_indexes())
    words = {"q": "injection"}, {"q": '"epidural steroid injection"'}
    unindexed = [found(params) for params in words]
    assert all(unindexed)
    finish_bulk_loads()
    assert entry_indexes() == indexes
    assert_derived_rows_match_the_items()
    assert [found(params) for params in words] == unindexed
    BulkLoad.objects.create()  # as if the indexes were still missing

    summary = ingest_files(inputs(folder), origin="command", sources="again")
    assert (summary.created, summary.duplicates) == (4, 3)
    assert entry_indexes() == indexes
    assert not BulkLoad.objects.exists()
    assert_derived_rows_match_the_items()


@pytest.fixture
def other_loader():
    """A connection that takes the loader lock as another process's ingest would."""
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    yield holder
    holder.close()


def test_a_bulk_load_is_refused_while_another_ingest_runs(tmp_path, other_loader):
    folder = write_variants(tmp_path / "letters", 1, first=0)
    with other_loader.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock_shared(%s::integer, 0)", [LOADER_LOCK])
    with pytest.raises(CommandError) as refused:
        call_command("ingest", str(folder), "--bulk", "--workers=1", stdout=StringIO())
    assert str(refused.value) == (
        "other ingests are running (the command or upload workers); a bulk load needs the "
        "database to itself: run it when they have finished"
    )
    assert (IngestRun.objects.count(), Letter.objects.count(), BulkLoad.objects.count()) == (
        0,
        0,
        0,
    )
    assert set(entry_indexes()) >= {index.name for index in bulk_indexes()}


@pytest.mark.django_db(transaction=True)
def test_an_incremental_ingest_waits_for_a_bulk_load(tmp_path, other_loader, caplog):
    folder = write_variants(tmp_path / "letters", 2, first=0)
    with other_loader.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s::integer, 0)", [LOADER_LOCK])
    summaries = []

    def run():
        try:
            summaries.append(ingest_files(inputs(folder), origin="command", sources="t"))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not waiting_for_the_loader_lock() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waiting_for_the_loader_lock()
        assert Letter.objects.count() == 0
    finally:
        with other_loader.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s::integer, 0)", [LOADER_LOCK])
        thread.join()
    assert [s.created for s in summaries] == [2]
    assert "a bulk load is running: waiting for it to finish" in caplog.text


def waiting_for_the_loader_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND classid::bigint = %s AND objid = 0",
            [LOADER_LOCK],
        )
        return cursor.fetchone()[0] == 1


def test_changes_made_by_others_during_a_bulk_load_are_counted_at_its_end(six_decisions):
    """Other writers (DWC metadata, reclassification) may change items during a bulk load,
    their triggers keeping no counts either: the rebuild at the end counts them all."""
    BulkLoad.objects.create()
    esi = six_decisions["esi"]
    DisputedItem.objects.filter(pk=esi.pk).update(outcome="overturned")
    six_decisions["pt"].letter.delete()
    finish_bulk_loads()
    assert not BulkLoad.objects.exists()
    assert_derived_rows_match_the_items()
    DisputedItem.objects.filter(pk=esi.pk).update(outcome="upheld")  # counted again, as before
    assert_derived_rows_match_the_items()


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_with_writers_of_their_own_builds_each_index_on_its_own_connection(
    tmp_path, monkeypatch
):
    """As the command runs it: batches stored on writers' connections, the indexes built at
    once on connections of their own beside the counts."""
    monkeypatch.setattr(ingest_service, "BATCH_SIZE", 3)
    folder = write_variants(tmp_path / "letters", 8, first=0)
    indexes = entry_indexes()
    call_command("ingest", str(folder), "--bulk", "--workers=1", "--writers=2", stdout=StringIO())
    assert Letter.objects.count() == 8
    assert entry_indexes() == indexes
    assert not BulkLoad.objects.exists()
    assert_derived_rows_match_the_items()
