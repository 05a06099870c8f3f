"""The rows the search reads, which Postgres derives from the items in the same transaction
(decisions/schema.py): a search entry per item (`SearchEntry`, with the full-text vector) and
item counts by facet values (`FacetCombination`, `FacetCount`) and by month of decision
(`PeriodCount`), and the facet columns items and combinations share (`FacetColumns`)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Repeat

from ..facets import FACETS, Outcome


def _with_facet_columns(model: type[models.Model]) -> type[models.Model]:
    """Give `model` a field per facet: a copy of the one decisions/facets.py defines."""
    for facet in FACETS:
        model.add_to_class(facet.column, facet.field.clone())
    return model


@_with_facet_columns
class FacetColumns(models.Model):
    """The columns the search counts by: one per facet of decisions/facets.py.

    Items have them; `FacetCombination` counts the items that share all of them. One
    definition for both keeps their names and types equal, so a filter's `Q` applies to
    either table.
    """

    # The decorator adds the fields at import; the type checker, which does not run it, reads
    # them here. tests/test_facets.py keeps these names equal to the facets' columns.
    outcome: str
    reviewer_specialty_canonical: str | None
    guideline_mismatch: bool | None
    reviewer_guidelines: list[str]
    reviewer_documents: list[str]
    reviewer_pages: list[str]
    category: str
    drug_class: str | None

    class Meta:
        abstract = True


class FacetCombination(FacetColumns):
    """How many items share one combination of facet values: a rollup Postgres maintains.

    A trigger on the item table adds and subtracts the items each insert, delete or update
    changes, in the same transaction (decisions/schema.py), so the counts are exact at every
    commit. Counting a filtered set by facet then reads a few thousand combinations instead
    of millions of items, and a search entry names its item's combination in four bytes.
    Combinations no item has any more stay, with `items` at 0.
    """

    # Tens of thousands of combinations at most; a four-byte id keeps search entries narrow.
    id = models.AutoField(primary_key=True)
    key = models.UUIDField(help_text="MD5 of the combination's values (decisions_facet_key).")
    items = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="facetcombination_key_uniq")]
        # The selective facet filters a page counts from the combinations (a specialty, a
        # cited page): the combinations that have the value, not a walk of the whole table
        # (sequential scans are off in the search, decisions/search/budget.py). At 100,000
        # letters "Orthopaedic Surgery" reads 1,079 of its 2,338 pages, MTUS p. 46 12.
        indexes = [
            models.Index(fields=["reviewer_specialty_canonical"], name="combination_specialty_idx"),
            GinIndex(fields=["reviewer_pages"], name="combination_pages_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.items} items: {self.outcome}, {self.reviewer_specialty_canonical}"


class FacetCount(models.Model):
    """How many items of an outcome have a facet value: among all items (no `given_facet`),
    or among the items that have one value of a GIVEN_FACETS facet. Maintained with
    `FacetCombination`; it answers the counts of a page with no filter, or one such facet
    filter (the outcome apart), in one index range read.

    The given facet's own values are not counted beside it: a page filtered by a value shows
    that value alone, and its counts are the given value's totals.
    """

    # Which facets, and why those: `Facet.given` in decisions/facets.py.
    GIVEN_FACETS = tuple(facet.name for facet in FACETS if facet.given)

    given_facet = models.CharField(max_length=20, blank=True)
    given_value = models.CharField(max_length=320, blank=True)
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=320)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    items = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["given_facet", "given_value", "facet", "value", "outcome"],
                name="facetcount_uniq",
            )
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value} ({self.outcome}): {self.items}"


class PeriodCount(models.Model):
    """How many items of an outcome were decided in a month (`month` its first day; null: no
    decision date): among all items (no `given_facet`), or among the items that have one
    value of a GIVEN_FACETS facet (FacetCount's and a few more, `Facet.months_given`).
    Maintained like `FacetCount`, by a trigger of its own on the item table
    (decisions/schema.py); it answers the statistics' trend of the searches with no filter or
    one such facet filter (the outcome apart) in a read of a few hundred rows instead of a
    pass over their search entries (decisions/search/statistics.py). The facet combinations
    stay without a period: a period column would multiply their number by the months'."""

    GIVEN_FACETS = tuple(facet.name for facet in FACETS if facet.months_given)

    given_facet = models.CharField(max_length=20, blank=True)
    given_value = models.CharField(max_length=320, blank=True)
    month = models.DateField(null=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    items = models.BigIntegerField()

    class Meta:
        constraints = [
            # One undated row per outcome too: the trigger's upsert finds it.
            models.UniqueConstraint(
                fields=["given_facet", "given_value", "month", "outcome"],
                name="periodcount_uniq",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.month or 'undated'} ({self.outcome}): {self.items}"


class SearchEntry(models.Model):
    """An item as the search reads it: its text vectors, decision date and facet combination.

    A table of its own because counting a query's matches by facet visits every matching
    row: an item row is 1-2 KB (texts and, before, their vector), so the 5% of items that
    mention Norco sit on a quarter of the item table's pages. An entry row is about 130
    bytes, so the same matches read 5-10 times fewer pages: the facet columns are one
    combination id, and the search vector is stored out of line (see `filler`).

    Postgres writes the entries: the trigger that maintains `FacetCombination` inserts,
    replaces and deletes them with their items (decisions/schema.py).
    """

    item = models.OneToOneField(
        "DisputedItem", primary_key=True, on_delete=models.DO_NOTHING, related_name="search"
    )
    combination = models.ForeignKey(
        FacetCombination, on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    decision_date = models.DateField(null=True)
    treatment_vector = SearchVectorField(
        help_text="The treatment's words alone: matches in the treatment rank first."
    )
    search_vector = SearchVectorField(help_text="Treatment (weight A) and rationale (weight B).")
    # The `drug` filter's column (decisions/search/parameters.py), as the item has it: a drug's
    # requests are counted from these narrow rows like a query's matches. On the item table the
    # 14,493 hydrocodone requests of 100,000 letters sat on 12,742 pages (227 of 290 ms).
    generic_names = ArrayField(
        models.CharField(max_length=100),
        null=True,
        help_text="The item's generic names; null when it has none (no array stored).",
    )
    # Postgres moves a value out of a row only when the whole row exceeds ~2 KB (a compile-time
    # threshold; the table's toast_tuple_target only applies past it). These constant 2,100
    # characters push every row over it, then compress to ~35 bytes, and the toaster moves the
    # search vector out of line: a match costs ~130 bytes of heap instead of ~1 KB.
    filler = models.TextField(db_default=Repeat(models.Value(" "), 2100), editable=False)

    class Meta:
        indexes = [
            GinIndex(fields=["search_vector"], name="entry_search_vector_idx"),
            GinIndex(fields=["generic_names"], name="entry_generic_names_idx"),
            # Result pages without a query, in either date order, with the combination in the
            # key so that a facet filter is checked in the index (index-only scans).
            models.Index(
                models.F("decision_date").desc(nulls_last=True),
                models.F("item_id").desc(),
                models.F("combination_id"),
                name="entry_newest_idx",
            ),
            models.Index(
                models.F("decision_date").asc(nulls_last=True),
                models.F("item_id").asc(),
                models.F("combination_id"),
                name="entry_oldest_idx",
            ),
            models.Index(
                models.F("combination_id"),
                models.F("decision_date").desc(nulls_last=True),
                models.F("item_id").desc(),
                name="entry_combination_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Search entry of item {self.item_id}"


class SearchChange(models.Model):
    """An item whose search entry changed (added, replaced, moved, deleted), logged by the
    trigger that changes the entry, in the same transaction (decisions/schema.py).

    The search index beside Postgres (decisions/engine) cannot join the item writer's
    transaction; it reads this log after the commit instead, rereads the logged items'
    entries and deletes the rows it applied. No row visible means the index holds every
    entry as the search's snapshot sees it. Not a foreign key: a deleted item's change is
    what tells the index to drop its document.
    """

    id = models.BigAutoField(primary_key=True)
    item_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"Search entry change {self.id} of item {self.item_id}"


class SearchIndexRegistration(models.Model):
    """One row while a search index is kept beside Postgres (decisions/engine): only then does
    the search trigger log changed items (SearchChange), so that a database without an index
    grows no log nobody reads. `search_index build` registers the index (and waits for the
    writers that may not have logged, decisions/engine/sync.py); `search_index drop` removes
    the row with the log."""

    id = models.SmallIntegerField(primary_key=True, default=1)
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_search_index")]

    def __str__(self) -> str:
        return f"Search index registered at {self.registered_at}"
