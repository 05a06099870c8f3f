"""Letters, their disputed items and guideline citations, and the ingest runs that loaded them.

Sized for the full public record (about 2 million letters, 5 million items, 10 million
citations): what the hot filters need is copied onto the item row at ingest time (see
`DisputedItem`), and the search reads narrow rows Postgres derives from the items in the same
transaction: a search entry per item (`SearchEntry`, with the full-text vector) and item counts
by facet values (`FacetCombination`, `FacetCount`).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Left, Lower, Repeat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from .facets import FACETS, Guideline, Outcome


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"


class Party(models.TextChoices):
    CLAIMS_ADMINISTRATOR = "claims_administrator", "Claims administrator"
    REVIEWER = "reviewer", "IMR reviewer"


class IngestRun(models.Model):
    """One call of the ingest service: the `ingest` command or one upload from the browser.

    Its counts grow as batches are stored, so a run that never finishes still says what it
    stored. A run cannot always say that it stopped (killed, its machine or database lost), so
    while it runs it beats: `heartbeat_at` moves on every HEARTBEAT and with every batch, and a
    run still "running" that has not beaten for STALE_AFTER is shown as interrupted (`state`).
    """

    class Origin(models.TextChoices):
        COMMAND = "command", "ingest command"
        UPLOAD = "upload", "upload page"

    class Status(models.TextChoices):
        RUNNING = "running", "running"
        FINISHED = "finished", "finished"
        INTERRUPTED = "interrupted", "interrupted"

    HEARTBEAT = timedelta(seconds=30)
    # Four beats missed: a busy machine delays one, never four.
    STALE_AFTER = timedelta(minutes=2)

    origin = models.CharField(max_length=10, choices=Origin.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    sources = models.TextField(help_text="The paths or file names the run was given.")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=11, choices=Status.choices, default=Status.RUNNING)
    heartbeat_at = models.DateTimeField(
        default=timezone.now, help_text="When the run last showed it was alive."
    )
    created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["-started_at"], name="ingestrun_started_idx")]

    def __str__(self) -> str:
        # Local time with its zone, as every page and the admin show times (imr_site/formats).
        started = date_format(timezone.localtime(self.started_at), "DATETIME_FORMAT")
        return f"Ingest run {self.pk} ({self.get_origin_display()}, {started})"

    @property
    def state(self) -> str:
        """The status as far as anyone can tell: a run that stopped beating was interrupted."""
        if self.status == self.Status.RUNNING and (
            timezone.now() - self.heartbeat_at > self.STALE_AFTER
        ):
            return self.Status.INTERRUPTED
        return self.status

    def get_state_display(self) -> str:
        return self.Status(self.state).label


class IngestFailure(models.Model):
    """A file an ingest run could not load, and why, so admins can see it later."""

    run = models.ForeignKey(IngestRun, on_delete=models.CASCADE, related_name="failures")
    source_name = models.CharField(max_length=1000)
    reason = models.TextField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.source_name}: {self.reason}"


class IngestDuplicate(models.Model):
    """A file an ingest run found already stored, and the letter it is, so the history links it."""

    # How it was recognised, in the words ingest reports it with (command, upload, history).
    SAME_FILE = "same file as the stored letter"
    SAME_LETTER = "same letter as the stored one, in another file (another encoding or format)"

    run = models.ForeignKey(IngestRun, on_delete=models.CASCADE, related_name="duplicate_files")
    source_name = models.CharField(max_length=1000)
    letter = models.ForeignKey(
        "Letter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    same_file = models.BooleanField(
        help_text="The same bytes as the stored letter's file; otherwise the same letter in "
        "another file (another encoding, the PDF of a text file), told by its fingerprint."
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.source_name}: letter {self.letter_id}"

    @property
    def recognised(self) -> str:
        return self.SAME_FILE if self.same_file else self.SAME_LETTER


class Upload(models.Model):
    """One upload from the browser, loaded by a background worker (decisions/services/uploads.py
    and upload_jobs.py). Its page follows it; the ingest run it becomes is linked once loaded."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Loading"
        DONE = "done", "Done"
        STOPPED = "stopped", "Stopped"

    UNFINISHED = (State.QUEUED, State.RUNNING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    sources = models.TextField(help_text="The names of the uploaded files, one a line.")
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    task_id = models.CharField(
        max_length=64, blank=True, help_text="The queued job's id (django-tasks), once queued."
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Times a worker started loading it; more than one after a crash."
    )
    files_read = models.PositiveIntegerField(
        default=0, help_text="Files read so far, those refused on upload included."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why loading stopped, when it did.")
    run = models.OneToOneField(
        IngestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="upload"
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["state"],
                name="upload_unfinished_idx",
                condition=models.Q(state__in=["queued", "running"]),
            )
        ]

    def __str__(self) -> str:
        return f"Upload {self.pk} ({self.get_state_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("decisions:upload-job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state not in self.UNFINISHED


class UploadFile(models.Model):
    """A file of an upload, or an entry of one of its ZIPs, and what became of it.

    Files refused on upload (too large, not a letter by content, unsafe ZIP entries) are
    decided at once and never staged; the others wait, staged, for the worker. The statuses
    other than PENDING are the ingest service's (`FileOutcome.status`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        CREATED = "created", "Added"
        DUPLICATE = "duplicate", "Already stored"
        FAILED = "failed", "Not loaded"

    # No index of its own: uploadfile_upload_position_uniq (upload, position) serves lookups.
    upload = models.ForeignKey(
        Upload, on_delete=models.CASCADE, related_name="files", db_index=False
    )
    position = models.PositiveIntegerField(help_text="0 for the upload's first file.")
    name = models.TextField(help_text="As uploaded; a ZIP entry's is the ZIP's name/its path.")
    staged = models.BooleanField(help_text="Its bytes went to the worker (not refused on upload).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    letter = models.ForeignKey(
        "Letter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["upload_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["upload", "position"], name="uploadfile_upload_position_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_status_display()}"


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

    case_number = models.CharField(max_length=32, null=True, blank=True)
    date_assigned = models.DateField(null=True, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    ur_denial_date = models.DateField(null=True, blank=True)
    application_received = models.DateField(null=True, blank=True)

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

    class Meta:
        abstract = True


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
    decision_date = models.DateField(null=True, blank=True)

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
            models.Index(fields=["reviewer_specialty_canonical"], name="item_specialty_idx"),
            models.Index(fields=["date_of_injury"], name="item_date_of_injury_idx"),
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


class PhraseNgrams(models.Func):
    """A search vector's n-grams: its two and three words at consecutive positions, each one
    lexeme ("function restor program"), so a phrase is looked up like a word
    (decisions/search/phrases.py; the SQL function is decisions/schema.py's). Queries must spell
    it exactly like the index does: `SearchEntry`'s index is this function over the column, as
    a plain `Func`."""

    function = "decisions_phrase_ngrams"
    output_field = SearchVectorField()


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
        DisputedItem, primary_key=True, on_delete=models.DO_NOTHING, related_name="search"
    )
    combination = models.ForeignKey(
        FacetCombination, on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    decision_date = models.DateField(null=True)
    treatment_vector = SearchVectorField(
        help_text="The treatment's words alone: matches in the treatment rank first."
    )
    search_vector = SearchVectorField(help_text="Treatment (weight A) and rationale (weight B).")
    # Postgres moves a value out of a row only when the whole row exceeds ~2 KB (a compile-time
    # threshold; the table's toast_tuple_target only applies past it). These constant 2,100
    # characters push every row over it, then compress to ~35 bytes, and the toaster moves the
    # search vector out of line: a match costs ~130 bytes of heap instead of ~1 KB.
    filler = models.TextField(db_default=Repeat(models.Value(" "), 2100), editable=False)

    class Meta:
        indexes = [
            GinIndex(fields=["search_vector"], name="entry_search_vector_idx"),
            # A plain Func, not PhraseNgrams: it is how migration 0005 writes the index without
            # importing the models, and Django compares an index expression by its class.
            GinIndex(
                models.Func(
                    models.F("search_vector"),
                    function=PhraseNgrams.function,
                    output_field=SearchVectorField(),
                ),
                name="entry_phrase_ngrams_idx",
            ),
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
