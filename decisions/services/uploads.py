"""One browser upload: what the request decides, and the files it keeps for the worker.

The request decides what it can without parsing. A ZIP is recognised by its bytes and expanded
entry by entry under a budget; entries that must not be read (unsafe paths, links, nested
archives, too much data) and files that cannot be letters (too large, empty, neither PDF nor
text by content) are refused with a reason at once. The rest are staged under MEDIA_ROOT and
loaded by a background worker through the ingest service, the same path as the `ingest`
command (decisions/services/upload_jobs.py): parsing and storing, which a large or hostile
upload can make long, never hold a web worker. Refusals are recorded on the upload's ingest
run next to the ingest service's own failures, so the history shows every file that did not
load.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ..control_characters import without_control_characters
from ..extraction import ExtractionError, check_letter_content, sniff_kind, too_large
from ..models import Upload, UploadFile
from ..preparation import FileInput
from .ingest import FileOutcome, FileStatus
from .upload_jobs import queue_upload, remove_staging, staged_path

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Enough of a file's start for `sniff_kind` to tell a ZIP by its signature.
SNIFF_BYTES = 4096
# A ZIP's directory holds a record per entry: 46 bytes, the entry's name and extra fields. Allowing
# this much per permitted entry bounds the memory zipfile spends reading the directory, which a
# crafted archive could otherwise fill with millions of empty entries.
DIRECTORY_BYTES_PER_ENTRY = 1024

_ABSOLUTE = re.compile(r"^([/\\]|[A-Za-z]:)")
_SEPARATORS = re.compile(r"[/\\]")


def upload_accept(*, files: Sequence[UploadedFile], user: User) -> Upload:
    """Record the upload with every file, stage those that may be letters, and queue its job.

    Each file or ZIP entry becomes an `UploadFile` in upload order, a refused one with its
    reason. The upload, its files and its job are committed together; if that fails, the
    staged files are removed.
    """
    upload = Upload(user=user, sources="\n".join(_name_and_size(file)[0] for file in files))
    try:
        with transaction.atomic():
            upload.save()
            UploadFile.objects.bulk_create(_staged(upload, files))
            queue_upload(upload)
    except BaseException:
        if upload.pk is not None:
            remove_staging(upload.pk)
        raise
    return upload


def _staged(upload: Upload, files: Iterable[UploadedFile]) -> Iterator[UploadFile]:
    """The upload's files in order, each accepted one written to its staging path as it comes,
    so that one file (or ZIP entry) at a time is in memory."""
    for position, item in enumerate(_expand(files)):
        if isinstance(item, FileOutcome):
            yield UploadFile(
                upload=upload,
                position=position,
                name=item.name,
                staged=False,
                status=UploadFile.Status.FAILED,
                reason=item.reason,
            )
            continue
        path = staged_path(upload.pk, position)
        path.parent.mkdir(parents=True, exist_ok=True)
        assert item.data is not None, "a file the request read"
        path.write_bytes(item.data)
        yield UploadFile(upload=upload, position=position, name=item.name, staged=True)


class _ZipBudget:
    """What all the ZIP archives of one upload may expand to, together.

    Sizes are counted as bytes come out of the decompressor, never taken from the archive's
    headers, which a ZIP bomb is free to fill with small numbers.
    """

    def __init__(self, *, entries: int, total_bytes: int) -> None:
        self.entries_left = entries
        self.bytes_left = total_bytes
        self.exhausted = False


def _expand(files: Iterable[UploadedFile]) -> Iterator[FileInput | FileOutcome]:
    budget = _ZipBudget(
        entries=settings.IMR_ZIP_MAX_ENTRIES, total_bytes=settings.IMR_ZIP_MAX_TOTAL_BYTES
    )
    for upload in files:
        if _is_zip(upload):
            yield from _expand_zip(upload, budget)
        else:
            yield _plain_file(upload)


def _is_zip(upload: UploadedFile) -> bool:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return sniff_kind(head) == "zip"


def _name_and_size(upload: UploadedFile) -> tuple[str, int]:
    """Django gives every file of a request its name and size; one without is not from one."""
    if upload.name is None or upload.size is None:
        raise ValueError(f"{upload!r} has no name or no size: not a file from a request")
    return upload.name, upload.size


def _plain_file(upload: UploadedFile) -> FileInput | FileOutcome:
    """A file too large is refused by its size, unread; the others are read and judged."""
    name, size = _name_and_size(upload)
    limit = settings.IMR_MAX_FILE_BYTES
    if size > limit:
        return _refused(name, too_large(size, limit))
    return _letter_or_refused(name, upload.read())


def _letter_or_refused(name: str, data: bytes) -> FileInput | FileOutcome:
    """The file for the worker, or why it cannot be a letter (empty, neither PDF nor text)."""
    try:
        check_letter_content(data, max_bytes=settings.IMR_MAX_FILE_BYTES)
    except ExtractionError as exc:
        return _refused(name, str(exc))
    return FileInput(name=name, data=data)


def _refused(name: str, reason: str) -> FileOutcome:
    return FileOutcome(name, FileStatus.FAILED, reason=reason)


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def _expand_zip(upload: UploadedFile, budget: _ZipBudget) -> Iterator[FileInput | FileOutcome]:
    zip_name, size = _name_and_size(upload)
    limit = settings.IMR_ZIP_MAX_TOTAL_BYTES
    # A ZIP's directory is read whole when it is opened; bounding the archive bounds that too.
    if size > limit:
        yield _refused(
            zip_name,
            f"ZIP file is {_megabytes(size)}, over the {_megabytes(limit)} limit for ZIP files",
        )
        return
    directory = _directory_size(upload)
    if directory is not None and directory > budget.entries_left * DIRECTORY_BYTES_PER_ENTRY:
        yield _refused(
            zip_name,
            "the ZIP lists more files than an upload's ZIP files may hold "
            f"({settings.IMR_ZIP_MAX_ENTRIES:,} in all). Nothing in it was read",
        )
        return
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        yield _refused(zip_name, f"not a readable ZIP archive ({exc})")
        return
    with archive:
        entries = [info for info in archive.infolist() if not _skipped(info)]
        if len(entries) > budget.entries_left:
            yield _refused(
                zip_name,
                f"the ZIP holds {len(entries):,} files; an upload's ZIP files may hold at most "
                f"{settings.IMR_ZIP_MAX_ENTRIES:,} in all. Nothing in it was read",
            )
            return
        budget.entries_left -= len(entries)
        for info in entries:
            # Entry names are the archive maker's; Django already cleaned the upload's own name.
            # The name as written: zipfile's `filename` stops at a NUL, which hides the rest.
            name = f"{zip_name}/{without_control_characters(info.orig_filename)}"
            yield _zip_entry(archive, info, name, budget)


def _directory_size(upload: UploadedFile) -> int | None:
    """The size of the ZIP's directory as its end record states it; None without an end record.

    zipfile has no public way to learn it before reading the directory whole, so this calls the
    function ZipFile itself starts with. A false size does not help an attacker: ZipFile reads
    exactly that many bytes of directory.
    """
    # Private names, which typeshed does not declare.
    end_record = zipfile._EndRecData(upload)  # type: ignore[attr-defined]
    return None if end_record is None else end_record[zipfile._ECD_SIZE]  # type: ignore[attr-defined]


def _skipped(info: zipfile.ZipInfo) -> bool:
    """Folders, and the metadata macOS adds when it zips a folder: neither is a letter."""
    name = info.filename
    return info.is_dir() or name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1] == ".DS_Store"


def _zip_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: _ZipBudget
) -> FileInput | FileOutcome:
    """Read one entry with a running byte budget; refuse it unless it may become a letter."""
    unsafe = _unsafe_path(info.orig_filename)
    if unsafe:
        return _refused(name, f"unsafe path in the ZIP ({unsafe}): not read")
    if stat.S_ISLNK(info.external_attr >> 16):
        return _refused(name, "a symbolic link in the ZIP, not a file: not read")
    over_budget = (
        "not loaded: the upload's ZIP files expand to more than "
        f"{_megabytes(settings.IMR_ZIP_MAX_TOTAL_BYTES)} in all"
    )
    if budget.exhausted:
        return _refused(name, over_budget)
    file_limit = settings.IMR_MAX_FILE_BYTES
    allowed = min(file_limit, budget.bytes_left)
    try:
        with archive.open(info) as member:
            data = member.read(allowed + 1)
    # RuntimeError is how zipfile refuses an encrypted entry; the rest are damaged data or a
    # compression method it does not know.
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        return _refused(name, f"cannot be read from the ZIP ({exc})")
    budget.bytes_left -= len(data)
    if len(data) > file_limit:
        return _refused(name, f"expands to more than {_megabytes(file_limit)}, over the limit")
    if len(data) > allowed:
        budget.exhausted = True
        return _refused(name, over_budget)
    if sniff_kind(data[:SNIFF_BYTES]) == "zip":
        return _refused(name, "a ZIP inside the ZIP: nested archives are not opened")
    return _letter_or_refused(name, data)


def _unsafe_path(path: str) -> str | None:
    """Why an entry's path could point outside a folder it were extracted to, if it could.

    Nothing is ever extracted to disk, but such a name only comes from a crafted archive, and
    it would also become the letter's source name.
    """
    if "\x00" in path:
        return "a NUL character in the name"
    if _ABSOLUTE.match(path):
        return f"absolute path {path!r}"
    if ".." in _SEPARATORS.split(path):
        return f"'..' in {path!r}"
    return None
