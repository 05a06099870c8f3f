"""The same letter stored once: recognised by its file's bytes or by its content.

A file's SHA-256 tells the same file; a letter's content fingerprint (decisions/fingerprint.py)
tells the same letter in other bytes: a UTF-16 copy, the PDF a text file came from. Ingest looks
a batch up by both in one query (`stored_letters`), and stores every letter as the first copy
of its content (`Letter.fingerprint_copy` 0): the unique constraint on (fingerprint, copy) then
refuses a second one, so two ingests storing the same letter in two encodings at once leave one
letter and a duplicate, exactly as two ingests of the same file do with the constraint on
sha256.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from django.db.models import Q

from ..models import IngestDuplicate, Letter

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
