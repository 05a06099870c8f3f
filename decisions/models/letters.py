"""Letters, their disputed items and guideline citations: what the parser read, stored whole.

Sized for the full public record (about 2 million letters, 5 million items, 10 million
citations): what the hot filters need is copied onto the item row at ingest time (see
`DisputedItem`), so the search never joins the letter."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Left, Lower
from django.urls import reverse
from django.utils import timezone

from ..facets import Guideline
from .runs import IngestRun
from .search import FacetColumns


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"


class Party(models.TextChoices):
    CLAIMS_ADMINISTRATOR = "claims_administrator", "Claims administrator"
    REVIEWER = "reviewer", "IMR reviewer"


def original_file_path(letter: Letter, filename: str) -> str:
    """Store originals by content hash: the same letter always lands on the same path."""
    suffix = ".pdf" if letter.original_kind == Letter.Kind.PDF else ".txt"
    return f"originals/{letter.sha256[:2]}/{letter.sha256}{suffix}"


class Letter(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        TEXT = "text", "Text"

    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the original file's bytes.")
    # The same letter in other bytes (re-encoded, the PDF of a text file): decisions/fingerprint.py.
    # Null until computed for letters stored before it existed (`manage.py fingerprints --fill`).
    fingerprint = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        help_text="SHA-256 of the letter's content: case summary and items, letters and digits.",
    )
    fingerprint_copy = models.PositiveSmallIntegerField(
        default=0,
        help_text="0 for the first letter with this fingerprint; 1, 2, ... for later letters "
        "with the same content, stored before ingest recognised content or made alike by a "
        "re-parse (`manage.py fingerprints --duplicates` lists them).",
    )
    source_name = models.CharField(max_length=1000)
    original_kind = models.CharField(max_length=4, choices=Kind.choices)
    original_file = models.FileField(upload_to=original_file_path, blank=True)
    raw_text = models.TextField(
        help_text="The text as extracted, kept so the letter can be re-parsed."
    )
    layout = models.CharField(max_length=20)

    class CaseNumberSource(models.TextChoices):
        LETTER = "letter", "the letter"
        FILE_NAME = "file_name", "the file name"

    # The letter's own, else one a file named by its case gave it (decisions/case_numbers.py):
    # the DWC publishes each letter as <case number>.pdf, and most texts carry no number.
    case_number = models.CharField(max_length=32, null=True, blank=True)
    case_number_source = models.CharField(
        max_length=9, choices=CaseNumberSource.choices, null=True, blank=True
    )
    date_assigned = models.DateField(null=True, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    ur_denial_date = models.DateField(null=True, blank=True)
    application_received = models.DateField(null=True, blank=True)
    # The DWC's data for what the letter does not state (decisions/services/metadata.py); the
    # letter's own columns above keep meaning what the letter says.
    dwc_decision_date = models.DateField(null=True, blank=True)
    dwc_received_date = models.DateField(null=True, blank=True)

    # As the letter words them; beside them, the names they are grouped under (facets, the
    # specialty filter, the export): the canonical ones, else the wording
    # (decisions/specialties.py).
    reviewer_specialty = models.CharField(max_length=200, null=True, blank=True)
    reviewer_subspecialty = models.CharField(max_length=200, null=True, blank=True)
    reviewer_specialty_canonical = models.CharField(max_length=200, null=True, blank=True)
    reviewer_subspecialty_canonical = models.CharField(max_length=200, null=True, blank=True)
    reviewer_licensed_in = ArrayField(models.CharField(max_length=100), default=list, blank=True)

    patient_age = models.PositiveSmallIntegerField(null=True, blank=True)
    patient_sex = models.CharField(max_length=6, choices=Sex.choices, null=True, blank=True)
    date_of_injury = models.DateField(null=True, blank=True)

    case_summary = models.TextField()
    documents_reviewed = ArrayField(models.TextField(), null=True, blank=True)

    # What the parser did not understand, kept beside the values so that none stands unflagged
    # (decisions/parsing/CONTRACT.md, Warnings): the letter's own here, each item's on the item.
    warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="The parser's warnings about the letter: {code, field, message, quote} each.",
    )
    warning_codes = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        help_text="The codes of the letter's and its items' warnings, sorted, each once: what "
        "the admin's review queue filters by.",
    )

    ingest_run = models.ForeignKey(
        IngestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    loaded_at = models.DateTimeField(default=timezone.now)
    parsed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # A constraint rather than unique=True: the same index without the LIKE index
            # Django adds for unique text fields, which no query here uses.
            models.UniqueConstraint(fields=["sha256"], name="letter_sha256_uniq"),
            # Ingest stores every letter as copy 0, so no content is stored twice from now on,
            # also by two ingests at once (the loser's insert fails, as for sha256), while
            # copies stored before are kept, numbered. Also ingest's lookup by fingerprint.
            models.UniqueConstraint(
                fields=["fingerprint", "fingerprint_copy"], name="letter_fingerprint_uniq"
            ),
        ]
        indexes = [
            models.Index(
                fields=["case_number"],
                name="letter_case_number_idx",
                condition=models.Q(case_number__isnull=False),
            ),
            # The review queue (decisions/admin.py) at two million letters: a warning code's
            # letters from the GIN index; the letters with any warning, how many have each code
            # and how many one code, from an index-only scan of the warned letters' codes
            # alone, never the wide letter rows.
            GinIndex(fields=["warning_codes"], name="letter_warning_codes_idx"),
            models.Index(
                fields=["warning_codes"],
                name="letter_warned_idx",
                condition=~models.Q(warning_codes=[]),
            ),
        ]

    def __str__(self) -> str:
        return self.case_number or f"Letter {self.pk} ({self.source_name})"

    def get_absolute_url(self) -> str:
        return reverse("decisions:letter-detail", args=[self.pk])


def normalised_treatment(expression: models.Expression | str) -> models.Func:
    """Treatment wording for "same treatment" matching: lower case, letters and digits only.

    "Norco 10/325mg, #120" and "NORCO 10/325 mg #120" are the same request; "#90" is not.
    Applied in SQL both to the stored column and to a searched value, so the two can never
    disagree. Cut to 200 characters so a runaway treatment cannot exceed a B-tree entry.
    """
    return Left(
        models.Func(
            Lower(expression),
            models.Value("[^a-z0-9]+"),
            models.Value(""),
            models.Value("g"),
            function="regexp_replace",
        ),
        200,
    )


class DisputedItem(FacetColumns):
    """One treatment decision: the unit analysts search for.

    The reviewer, patient and date columns repeat the letter's values so that filtering,
    faceting and sorting 5 million items never needs a join; the ingest service writes both
    from the same parsed letter. Each item has a `SearchEntry`, which Postgres writes itself.
    """

    # No index of its own: item_letter_position_uniq (letter, position) serves letter lookups.
    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    position = models.PositiveSmallIntegerField(help_text="1 for the letter's first item.")
    treatment = models.TextField()
    rationale = models.TextField()
    claims_administrator_basis = models.TextField(null=True, blank=True)
    reviewer_basis = models.TextField(null=True, blank=True)
    warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="The parser's warnings about this item: {code, field, message, quote} each.",
    )

    patient_age = models.PositiveSmallIntegerField(null=True, blank=True)
    patient_sex = models.CharField(max_length=6, choices=Sex.choices, null=True, blank=True)
    date_of_injury = models.DateField(null=True, blank=True)
    # The letter's decision date, else the DWC's (Letter.dwc_decision_date): what "newest
    # first" and the date filters read.
    decision_date = models.DateField(null=True, blank=True)
    # The letter's date the IMR application was received (Letter.application_received), else
    # the DWC's (Letter.dwc_received_date): what the received_from/received_to filters read,
    # on the item row with an index like the decision date, not through a join to the letter.
    received_date = models.DateField(null=True, blank=True)
    # The DWC's category and sub-category of the request, beside the project's own taxonomy.
    dwc_category = models.CharField(max_length=200, null=True, blank=True)
    dwc_subcategory = models.CharField(max_length=200, null=True, blank=True)

    # With the category and drug class (facet columns, decisions/facets.py): what the item
    # requests, by decisions/taxonomy. Not a facet column: the generic names would multiply
    # the facet combinations, so the `drug` filter reads them here (GIN index) and, for most
    # searches, on the item's search entry (`SearchEntry.generic_names`).
    generic_names = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        help_text="The generic drugs the treatment names, lower case ('Norco': hydrocodone, "
        "acetaminophen); empty for everything but drugs.",
    )

    treatment_key = models.GeneratedField(
        expression=normalised_treatment("treatment"),
        output_field=models.CharField(max_length=200),
        db_persist=True,
    )

    class Meta:
        ordering = ["letter_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "position"], name="item_letter_position_uniq"
            ),
        ]
        indexes = [
            GinIndex(fields=["reviewer_guidelines"], name="item_reviewer_guidelines_idx"),
            GinIndex(fields=["reviewer_documents"], name="item_reviewer_documents_idx"),
            GinIndex(fields=["reviewer_pages"], name="item_reviewer_pages_idx"),
            GinIndex(fields=["generic_names"], name="item_generic_names_idx"),
            # The two date orders a result list can take, ready for LIMIT/OFFSET.
            models.Index(
                models.F("decision_date").desc(nulls_last=True),
                models.F("id").desc(),
                name="item_newest_idx",
            ),
            models.Index(
                models.F("decision_date").asc(nulls_last=True),
                models.F("id").asc(),
                name="item_oldest_idx",
            ),
            # "Same treatment" lookups, newest first, without sorting a popular drug's rows.
            models.Index(
                models.F("treatment_key"),
                models.F("decision_date").desc(nulls_last=True),
                models.F("id").desc(),
                name="item_treatment_key_idx",
            ),
            # "Same drugs" lookups, newest first (decisions/schema.py DRUG_SET). A plain Func,
            # as the migration writes it (Django compares an index expression by its class).
            models.Index(
                models.Func(models.F("generic_names"), function="decisions_drug_set"),
                models.F("decision_date").desc(nulls_last=True),
                models.F("id").desc(),
                name="item_drug_set_idx",
                condition=~models.Q(generic_names=[]),
            ),
            models.Index(fields=["reviewer_specialty_canonical"], name="item_specialty_idx"),
            models.Index(fields=["date_of_injury"], name="item_date_of_injury_idx"),
            models.Index(fields=["received_date"], name="item_received_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.treatment}: {self.get_outcome_display()}"

    def get_absolute_url(self) -> str:
        return f"{self.letter.get_absolute_url()}#item-{self.position}"

    @staticmethod
    def page_key(document: str, page: int) -> str:
        """The `reviewer_pages` entry (and `cited_page` parameter) for one page of a document."""
        return f"{document}:{page}"

    @staticmethod
    def split_page_key(key: str) -> tuple[str, int] | None:
        """(document, page) from a page key, or None when it is not one.

        Split at the last colon: a document name may hold colons, a page number cannot.
        """
        document, _, page = key.rpartition(":")
        if not document or not page.isascii() or not page.isdigit():
            return None
        return document, int(page)


class Citation(models.Model):
    """One guideline citation, from either party's basis, so citations are queried as rows."""

    # No index of its own: citation_item_party_position_uniq (item, ...) serves item lookups.
    item = models.ForeignKey(
        DisputedItem, on_delete=models.CASCADE, related_name="citations", db_index=False
    )
    party = models.CharField(max_length=20, choices=Party.choices)
    position = models.PositiveSmallIntegerField()
    guideline = models.CharField(max_length=5, choices=Guideline.choices)
    document = models.CharField(max_length=300, null=True, blank=True)
    topic = models.CharField(max_length=1000, null=True, blank=True)
    pages = ArrayField(models.PositiveIntegerField(), default=list, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["item_id", "party", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "party", "position"], name="citation_item_party_position_uniq"
            ),
        ]
        indexes = [
            models.Index(fields=["guideline", "document"], name="citation_guideline_doc_idx"),
            GinIndex(fields=["pages"], name="citation_pages_idx"),
        ]

    def __str__(self) -> str:
        return self.text
