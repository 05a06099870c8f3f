"""Turn one input file into a parsed letter, or a reason why not.

Pure Python (no Django), so the ingest service can run it in worker processes: reading,
extracting and parsing are the CPU-heavy part of ingest and need no database.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from .extraction import ExtractionError, LetterKind, extract_text, sha256_hex
from .fingerprint import content_fingerprint
from .parsing import Letter, ParseError, parse_letter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileInput:
    """A file to ingest: a path on disk (read by the worker) or bytes already in memory."""

    name: str
    path: str | None = None
    data: bytes | None = None


@dataclass(frozen=True)
class Prepared:
    name: str
    sha256: str
    fingerprint: str  # the letter's content, whatever the file (decisions/fingerprint.py)
    kind: LetterKind
    text: str
    letter: Letter
    original: bytes | None  # the file's bytes, when they are to be kept


@dataclass(frozen=True)
class Rejected:
    name: str
    reason: str


def read_input(file: FileInput, *, max_bytes: int) -> bytes:
    """Read the file, refusing an oversized one before loading it into memory."""
    if file.data is not None:
        return file.data
    assert file.path is not None
    size = os.path.getsize(file.path)
    if size > max_bytes:
        raise ExtractionError(
            f"file is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.1f} MB limit"
        )
    with open(file.path, "rb") as handle:
        return handle.read()


def prepare(file: FileInput, *, max_bytes: int, keep_original: bool) -> Prepared | Rejected:
    """Read, extract and parse one file; whatever goes wrong becomes a Rejected with a reason.

    PDFs always keep their bytes (their text is only an extraction of them); text files keep
    them when `keep_original` is set (uploads), since the stored raw text already is the file.

    An exception no check expected (a bug, or input nobody foresaw: `int()` of a 5,000-digit
    number) is still this file's failure, never the run's: logged with its traceback for
    developers, and given to users as a plain reason naming the step it happened in.
    """
    step = "reading it"
    try:
        data = read_input(file, max_bytes=max_bytes)
        step = "extracting its text"
        extracted = extract_text(data, max_bytes=max_bytes)
        step = "parsing"
        letter = parse_letter(extracted.text, file_name=file.name)
    except OSError as exc:
        return Rejected(file.name, f"cannot read file: {exc.strerror or exc}")
    except (ExtractionError, ParseError) as exc:
        return Rejected(file.name, str(exc))
    except Exception as exc:
        logger.exception("internal error while %s %s", step, file.name)
        return Rejected(
            file.name, f"could not be read: internal error while {step} ({type(exc).__name__})"
        )
    keep = keep_original or extracted.kind == "pdf"
    return Prepared(
        name=file.name,
        sha256=sha256_hex(data),
        fingerprint=content_fingerprint(letter),
        kind=extracted.kind,
        text=extracted.text,
        letter=letter,
        original=data if keep else None,
    )
