"""The record of every load: ingest runs (the command's and the upload jobs'), the files they
failed or found already stored, and the uploads waiting for or loaded by a worker."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format


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


class BulkLoad(models.Model):
    """The mark of a bulk load (`ingest --bulk`, decisions/services/loading.py): while a row
    exists, a bulk load is running, or stopped before it finished. The search entries' GIN
    indexes may then be missing and the item triggers keep no counts (decisions/schema.py,
    COUNTING), so the search counts from the items; the load's end (or, after a crash, the
    next ingest) builds the indexes, makes the counts again and removes the row at once.
    """

    run = models.OneToOneField(
        IngestRun, null=True, on_delete=models.SET_NULL, related_name="bulk_load"
    )
    started_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Bulk load of run {self.run_id}, started {self.started_at:%Y-%m-%d %H:%M}"


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
    and upload_jobs.py). Its page follows it; the ingest run it becomes is linked once loaded.

    Of one of two kinds, loaded by the same job, queue and recovery: letters (its files, an
    ingest run) or a DWC metadata CSV (decisions/services/metadata_uploads.py; what it did is
    its `MetadataLoad`)."""

    class Kind(models.TextChoices):
        LETTERS = "letters", "Letters"
        METADATA = "metadata", "DWC metadata"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Loading"
        DONE = "done", "Done"
        STOPPED = "stopped", "Stopped"

    UNFINISHED = (State.QUEUED, State.RUNNING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LETTERS)
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
