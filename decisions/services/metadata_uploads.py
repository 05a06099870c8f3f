"""A DWC metadata CSV uploaded by staff: what the request checks, and the file it keeps.

The request judges the file by its content, whatever its name, and refuses it with the reason
before anything is stored: larger than IMR_METADATA_MAX_BYTES (unread), empty, a known binary
format (a ZIP, a PDF, an image), not UTF-8 text from start to end (a byte-order mark is
allowed, as Excel's "CSV UTF-8" writes one), a NUL byte, or a header row that lacks a column
the reading needs (decisions/dwc_metadata.py names them). The check streams the file once, in
chunks, to a temporary file beside where it is kept, so a file of the whole record never sits
in memory; a file that passes is moved in place under its SHA-256 (the same file is kept once)
and an upload of the metadata kind is recorded and queued with it, in one transaction.

Reading the rows and applying them is the worker's (upload_jobs.py, through the one metadata
service, decisions/services/metadata.py): a file of 233,000 rows takes ~100 s, no request's
business. The file is kept after the job, like letters' originals, so a job that a crash cut
short runs again from it.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ..dwc_metadata import MetadataFileError, checked_header
from ..extraction import sniff_content
from ..models import MetadataLoad, Upload
from ..models.metadata import kept_metadata_path
from .upload_jobs import queue_upload

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CHUNK_BYTES = 1024 * 1024
# A header row longer than this is no header row: the file has no line break where one must be.
HEADER_MAX_CHARS = 64 * 1024
# Enough of a file's start to tell what it is (decisions/extraction.py).
SNIFF_BYTES = 65536


class MetadataRefused(ValueError):
    """Why an uploaded metadata file was refused; nothing of it was kept."""


def metadata_upload_accept(*, file: UploadedFile, user: User) -> Upload:
    """Check the file, keep it, and record and queue its upload; MetadataRefused (naming the
    file and the reason) when it cannot be applied."""
    name = file.name or "the file"
    try:
        size = _checked_size(file)
        sha256, kept = _kept_copy(file)
    except MetadataRefused as exc:
        raise MetadataRefused(f"{name}: {exc} Nothing was stored.") from exc
    with transaction.atomic():
        upload = Upload.objects.create(user=user, kind=Upload.Kind.METADATA, sources=name)
        MetadataLoad.objects.create(upload=upload, file=kept, sha256=sha256, size=size)
        queue_upload(upload)
    return upload


def _checked_size(file: UploadedFile) -> int:
    size = file.size or 0
    limit = settings.IMR_METADATA_MAX_BYTES
    if size == 0:
        raise MetadataRefused("the file is empty.")
    if size > limit:
        raise MetadataRefused(
            f"the file is {_megabytes(size)}, over the {_megabytes(limit)} limit for a "
            "metadata file. Split it (by year, say) or apply it with `manage.py "
            "apply_metadata`."
        )
    return size


def _kept_copy(file: UploadedFile) -> tuple[str, str]:
    """Check the file while copying it beside where it is kept, then move it there: its
    SHA-256 and its name under MEDIA_ROOT. Nothing stays behind when it is refused."""
    root = Path(settings.MEDIA_ROOT)
    folder = root / "metadata"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix="upload-", delete=False) as copy:
        try:
            sha256 = _checked(file, copy)
        except BaseException:
            copy.close()
            os.unlink(copy.name)
            raise
    # A temporary file is its owner's alone; kept files get the mode Django gives the files it
    # stores (FILE_UPLOAD_PERMISSIONS), so that a worker running as another user reads them.
    if settings.FILE_UPLOAD_PERMISSIONS is not None:
        os.chmod(copy.name, settings.FILE_UPLOAD_PERMISSIONS)
    load = MetadataLoad(sha256=sha256)
    kept = kept_metadata_path(load, "")
    (root / kept).parent.mkdir(parents=True, exist_ok=True)
    # Atomic; the same bytes uploaded twice at once leave one kept file, either copy.
    os.replace(copy.name, root / kept)
    return sha256, kept


def _checked(file: UploadedFile, copy: IO[bytes]) -> str:
    """Stream `file` into `copy`, checking it as it goes; its SHA-256."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    header: list[str] | None = None  # the header row's text while it is read
    offset = lines = 0  # bytes and line breaks before the chunk
    file.seek(0)
    for chunk in file.chunks(CHUNK_BYTES):
        if offset == 0:
            _check_not_binary(chunk)
        nul = chunk.find(b"\x00")
        if nul >= 0:
            line = lines + chunk.count(b"\n", 0, nul) + 1
            raise MetadataRefused(
                f"it holds a NUL byte (byte {offset + nul + 1:,}, line {line:,}): not a text file."
            )
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise _not_utf8(chunk, exc, offset, lines) from exc
        if header is not None or offset == 0:
            header = _header(header or [], text, final=False)
        digest.update(chunk)
        copy.write(chunk)
        offset += len(chunk)
        lines += chunk.count(b"\n")
    try:
        text = decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise MetadataRefused(
            "it is not UTF-8 text: it ends in the middle of a character."
        ) from exc
    if header is not None:
        _header(header, text, final=True)
    return digest.hexdigest()


def _check_not_binary(start: bytes) -> None:
    """A file of a known kind that is no UTF-8 text is named as such, rather than refused as
    text that does not decode."""
    kind, binary_format, encoding = sniff_content(start[:SNIFF_BYTES])
    if kind == "zip":
        raise MetadataRefused("it is a ZIP archive, not a CSV file: unzip it and upload the CSV.")
    if kind == "pdf":
        raise MetadataRefused("it is a PDF, not a CSV file (letters go in the form above).")
    if kind == "binary" and binary_format:
        raise MetadataRefused(f"it is a binary file ({binary_format}), not a CSV file.")
    # Other binary data is refused by the checks that follow, saying where: a NUL byte, or
    # the first byte that is not UTF-8.
    if encoding and encoding.startswith(("utf-16", "utf-32")):
        raise MetadataRefused(
            f'it is {encoding[:6].upper()} text, not UTF-8: save it as UTF-8 (Excel: "CSV UTF-8").'
        )


def _not_utf8(chunk: bytes, exc: UnicodeDecodeError, offset: int, lines: int) -> MetadataRefused:
    # The decoder reports positions in what it decoded: this chunk without a byte-order mark,
    # or after the start of a character the last chunk ended in. Either way it ends where the
    # chunk ends, which places the byte in the file exactly.
    decoded = bytes(exc.object)
    in_chunk = len(chunk) - len(decoded) + exc.start
    line = lines + chunk.count(b"\n", 0, max(in_chunk, 0)) + 1
    return MetadataRefused(
        f"it is not UTF-8 text: byte {offset + in_chunk + 1:,} (line {line:,}) is "
        f'0x{decoded[exc.start]:02X}. Save it as UTF-8 (Excel: "CSV UTF-8"), with or without a '
        "byte-order mark."
    )


def _header(read: list[str], text: str, *, final: bool) -> list[str] | None:
    """Collect the header row's text; once its line ends (or the file does), check it: None
    then, the text read so far otherwise."""
    end = text.find("\n")
    if end < 0 and not final:
        read.append(text)
        if sum(len(part) for part in read) > HEADER_MAX_CHARS:
            raise MetadataRefused(
                f"its first {HEADER_MAX_CHARS:,} characters hold no line break: not a CSV "
                "file with a header row."
            )
        return read
    line = ("".join(read) + (text if end < 0 else text[:end])).rstrip("\r")
    try:
        checked_header(next(csv.reader([line]), None))
    except MetadataFileError as exc:
        raise MetadataRefused(f"{exc}.") from exc
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:,.1f} MB"
