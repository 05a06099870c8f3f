"""Postgres keeps the search's derived rows equal to the items, whatever writes them.

Search entries, FacetCombination, FacetCount and PeriodCount are written by triggers on the
item table (decisions/schema.py). After every kind of write (ingest's COPY, ORM inserts and
updates, deletes, a re-parse) they must equal what the items say, recomputed here in Python;
two writers at once must not lose a count.
"""

from __future__ import annotations

import threading
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Case, F, TextField, Value, When

from decisions import schema
from decisions.models import (
    DisputedItem,
    FacetCombination,
    FacetCount,
    Letter,
    PeriodCount,
    SearchEntry,
)
from decisions.parsing import parse_letter
from decisions.services.letters import combinations_create
from tests.factories import make_item, make_letter
from tests.helpers import (
    FIXTURE_LETTERS,
    SEED_NAMES,
    assert_derived_rows_match_the_items,
    entry_writes_of,
    seed_text,
    stored_counts,
    stored_period_counts,
)


@pytest.mark.django_db
def test_ingest_update_delete_and_reparse_keep_them_equal(letters_dir):
    call_command("ingest", str(letters_dir), "--workers=1", stdout=StringIO())
    assert DisputedItem.objects.count() == 10
    assert_derived_rows_match_the_items()

    first, second, third = Letter.objects.order_by("pk")
    first.items.filter(position=1).update(
        reviewer_specialty_canonical="Neurology", treatment="Cervical ESI", outcome="overturned"
    )
    DisputedItem.objects.filter(letter=second).update(reviewer_pages=[], guideline_mismatch=None)
    assert_derived_rows_match_the_items()

    left = 10 - third.items.count()
    third.delete()
    first.items.order_by("position").last().delete()
    assert_derived_rows_match_the_items()

    call_command("reparse", "--all", stdout=StringIO(), stderr=StringIO())
    assert DisputedItem.objects.count() == left  # the first letter has its last item again
    assert_derived_rows_match_the_items()


@pytest.mark.django_db
def test_a_rebuild_from_the_items_writes_what_the_triggers_write(letters_dir):
    """The trigger's insert statements over the item table (how a migration that changes
    every combination's key rebuilds the derived rows, as 0004 did) give the same rows as the
    triggers wrote item by item."""
    call_command("ingest", str(letters_dir), "--workers=1", stdout=StringIO())
    unusual = make_letter(reviewer_specialty=None)
    make_item(unusual, reviewer_pages=["X:1", "X:2"], outcome="overturned")
    written, months = stored_counts(), stored_period_counts()
    items = "decisions_disputeditem"
    every_item = schema.ADDED.replace("new_items", items)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM decisions_searchentry")
        cursor.execute("DELETE FROM decisions_facetcount")
        cursor.execute("DELETE FROM decisions_facetcombination")
        cursor.execute("DELETE FROM decisions_periodcount")
        cursor.execute(schema.new_combinations(every_item))
        cursor.execute(schema.insert_entries(items))
        cursor.execute(schema.count_changes(every_item))
        cursor.execute(schema.count_periods(schema.PERIOD_ADDED.replace("new_items", items)))
    assert (stored_counts(), stored_period_counts()) == (written, months)
    assert_derived_rows_match_the_items()


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_lose_no_count():
    """Both add to the same count rows: the second waits for the first's row locks, then
    adds to the committed value, so neither increment is lost."""
    letters = [make_letter(reviewer_specialty="Neurology") for _ in range(2)]
    start = threading.Barrier(2)
    errors = []

    def write(letter: Letter) -> None:
        try:
            start.wait(timeout=10)
            with transaction.atomic():
                for _ in range(3):
                    make_item(letter, reviewer_pages=["X:46"], reviewer_guidelines=["MTUS"])
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    writers = [threading.Thread(target=write, args=(letter,)) for letter in letters]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=30)
    assert errors == []
    assert FacetCombination.objects.get(items__gt=0).items == 6
    assert FacetCount.objects.get(given_facet="", facet="outcome").items == 6
    assert_derived_rows_match_the_items()


@pytest.mark.django_db
def test_combinations_made_ahead_are_the_ones_the_items_get():
    """Ingest makes a batch's combinations before its transaction (services/letters.py): the
    very rows the trigger then counts the items in, not look-alikes left at zero."""
    pairs = [(make_letter(reviewer_specialty=None), parse_letter(seed_text(n))) for n in SEED_NAMES]
    for letter, parsed in pairs:
        letter.reviewer_specialty_canonical = parsed.reviewer.specialty
    combinations_create(pairs)
    made = set(FacetCombination.objects.values_list("pk", flat=True))
    assert made and not FacetCombination.objects.exclude(items=0).exists()

    call_command(
        "ingest", *[str(FIXTURE_LETTERS / n) for n in SEED_NAMES], "--workers=1", stdout=StringIO()
    )
    assert set(FacetCombination.objects.values_list("pk", flat=True)) == made
    assert not FacetCombination.objects.filter(items=0).exists()
    assert_derived_rows_match_the_items()


@pytest.mark.django_db
def test_an_update_rebuilds_the_entries_of_changed_words_only():
    """A new facet value or date moves an entry in place, its vectors kept; new words rebuild
    it; a column the entries do not hold leaves them alone. The rows stay equal either way."""
    # Stored before the vocabulary grouped it: grouped under its wording.
    letter = make_letter(
        reviewer_specialty="Orthopedic Surgery", reviewer_specialty_canonical="Orthopedic Surgery"
    )
    items = DisputedItem.objects.filter(pk__in=[make_item(letter).pk for _ in range(3)])
    first = items.order_by("pk").first()

    moved = entry_writes_of(
        lambda: items.update(reviewer_specialty_canonical="Orthopaedic Surgery")
    )
    assert moved == {"updated": 3}
    assert_derived_rows_match_the_items()
    assert entry_writes_of(lambda: items.update(decision_date="2015-01-02")) == {"updated": 3}
    assert entry_writes_of(lambda: items.update(patient_age=40)) == {}
    assert_derived_rows_match_the_items()

    reworded = entry_writes_of(
        lambda: items.update(
            rationale=Case(
                When(pk=first.pk, then=Value("New words.", output_field=TextField())),
                default=F("rationale"),
            ),
            outcome="overturned",
        )
    )
    assert reworded == {"inserted": 1, "deleted": 1, "updated": 2}
    assert_derived_rows_match_the_items()
    assert SearchEntry.objects.filter(search_vector="word", item=first).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("migration", "facet", "expected"),
    [
        (
            "0021_specialty_period_counts",
            "specialty",
            {("Psychiatry", date(2019, 1, 1)): 2, ("Internal Medicine", None): 1},
        ),
        (
            "0023_cited_page_period_counts",
            "cited_page",
            {("A:1", date(2019, 1, 1)): 2, ("A:2", date(2019, 1, 1)): 1, ("B:9", None): 1},
        ),
    ],
)
def test_migrations_count_the_months_of_the_values_stored_before_them(migration, facet, expected):
    """Items stored before a facet's months were counted get their month rows from the
    migration that starts counting them, as the trigger would have written them."""
    from importlib import import_module

    counts = import_module(f"decisions.migrations.{migration}").COUNTS
    letter = make_letter()
    for day, specialty, pages in [
        ("2019-01-05", "Psychiatry", ["A:1", "A:2"]),
        ("2019-01-31", "Psychiatry", ["A:1"]),
        (None, "Internal Medicine", ["B:9"]),
        ("2020-03-01", None, []),
    ]:
        make_item(
            letter, decision_date=day, reviewer_specialty_canonical=specialty, reviewer_pages=pages
        )
    PeriodCount.objects.filter(given_facet=facet).delete()
    with connection.cursor() as cursor:
        cursor.execute(counts)
    assert_derived_rows_match_the_items()
    assert {k[1:3]: n for k, n in stored_period_counts().items() if k[0] == facet} == expected


@pytest.mark.django_db
def test_a_new_date_or_outcome_moves_the_item_between_month_counts():
    """PeriodCount follows every item's month, outcome and given values: an update moves the
    item from its old month's counts to the new one's (dated, undated and back), a delete
    takes it away, and an update that keeps them all writes no count row at all."""
    letter = make_letter()
    days = ("2019-01-05", "2019-01-31", None)
    items = [make_item(letter, decision_date=day, reviewer_guidelines=["MTUS"]) for day in days]
    dated = DisputedItem.objects.filter(pk__in=[item.pk for item in items[:2]])
    undated = DisputedItem.objects.filter(pk=items[2].pk)
    assert_derived_rows_match_the_items()

    same_month = entry_writes_of(
        lambda: dated.update(decision_date="2019-01-20"), "decisions_periodcount"
    )
    assert same_month == {}
    dated.filter(pk=items[0].pk).update(decision_date="2020-03-01", outcome="overturned")
    assert_derived_rows_match_the_items()
    dated.filter(pk=items[1].pk).update(decision_date=None)
    undated.update(decision_date="2019-02-14")
    assert_derived_rows_match_the_items()
    unfiltered = {key[2:]: n for key, n in stored_period_counts().items() if key[:2] == ("", "")}
    assert unfiltered == {
        (date(2020, 3, 1), "overturned"): 1,
        (None, "upheld"): 1,
        (date(2019, 2, 1), "upheld"): 1,
    }

    # A given facet's new value moves the item between that facet's month counts, and so
    # does a new specialty (its months are counted, though FacetCount does not give it).
    undated.update(reviewer_guidelines=["ODG"])
    assert_derived_rows_match_the_items()
    undated.update(reviewer_specialty_canonical="Psychiatry")
    assert_derived_rows_match_the_items()
    assert stored_period_counts()[("specialty", "Psychiatry", date(2019, 2, 1), "upheld")] == 1
    DisputedItem.objects.filter(pk=items[0].pk).delete()
    assert_derived_rows_match_the_items()
    letter.delete()
    assert stored_period_counts() == {}
