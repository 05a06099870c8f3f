"""The same letter stored once: recognised by its file's bytes or by its content.

A file's SHA-256 tells the same file; a letter's content fingerprint (decisions/fingerprint.py)
tells the same letter in other bytes: a UTF-16 copy, the PDF a text file came from. Ingest looks
a batch up by both in one query (`stored_letters`), and stores every letter as the first copy
of its content (`Letter.fingerprint_copy` 0): the unique constraint on (fingerprint, copy) then
refuses a second one, so two ingests storing the same letter in two encodings at once leave one
letter and a duplicate, exactly as two ingests of the same file do with the constraint on
sha256.

Letters stored twice before content was recognised stay: their fingerprints, computed from the
stored text by `fingerprints_fill` (`manage.py fingerprints --fill`), are numbered 1, 2, ... after
the first (by id), so the constraint holds over them and still guards every new letter, and
`duplicate_groups` lists them. A re-parse that makes a letter's content equal another's numbers
it the same way, and says so (`fingerprint_replace`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Generic, Protocol, TypeVar

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q

from ..fingerprint import content_fingerprint
from ..models import IngestDuplicate, Letter
from ..parsing import ParseError, parse_letter

# Letters parsed per transaction by `fingerprints_fill`.
FILL_BATCH_SIZE = 500
# Attempts at numbering a batch's copies: a concurrent ingest or fill storing the same content
# makes an attempt fail on the unique constraint, and the next one counts that letter too.
NUMBERING_ATTEMPTS = 3

Value = TypeVar("Value")


class Identified(Protocol):
    """A letter about to be stored: its file's SHA-256 and its content's fingerprint."""

    @property
    def sha256(self) -> str: ...

    @property
    def fingerprint(self) -> str: ...


@dataclass
class Known(Generic[Value]):
    """Values (stored letters' ids, positions in a batch) by file and by content."""

    by_file: dict[str, Value] = field(default_factory=dict)
    by_content: dict[str, Value] = field(default_factory=dict)

    def add(self, sha256: str, fingerprint: str | None, value: Value) -> None:
        """Keep the first value given for a file or a content."""
        self.by_file.setdefault(sha256, value)
        if fingerprint is not None:
            self.by_content.setdefault(fingerprint, value)

    def find(self, letter: Identified) -> tuple[Value, str] | None:
        """The value for the same file, else for the same content, and how it was recognised
        (IngestDuplicate.SAME_FILE, SAME_LETTER); None for a letter not known either way."""
        if letter.sha256 in self.by_file:
            return self.by_file[letter.sha256], IngestDuplicate.SAME_FILE
        if letter.fingerprint in self.by_content:
            return self.by_content[letter.fingerprint], IngestDuplicate.SAME_LETTER
        return None


def stored_letters(letters: Sequence[Identified]) -> Known[int]:
    """The ids of stored letters that are the same file or the same content as `letters`, in
    one query; the first copy of a content when several are stored."""
    rows = (
        Letter.objects.filter(
            Q(sha256__in={letter.sha256 for letter in letters})
            | Q(fingerprint__in={letter.fingerprint for letter in letters})
        )
        .order_by("fingerprint_copy", "id")
        .values_list("id", "sha256", "fingerprint")
    )
    known: Known[int] = Known()
    for pk, sha256, fingerprint in rows:
        known.add(sha256, fingerprint, pk)
    return known


# Gives each letter its fingerprint and the next copy number of it: after the copies stored
# (or numbered by an earlier statement), in id order among the letters given.
_NUMBERED = """
WITH given (id, fingerprint) AS (SELECT * FROM unnest(%s::bigint[], %s::text[])),
numbered AS (
    SELECT given.id, given.fingerprint,
           coalesce((SELECT max(fingerprint_copy) + 1 FROM decisions_letter AS stored
                     WHERE stored.fingerprint = given.fingerprint AND stored.id <> given.id), 0)
           + row_number() OVER (PARTITION BY given.fingerprint ORDER BY given.id) - 1 AS copy
    FROM given
)
UPDATE decisions_letter AS letter
SET fingerprint = numbered.fingerprint, fingerprint_copy = numbered.copy
FROM numbered WHERE letter.id = numbered.id
RETURNING letter.id, letter.fingerprint_copy
"""


def fingerprints_store(fingerprints: dict[int, str]) -> dict[int, int]:
    """Set letters' fingerprints, numbering each after the copies already stored; returns each
    letter's copy number (0: the first letter with its content)."""
    ids = sorted(fingerprints)
    attempt = 1
    while True:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_NUMBERED, [ids, [fingerprints[pk] for pk in ids]])
                return dict(cursor.fetchall())
        except IntegrityError:
            if attempt == NUMBERING_ATTEMPTS:
                raise
            attempt += 1


def fingerprint_replace(letter: Letter, fingerprint: str) -> tuple[int, ...]:
    """Give a re-parsed letter its new fingerprint; returns the other letters that already have
    it, by id (empty when the fingerprint did not change, or no other letter has it).

    The letter keeps its place when its content did not change. Otherwise it becomes the next
    copy of its new content: a re-parse never fails because two letters now read alike, and
    `manage.py fingerprints --duplicates` lists them. Copies of its old content keep their
    numbers; ingest's lookup reads every copy, so that content is still recognised.
    """
    if letter.fingerprint == fingerprint:
        return ()
    letter.fingerprint = fingerprint
    letter.fingerprint_copy = fingerprints_store({letter.pk: fingerprint})[letter.pk]
    return tuple(
        Letter.objects.filter(fingerprint=fingerprint)
        .exclude(pk=letter.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@dataclass
class FillSummary:
    filled: int = 0
    copies: int = 0  # letters filled whose content another letter already has
    failed: int = 0

    def describe(self) -> str:
        return (
            f"fingerprinted {self.filled}, of which {self.copies} share their content with "
            f"another letter; {self.failed} no longer parse"
        )


def fingerprints_fill(
    *,
    batch_size: int = FILL_BATCH_SIZE,
    on_failure: Callable[[int, str], None] | None = None,
) -> FillSummary:
    """Compute the fingerprints letters lack (stored before fingerprints existed) from their
    stored raw text with today's parser, the one new files are compared with; a transaction
    per batch, so it can stop at any point and be run again. A letter the parser cannot read
    any more keeps none (`on_failure` hears its id and why)."""
    summary = FillSummary()
    last = 0
    missing = Letter.objects.filter(fingerprint__isnull=True).order_by("pk")
    while batch := list(missing.filter(pk__gt=last).values_list("pk", "raw_text")[:batch_size]):
        last = batch[-1][0]
        fingerprints = {}
        for pk, raw_text in batch:
            try:
                fingerprints[pk] = content_fingerprint(parse_letter(raw_text))
            except ParseError as exc:
                summary.failed += 1
                if on_failure is not None:
                    on_failure(pk, str(exc))
        if fingerprints:
            copies = fingerprints_store(fingerprints)
            summary.filled += len(copies)
            summary.copies += sum(copy > 0 for copy in copies.values())
    return summary


@dataclass(frozen=True)
class StoredCopy:
    id: int
    copy: int
    case_number: str | None
    source_name: str


def duplicate_groups() -> Iterator[tuple[str, list[StoredCopy]]]:
    """Each fingerprint that more than one letter has, with its letters, first copy first."""
    shared = (
        Letter.objects.filter(fingerprint__isnull=False)
        .values("fingerprint")
        .annotate(letters=Count("id"))
        .filter(letters__gt=1)
        .values("fingerprint")
    )
    rows = (
        Letter.objects.filter(fingerprint__in=shared)
        .order_by("fingerprint", "fingerprint_copy", "id")
        .values_list("fingerprint", "id", "fingerprint_copy", "case_number", "source_name")
    )
    for fingerprint, letters in groupby(rows.iterator(), key=itemgetter(0)):
        yield fingerprint, [StoredCopy(*row[1:]) for row in letters]
