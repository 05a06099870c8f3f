"""What the DWC's own data says about cases, kept beside what the letters say.

Why a table of the DWC's rows rather than values copied onto letters: the DWC's data and the
letter are two sources, and the letter is the decision. Keeping the DWC's rows as they came
lets a case's rows arrive before its letter (they apply when it is stored), lets a re-parse
apply them again, and keeps every disagreement between the two listed for an admin, never
settled in silence (decisions/services/metadata.py).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import models
from django.urls import reverse
from django.utils import timezone


class DwcCase(models.Model):
    """One case's rows of a DWC metadata file: the letter's values and, per item, the DWC's
    category, sub-category and decision, in the letter's item order."""

    case_number = models.CharField(max_length=32, unique=True)
    decision_date = models.DateField(null=True, blank=True)
    date_of_injury = models.DateField(null=True, blank=True)
    received_date = models.DateField(null=True, blank=True)
    specialty = models.CharField(max_length=200, null=True, blank=True)
    items = models.JSONField(
        default=list,
        help_text="Per item, in order: {category, subcategory, decision, line} (decision: "
        "upheld, overturned or null).",
    )
    source_name = models.CharField(max_length=1000, help_text="The file the rows came from.")
    first_line = models.PositiveIntegerField(help_text="The line of the case's first row.")
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "DWC case"

    def __str__(self) -> str:
        return self.case_number


class MetadataConflict(models.Model):
    """A value on which the DWC's data and a stored letter disagree; the letter's stands.

    One row per letter, field and item position (null for a letter's own value): applying the
    same file again updates it rather than listing the disagreement twice.
    """

    class Field(models.TextChoices):
        ITEMS = "items", "number of items"
        DECISION = "decision", "item decision"
        DATE_OF_INJURY = "date_of_injury", "date of injury"
        SPECIALTY = "specialty", "reviewer specialty"

    letter = models.ForeignKey(
        "Letter", on_delete=models.CASCADE, related_name="metadata_conflicts"
    )
    case_number = models.CharField(max_length=32)
    field = models.CharField(max_length=20, choices=Field.choices)
    position = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The item's position, for an item's value."
    )
    letter_value = models.CharField(max_length=200)
    dwc_value = models.CharField(max_length=200)
    source_name = models.CharField(max_length=1000, help_text="The DWC file that disagrees.")
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case_number", "field", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "field", "position"],
                name="metadata_conflict_uniq",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["case_number"], name="metadata_conflict_case_idx")]

    def __str__(self) -> str:
        where = f" (item {self.position})" if self.position else ""
        return (
            f"{self.case_number}: {self.get_field_display()}{where}: the letter says "
            f"{self.letter_value}, the DWC {self.dwc_value}"
        )


def kept_metadata_path(load: MetadataLoad, filename: str) -> str:
    """Kept by content hash, as letters' originals are: the same file is kept once."""
    return f"metadata/{load.sha256[:2]}/{load.sha256}.csv"


class MetadataLoad(models.Model):
    """What an uploaded DWC metadata file did, and the file itself, kept so that its job can
    run again after a crash (and the file be read again later). Counts grow batch by batch
    while the job runs (decisions/services/metadata.py), so a stopped job says how far it got.
    """

    # Its upload's id: one load per metadata upload, and the upload's page finds it by its own.
    upload = models.OneToOneField(
        "Upload", on_delete=models.CASCADE, related_name="metadata_load", primary_key=True
    )
    file = models.FileField(upload_to=kept_metadata_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(help_text="The file's size in bytes.")
    bytes_read = models.PositiveBigIntegerField(
        default=0, help_text="How far the job has read, for its progress bar."
    )
    rows = models.PositiveIntegerField(default=0, help_text="Rows read (one per item).")
    cases = models.PositiveIntegerField(default=0, help_text="Cases read.")
    letters = models.PositiveIntegerField(
        default=0, help_text="Stored letters the rows were applied to."
    )
    pending = models.PositiveIntegerField(
        default=0,
        help_text="Cases with no stored letter yet: kept, applied when the letter is stored.",
    )
    conflicts = models.PositiveIntegerField(
        default=0, help_text="Disagreements with the letters (the letters' values stand)."
    )
    skipped = models.PositiveIntegerField(
        default=0, help_text="Rows that could not be read, each listed as a bad row."
    )

    class Meta:
        verbose_name = "DWC metadata upload"

    def __str__(self) -> str:
        return f"{self.upload.sources} (upload {self.upload_id})"

    @property
    def source_name(self) -> str:
        """What the kept cases and the conflicts name as their source: the file and the upload,
        so that the admin's conflict list can show this upload's alone."""
        return str(self)

    def conflicts_url(self) -> str:
        """The admin's list of the conflicts this file's rows stand in now (a later file or
        ingest applying the same cases again takes them over)."""
        return (
            reverse("admin:decisions_metadataconflict_changelist")
            + "?"
            + urlencode({"source_name": self.source_name})
        )


class MetadataBadRow(models.Model):
    """A row of an uploaded metadata file that could not be read, and why (all of them, where
    the upload's page shows the first few)."""

    # No index of its own: metadata_badrow_load_line_idx (load, line) serves lookups.
    load = models.ForeignKey(
        MetadataLoad, on_delete=models.CASCADE, related_name="bad_rows", db_index=False
    )
    line = models.PositiveIntegerField()
    case_number = models.CharField(max_length=200, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["load", "line"]
        indexes = [models.Index(fields=["load", "line"], name="metadata_badrow_load_line_idx")]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"
