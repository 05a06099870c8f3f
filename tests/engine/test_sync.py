"""The search index beside Postgres (decisions/engine) answers as the search's own SQL does,
after a build and after every kind of change the items see, each applied from the change log
the search trigger writes; the log holds exactly the changed items; a change committed during
a build is kept for the applier; one writer at a time.

The oracle is the counting code itself: the matches' counts by combination from the plan's
own conditions on the search entries, and the page from `counting.summary`
(devtools/benchmark/engine_timing.py: `postgres_answer`, and `ask_index`, the index asked
as the search asks it, decisions/search/indexed.py).
"""

from __future__ import annotations

import datetime
import threading
from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from decisions.engine import NoIndex, Order, SearchIndex, sync
from decisions.models import (
    BulkLoad,
    DisputedItem,
    FacetCombination,
    Letter,
    SearchChange,
    SearchEntry,
    SearchIndexRegistration,
)
from decisions.search.keys import Direction, PageKey
from decisions.search.planning import ENTRIES
from decisions.search.vocabulary import Sort, search_query
from decisions.services.reparse import letter_reparse
from devtools.benchmark.engine_timing import ask_index, plan_of, postgres_answer
from devtools.synthetic import generate_letter
from tests.helpers import FIXTURE_LETTERS

pytestmark = pytest.mark.django_db(transaction=True)

# What the search asks of its query's matches: a word, AND, OR, NOT, phrases (one over a stop
# word), a drug (a brand: all its generic names), the treatment scope, each order, an outcome,
# a facet filter (the page among its combinations).
QUERIES = [
    {"q": "norco"},
    {"q": "pain injection"},
    {"q": "norco or tramadol"},
    {"q": "pain -opioids"},
    {"q": '"functional restoration program"'},
    {"q": '"moderate to severe"'},
    {"drug": "norco"},
    {"q": "pain", "drug": "hydrocodone"},
    {"q": "norco", "scope": "treatment"},
    {"q": "pain", "sort": "relevance"},
    {"q": "pain", "sort": "newest"},
    {"q": "pain", "sort": "oldest"},
    {"q": "norco", "sort": "oldest"},
    {"q": "norco", "sort": "newest", "outcome": "overturned"},
    {"q": "pain", "outcome": "overturned"},
    {"q": "pain", "outcome": "upheld", "specialty": "{specialty}"},
]
# The pages compared: the first, and one that crosses relevance's two ranks for "pain".
WINDOWS = [(0, 20), (40, 25)]


def keyed_pages(index: SearchIndex, params: dict, row: int) -> tuple[list, list]:
    """The pages after and before the first page's `row`-th row, by its page key: the
    index's and Postgres'."""
    plan = plan_of(params)
    first = postgres_answer(params, (0, 20))[1]
    entry = SearchEntry.objects.get(item_id=first[min(row, len(first) - 1)])
    in_treatment = None
    if plan.sort == Sort.RELEVANCE:
        matching = SearchEntry.objects.filter(plan.treatment_match(ENTRIES), pk=entry.pk)
        in_treatment = matching.exists()
    ours, theirs = [], []
    for direction in Direction:
        page_key = PageKey(direction, entry.decision_date, entry.item_id, in_treatment)
        ours.append(ask_index(index, params, (0, 10), page_key)[1])
        theirs.append(postgres_answer(params, (0, 10), page_key)[1])
    return ours, theirs


def assert_equal_answers(index: SearchIndex, corpus: dict[str, str]) -> None:
    index.refresh()
    assert index.documents == SearchEntry.objects.count()
    for query in QUERIES:
        params = {name: value.format(**corpus) for name, value in query.items()}
        for window in WINDOWS:
            expected = postgres_answer(params, window)
            assert expected[0], params  # every query matches something
            assert ask_index(index, params, window) == expected, (params, window)
        for row in (3, 19):  # for "norco" by relevance, the last row is the other rank's
            ours, theirs = keyed_pages(index, params, row)
            assert ours == theirs, (params, row)


def logged() -> set[int]:
    return set(SearchChange.objects.values_list("item_id", flat=True))


def items_of(letters) -> set[int]:
    return set(DisputedItem.objects.filter(letter__in=letters).values_list("pk", flat=True))


def test_the_index_answers_as_postgres_after_a_build_and_each_applied_change(
    synthetic_corpus, tmp_path, settings, monkeypatch
):
    settings.IMR_SEARCH_INDEX_DIR = tmp_path / "index"
    monkeypatch.setattr(sync, "VACUUM_AFTER", 100)  # the log vacuumed after the first build
    assert not logged()  # no index kept yet: the trigger logs nothing
    built = sync.build()
    assert built.documents == SearchEntry.objects.count() and not logged()
    index = sync.open_index()
    assert_equal_answers(index, synthetic_corpus)
    with connection.cursor() as cursor:
        cursor.execute(sync.FRESH)
        assert cursor.fetchone() == (True,)

    # Inserts: more letters.
    more = tmp_path / "more"
    more.mkdir()
    for number in range(150, 165):
        (more / f"{number}.txt").write_text(generate_letter(5, number)[0], encoding="utf-8")
    before = set(DisputedItem.objects.values_list("pk", flat=True))
    applied_by_ingest: list[sync.Built | sync.Applied | None] = []
    apply_if_kept = sync.apply_if_kept

    def spy() -> sync.Built | sync.Applied | None:
        assert logged() == set(DisputedItem.objects.values_list("pk", flat=True)) - before
        applied_by_ingest.append(apply_if_kept())
        return applied_by_ingest[-1]

    monkeypatch.setattr(sync, "apply_if_kept", spy)
    call_command("ingest", str(more), "--workers=1", stdout=StringIO())
    monkeypatch.setattr(sync, "apply_if_kept", apply_if_kept)
    # The ingest applied what it logged, once it was committed.
    (applied,) = applied_by_ingest
    assert isinstance(applied, sync.Applied)
    assert (
        applied.changes
        == applied.items
        == applied.replaced
        == len(DisputedItem.objects.all()) - len(before)
    )
    assert not logged()
    with connection.cursor() as cursor:
        cursor.execute(sync.FRESH)
        assert cursor.fetchone() == (True,)
    assert index.documents == built.documents  # the reader sees the commit once refreshed
    assert_equal_answers(index, synthetic_corpus)

    # A reparse: the letters' items replaced (old ids deleted, new ones inserted).
    letters = list(Letter.objects.order_by("pk")[:5])
    old = items_of(letters)
    for letter in letters:
        letter_reparse(letter.pk)
    assert logged() == old | items_of(letters)
    sync.apply_changes()
    assert_equal_answers(index, synthetic_corpus)

    # An update that moves entries to other combinations (a specialty renamed) and one that
    # changes no entry (nothing logged).
    renamed = DisputedItem.objects.filter(
        reviewer_specialty_canonical=synthetic_corpus["specialty"]
    )
    moved = set(renamed.values_list("pk", flat=True))
    DisputedItem.objects.filter(pk__in=moved).update(reviewer_specialty_canonical="Renamed")
    assert logged() == moved
    DisputedItem.objects.filter(pk__in=moved).update(patient_age=None)
    assert logged() == moved
    # Some of norco's matches lose their date: the date orders put them last.
    norco = SearchEntry.objects.filter(
        search_vector=search_query("norco"), decision_date__isnull=False
    ).order_by("pk")
    undated = set(norco.values_list("item_id", flat=True)[:3])
    DisputedItem.objects.filter(pk__in=undated).update(decision_date=None)
    assert logged() == moved | undated
    sync.apply_changes()
    corpus = {**synthetic_corpus, "specialty": "Renamed"}
    assert_equal_answers(index, corpus)

    # Deletes.
    gone = list(Letter.objects.order_by("-pk")[:10])
    deleted = items_of(gone)
    Letter.objects.filter(pk__in=[letter.pk for letter in gone]).delete()
    assert logged() == deleted
    applied = sync.apply_changes()
    assert (applied.items, applied.replaced) == (len(deleted), 0)
    assert_equal_answers(index, corpus)

    # A second build swaps in a new folder; the reader of the old one keeps reading it.
    documents = index.documents
    rebuilt = sync.build()
    assert rebuilt.folder != built.folder and sync.current_folder() == rebuilt.folder
    assert index.documents == documents and index.counts("'pain'")
    assert_equal_answers(sync.open_index(), corpus)


def test_a_change_committed_during_a_build_is_applied_after_it(tmp_path, monkeypatch):
    """The build reads one snapshot; an item written meanwhile keeps its change row, which
    the applier then applies to the new index."""
    call_command("ingest", str(FIXTURE_LETTERS), "--workers=1", stdout=StringIO())
    item = DisputedItem.objects.order_by("-pk").first()  # given the oldest date meanwhile
    add = sync._add

    def add_while_another_writes(writer, entries, progress=None):
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
            other.execute(
                "UPDATE decisions_disputeditem SET decision_date = %s WHERE id = %s",
                [datetime.date(1999, 1, 1), item.pk],
            )
        return add(writer, entries, progress)

    monkeypatch.setattr(sync, "_add", add_while_another_writes)
    sync.build(tmp_path)
    monkeypatch.undo()
    assert logged() == {item.pk}
    index = sync.open_index(tmp_path)
    oldest = {"order": Order.OLDEST, "limit": 3}
    postgres = SearchEntry.objects.order_by(F("decision_date").asc(nulls_last=True), "item_id")
    assert index.page_ids(None, **oldest)[0] != item.pk  # the build's snapshot: before
    sync.apply_changes(tmp_path)
    index.refresh()
    assert index.page_ids(None, **oldest) == [entry.item_id for entry in postgres[:3]]
    assert index.page_ids(None, **oldest)[0] == item.pk
    assert not logged()


def test_one_writer_at_a_time_and_clear_errors(db, tmp_path, settings):
    settings.IMR_SEARCH_INDEX_DIR = tmp_path
    with pytest.raises(NoIndex):
        sync.apply_changes()
    with pytest.raises(CommandError, match=r"no search index .* search_index build"):
        call_command("search_index", "apply")
    out = StringIO()
    call_command("search_index", "status", stdout=out)
    assert "No search index" in out.getvalue()

    call_command("search_index", "build", stdout=StringIO())
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s::integer, 0)", [sync.LOCK_KEY])
        with pytest.raises(sync.IndexBusy):
            sync.apply_changes()
        with pytest.raises(CommandError, match="being written by another process"):
            call_command("search_index", "build")
        other.execute("SELECT pg_advisory_unlock(%s::integer, 0)", [sync.LOCK_KEY])
    out = StringIO()
    call_command("search_index", "apply", stdout=out)
    assert "up to date" in out.getvalue()
    call_command("search_index", "status", stdout=out)
    assert "documents: 0" in out.getvalue()
    assert FacetCombination.objects.count() == 0


def test_the_first_build_waits_for_a_writer_that_began_before_the_log(tmp_path):
    """An item written before the index was registered (so not logged) by a transaction that
    commits after: the first build waits for that writer, so its snapshot holds the item."""
    call_command("ingest", str(FIXTURE_LETTERS), "--workers=1", stdout=StringIO())
    item = DisputedItem.objects.order_by("pk").first()
    with psycopg.connect(**connection.get_connection_params()) as writer:
        writer.execute(
            "UPDATE decisions_disputeditem SET decision_date = %s WHERE id = %s",
            [datetime.date(1999, 1, 1), item.pk],
        )
        assert not logged()  # written unlogged, not committed yet
        built: list[sync.Built] = []
        build = threading.Thread(target=lambda: built.append(sync.build(tmp_path)))
        build.start()
        build.join(timeout=1)
        assert build.is_alive() and not built  # waiting for the writer
        writer.commit()
    build.join(timeout=60)
    index = sync.open_index(tmp_path)
    assert index.page_ids(None, order=Order.OLDEST, limit=1) == [item.pk]
    assert not logged()


def test_dropping_the_index_stops_the_log(tmp_path):
    call_command("ingest", str(FIXTURE_LETTERS), "--workers=1", stdout=StringIO())
    sync.build(tmp_path)
    DisputedItem.objects.update(decision_date=datetime.date(2001, 2, 3))
    assert logged() == set(DisputedItem.objects.values_list("pk", flat=True))
    assert sync.drop(tmp_path) == DisputedItem.objects.count()
    assert not logged() and not list(tmp_path.iterdir())
    with pytest.raises(NoIndex):
        sync.open_index(tmp_path)
    DisputedItem.objects.update(decision_date=None)
    assert not logged()


def test_a_load_while_another_writer_holds_the_index_leaves_its_changes_logged(
    tmp_path, settings, caplog
):
    """The ingest applies its changes when an index is kept; when another writer holds the
    index, it leaves them (said in the log) for the next apply, and the searches count in
    Postgres meanwhile (FRESH is false)."""
    settings.IMR_SEARCH_INDEX_DIR = tmp_path
    sync.build()
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s::integer, 0)", [sync.LOCK_KEY])
        call_command("ingest", str(FIXTURE_LETTERS), "--workers=1", stdout=StringIO())
        other.execute("SELECT pg_advisory_unlock(%s::integer, 0)", [sync.LOCK_KEY])
    assert logged() == set(DisputedItem.objects.values_list("pk", flat=True))
    assert "left for the next apply" in caplog.text
    with connection.cursor() as cursor:
        cursor.execute(sync.FRESH)
        assert cursor.fetchone() == (False,)
    items = DisputedItem.objects.count()
    applied = sync.apply_changes()
    assert applied.items == items
    assert not logged() and sync.open_index().documents == SearchEntry.objects.count()


def test_ensure_builds_an_index_of_this_database_and_applies_to_it(tmp_path, settings):
    """`search_index ensure` (`make run`, the benchmark): a build when no index is kept, or
    one of another database (its registration is not this one's); else an apply."""
    settings.IMR_SEARCH_INDEX_DIR = tmp_path
    call_command("ingest", str(FIXTURE_LETTERS), "--workers=1", stdout=StringIO())
    assert isinstance(sync.ensure(), sync.Built)
    DisputedItem.objects.update(decision_date=datetime.date(2001, 2, 3))
    applied = sync.ensure()
    assert isinstance(applied, sync.Applied) and applied.items == DisputedItem.objects.count()
    first = sync.current_folder()
    # As if the database were created again under its name: registered anew by the build.
    SearchIndexRegistration.objects.all().delete()
    out = StringIO()
    call_command("search_index", "ensure", stdout=out)
    assert "Built" in out.getvalue() and sync.current_folder() != first
    assert sync.registration_of(sync.current_folder()) is not None


def test_an_index_of_another_database_is_never_applied_to(tmp_path, settings):
    """Changes are applied only to an index built from their database: this database
    registered anew (as if dropped and created again under its name, or another database
    pointed at the same folder) leaves the index and the change rows as they were."""
    settings.IMR_SEARCH_INDEX_DIR = tmp_path
    call_command("ingest", str(FIXTURE_LETTERS), "--workers=1", stdout=StringIO())
    built = sync.build().folder
    documents_before = sync.open_index().documents
    SearchIndexRegistration.objects.all().delete()
    SearchIndexRegistration.objects.create()
    DisputedItem.objects.update(decision_date=datetime.date(2001, 2, 3))
    changed = logged()
    assert changed
    with pytest.raises(sync.NoIndex, match="not built from this database"):
        sync.apply_changes()
    assert sync.apply_if_kept() is None
    assert logged() == changed and sync.current_folder() == built
    assert sync.open_index().documents == documents_before
    assert isinstance(sync.ensure(), sync.Built) and not logged()


def test_a_load_larger_than_the_index_builds_it_again(tmp_path, settings):
    """More changes logged than the index holds documents (a bulk load): the ingest builds
    the index (streamed) instead of applying them (every change row in memory at once)."""
    settings.IMR_SEARCH_INDEX_DIR = tmp_path
    first = sync.build().folder  # of an empty database
    call_command("ingest", str(FIXTURE_LETTERS), "--workers=1", stdout=StringIO())
    assert sync.current_folder() != first and not logged()
    assert sync.open_index().documents == SearchEntry.objects.count() > 0


def test_a_bulk_load_leaves_the_index_equal_to_the_entries_it_made(tmp_path, settings):
    """`ingest --bulk` with an index kept: the load's end (indexes and counts made again) comes
    before the index learns of the letters, and after it the index is fresh and holds every
    entry, answering the search as Postgres does."""
    settings.IMR_SEARCH_INDEX_DIR = tmp_path
    sync.build()
    call_command("ingest", str(FIXTURE_LETTERS), "--workers=1", "--bulk", stdout=StringIO())
    assert not BulkLoad.objects.exists() and not logged()
    assert sync.open_index().documents == SearchEntry.objects.count() > 0
    for params in ({"q": "norco"}, {"q": "physical therapy"}, {"drug": "hydrocodone"}):
        assert ask_index(sync.open_index(), params) == postgres_answer(params), params
