"""The facets: the item values the search counts by, written once.

Each facet is a search parameter, a column that items (`DisputedItem`) and the count rows
(`FacetCombination`) both have, and a list of counted values beside the results. Everything
that names the facet columns derives from `FACETS`: the model mixin `models.FacetColumns`,
`FacetCount.GIVEN_FACETS`, the SQL functions and trigger of decisions/schema.py, the rows
ingest writes (decisions/services/letters.py) and the search's filters and facet lists.

The order is the columns' order, and it is part of the stored data: `decisions_facet_key`
hashes a combination's values in this order, so reordering the list changes every
combination's key (a migration that rebuilds the count rows). The page shows the facets in
its template's order, not this one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db import models

from .taxonomy import Category, DrugClass


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    OVERTURNED = "overturned", "Overturned"


class Guideline(models.TextChoices):
    MTUS = "MTUS", "MTUS"
    ODG = "ODG", "ODG"
    ACOEM = "ACOEM", "ACOEM (non-MTUS)"
    OTHER = "OTHER", "Other"


# How the page and the forms name the taxonomy's values (decisions/taxonomy): the values are
# the enums', so a value stored, filtered and exported is always one the classifier gives.
CATEGORY_LABELS: dict[Category, str] = {
    Category.PHARMACEUTICAL: "Pharmaceutical",
    Category.INJECTION: "Injection",
    Category.IMAGING: "Imaging",
    Category.ELECTRODIAGNOSTIC: "Electrodiagnostic testing",
    Category.OTHER_DIAGNOSTIC: "Other diagnostic testing",
    Category.PHYSICAL_THERAPY: "Physical therapy",
    Category.CHIROPRACTIC: "Chiropractic",
    Category.ACUPUNCTURE: "Acupuncture",
    Category.SURGERY: "Surgery",
    Category.DME: "Durable medical equipment",
    Category.PROGRAM: "Functional restoration and other programs",
    Category.BEHAVIORAL_HEALTH: "Behavioral health",
    Category.EVALUATION_MANAGEMENT: "Consultations and visits",
    Category.HOME_HEALTH: "Home health",
    Category.OTHER: "Other",
}
DRUG_CLASS_LABELS: dict[DrugClass, str] = {
    DrugClass.OPIOID: "Opioid",
    DrugClass.NSAID: "NSAID",
    DrugClass.MUSCLE_RELAXANT: "Muscle relaxant",
    DrugClass.ANTICONVULSANT: "Anticonvulsant",
    DrugClass.ANTIDEPRESSANT: "Antidepressant",
    DrugClass.BENZODIAZEPINE: "Benzodiazepine",
    DrugClass.SEDATIVE_HYPNOTIC: "Sedative-hypnotic",
    DrugClass.TOPICAL: "Topical",
    DrugClass.GASTROINTESTINAL: "Gastrointestinal",
    DrugClass.OTHER: "Other drug",
}


# The types SQL functions take a facet column as: a string is text whatever its length (the
# table checks that), so the functions' signatures do not change with a column's size.
SQL_TYPES = {models.CharField: "text", models.BooleanField: "boolean"}


@dataclass(frozen=True)
class Facet:
    """One facet; see the module docstring."""

    name: str  # the search parameter; the facet's name in FacetCount and decisions_facet_values
    column: str  # the column of items and combinations
    field: models.Field  # its definition; `models.FacetColumns` gets a copy
    limit: int | None = None  # how many values the page shows, most frequent first; None: all
    # FacetCount also counts every other facet among the items that have one of this facet's
    # values, so a page filtered by one of them reads its counts in one index range. Worth it
    # for the facets whose values most items share: most combinations have them, so they are
    # the slowest for FacetCombination to answer. A specialty or a cited page is shared by a
    # few hundred combinations, answered in milliseconds; counting the many pages of every
    # item here would double what maintaining the counts costs an ingest.
    given: bool = False
    # PeriodCount counts the months among the items with each value of every `given` facet,
    # and of these too, so that every search filtered by one facet value reads its statistics'
    # trend from a few rows a month instead of grouping every matching search entry's date (a
    # specialty at a million letters: 142 ms against the page's 46; a cited page 71 against
    # 20; BENCHMARKS.md "Session 8"). A month row per value is cheap where a FacetCount row
    # per value and other facet's value is not.
    given_months: bool = False

    @property
    def months_given(self) -> bool:
        """PeriodCount counts the months among the items with each of its values."""
        return self.given or self.given_months

    @property
    def array(self) -> bool:
        """An item has any number of values (each counted once), not one or none."""
        return isinstance(self.field, ArrayField)

    @property
    def value_field(self) -> models.Field:
        """The field of one value: an array's element, or the field itself."""
        return self.field.base_field if isinstance(self.field, ArrayField) else self.field

    @property
    def sql_type(self) -> str:
        """The column's type as decisions/schema.py's functions take it."""
        return SQL_TYPES[type(self.value_field)] + ("[]" if self.array else "")


# Every count is kept per outcome (the overturn rates need both), so the outcome is a column of
# the count rows rather than one more facet value: decisions/schema.py treats it apart.
OUTCOME = Facet("outcome", "outcome", models.CharField(max_length=10, choices=Outcome.choices))

FACETS: tuple[Facet, ...] = (
    OUTCOME,
    # One name per specialty (decisions/specialties.py): the letter's wording stays on the
    # letter alone.
    Facet(
        "specialty",
        "reviewer_specialty_canonical",
        models.CharField(
            max_length=200,
            null=True,
            blank=True,
            help_text="The reviewer's specialty as it is grouped: its canonical name, or the "
            "letter's wording when the vocabulary does not know it.",
        ),
        limit=15,
        given_months=True,
    ),
    Facet(
        "mismatch",
        "guideline_mismatch",
        models.BooleanField(
            null=True,
            help_text="The IMR reviewer relied on a guideline family the claims administrator "
            "did not cite (null when either side cites nothing).",
        ),
        given=True,
    ),
    # The IMR reviewer's citations (the basis of the decision), copied from the Citation rows
    # at ingest: arrays let the guideline, document and page filters and facets read one row
    # per item, so a join can never count an item twice.
    Facet(
        "guideline",
        "reviewer_guidelines",
        ArrayField(
            models.CharField(max_length=5, choices=Guideline.choices), default=list, blank=True
        ),
        given=True,
    ),
    Facet(
        "document",
        "reviewer_documents",
        ArrayField(models.CharField(max_length=300), default=list, blank=True),
        limit=15,
        given=True,
    ),
    Facet(
        "cited_page",
        "reviewer_pages",
        ArrayField(
            models.CharField(max_length=320),
            default=list,
            blank=True,
            help_text='"<document>:<page>" for every page the reviewer cited (see page_key).',
        ),
        limit=10,
        given_months=True,
    ),
    # What the item requests (decisions/taxonomy), classified at ingest and by `manage.py
    # reclassify`. Combination columns because a treatment's category and class go with the
    # pages its reviewer cites: at 100,000 letters they take the combinations from 12,431 to
    # 18,567 (BENCHMARKS.md, "Treatment taxonomy"). The generic names would double them
    # (25,356, from only 57 drugs in the synthetic letters; the record names hundreds), so
    # they are an item column (`DisputedItem.generic_names`, copied onto the search entry)
    # that the `drug` filter reads.
    Facet(
        "category",
        "category",
        models.CharField(
            max_length=25,
            choices=[(value.value, label) for value, label in CATEGORY_LABELS.items()],
            default=Category.OTHER.value,
            help_text="What the item requests, as analysts group treatments "
            "(decisions/taxonomy); `other` when the taxonomy does not know it.",
        ),
        # Given: its values are shared by many items each (a third of them are drugs), so a
        # page filtered by one reads its counts in one range (`category=injection` at 100,000
        # letters: 192 ms from the combinations).
        given=True,
    ),
    Facet(
        "drug_class",
        "drug_class",
        models.CharField(
            max_length=20,
            choices=[(value.value, label) for value, label in DRUG_CLASS_LABELS.items()],
            null=True,
            blank=True,
            help_text="A pharmaceutical's drug class; null for everything else.",
        ),
        given=True,  # as the category: "every opioid request" is an analyst's first filter
    ),
)

BY_NAME: dict[str, Facet] = {facet.name: facet for facet in FACETS}
