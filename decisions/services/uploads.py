"""One browser upload into the ingest service: files as they are, ZIP archives opened safely.

Every file goes through `ingest_files`, the same path as the `ingest` command, which decides
by content what a file is and refuses oversized, binary, empty and unparseable files. What only
an upload has is decided here: a ZIP is recognised by its bytes and expanded entry by entry under
a budget, and entries that must not be read (unsafe paths, links, nested archives, too much
data) are refused with a reason. Those refusals are recorded on the upload's ingest run next to
the ingest service's own failures, so the history shows every file that did not load.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile

from ..extraction import sniff_kind
from ..models import IngestFailure, IngestRun
from ..preparation import FileInput
from .ingest import FileOutcome, FileStatus, ingest_files

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


@dataclass(frozen=True)
class UploadReport:
    run: IngestRun
    outcomes: list[FileOutcome]  # one per file, in upload order, ZIP entries in archive order


def letters_upload(*, files: Sequence[UploadedFile], user: User) -> UploadReport:
    """Ingest the uploaded files as one recorded run and report on every file.

    Each letter is stored whole or not at all, and a refused file never stops the others.
    """
    uploads = [_Upload.of(file) for file in files]
    plan = _Plan()
    ingested: list[FileOutcome] = []
    summary = ingest_files(
        plan.inputs(uploads),
        origin=IngestRun.Origin.UPLOAD,
        sources="\n".join(upload.name for upload in uploads),
        user=user,
        keep_originals=True,
        on_outcome=ingested.append,
    )
    run = summary.run
    assert run is not None, "not a dry run: ingest_files recorded the run"
    _record_refusals(run, plan.refusals)
    return UploadReport(run=run, outcomes=plan.merge(ingested))


@dataclass(frozen=True)
class _Upload:
    """An uploaded file with its name and size, which Django gives every file of a request."""

    name: str
    size: int
    file: UploadedFile

    @classmethod
    def of(cls, file: UploadedFile) -> _Upload:
        if file.name is None or file.size is None:
            raise ValueError(f"{file!r} has no name or no size: not a file from a request")
        return cls(file.name, file.size, file)


class _Plan:
    """The upload's files in order, each either handed to the ingest service or refused here.

    Inputs are produced lazily, so a ZIP's entries are read one at a time as ingest asks for
    them; the slots remember where each refusal sits so the report keeps the upload's order.
    """

    def __init__(self) -> None:
        self.slots: list[FileOutcome | str] = []  # a refusal, or the name ingest will decide

    def inputs(self, uploads: Iterable[_Upload]) -> Iterator[FileInput]:
        for item in _expand(uploads):
            if isinstance(item, FileOutcome):
                self.slots.append(item)
            else:
                self.slots.append(item.name)
                yield item

    @property
    def refusals(self) -> list[FileOutcome]:
        return [slot for slot in self.slots if isinstance(slot, FileOutcome)]

    def merge(self, ingested: list[FileOutcome]) -> list[FileOutcome]:
        """Refusals and ingest outcomes in upload order (ingest reports in the order it is fed)."""
        decided = iter(ingested)
        report = []
        for slot in self.slots:
            if isinstance(slot, FileOutcome):
                report.append(slot)
                continue
            outcome = next(decided)
            assert outcome.name == slot, f"ingest reported {outcome.name!r} for {slot!r}"
            report.append(outcome)
        return report


class _ZipBudget:
    """What all the ZIP archives of one upload may expand to, together.

    Sizes are counted as bytes come out of the decompressor, never taken from the archive's
    headers, which a ZIP bomb is free to fill with small numbers.
    """

    def __init__(self, *, entries: int, total_bytes: int) -> None:
        self.entries_left = entries
        self.bytes_left = total_bytes
        self.exhausted = False


def _expand(uploads: Iterable[_Upload]) -> Iterator[FileInput | FileOutcome]:
    budget = _ZipBudget(
        entries=settings.IMR_ZIP_MAX_ENTRIES, total_bytes=settings.IMR_ZIP_MAX_TOTAL_BYTES
    )
    for upload in uploads:
        if _is_zip(upload.file):
            yield from _expand_zip(upload, budget)
        else:
            yield _file_input(upload)


def _is_zip(upload: UploadedFile) -> bool:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return sniff_kind(head) == "zip"


def _file_input(upload: _Upload) -> FileInput:
    """A file spooled to disk is passed by path, so the ingest service checks its size first
    and an oversized file is refused without being read."""
    if isinstance(upload.file, TemporaryUploadedFile):
        return FileInput(name=upload.name, path=upload.file.temporary_file_path())
    return FileInput(name=upload.name, data=upload.file.read())


def _refused(name: str, reason: str) -> FileOutcome:
    return FileOutcome(name, FileStatus.FAILED, reason=reason)


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def _expand_zip(upload: _Upload, budget: _ZipBudget) -> Iterator[FileInput | FileOutcome]:
    limit = settings.IMR_ZIP_MAX_TOTAL_BYTES
    # A ZIP's directory is read whole when it is opened; bounding the archive bounds that too.
    if upload.size > limit:
        yield _refused(
            upload.name,
            f"ZIP file is {_megabytes(upload.size)}, "
            f"over the {_megabytes(limit)} limit for ZIP files",
        )
        return
    directory = _directory_size(upload.file)
    if directory is not None and directory > budget.entries_left * DIRECTORY_BYTES_PER_ENTRY:
        yield _refused(
            upload.name,
            "the ZIP lists more files than an upload's ZIP files may hold "
            f"({settings.IMR_ZIP_MAX_ENTRIES:,} in all). Nothing in it was read",
        )
        return
    try:
        archive = zipfile.ZipFile(upload.file)
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        yield _refused(upload.name, f"not a readable ZIP archive ({exc})")
        return
    with archive:
        entries = [info for info in archive.infolist() if not _skipped(info)]
        if len(entries) > budget.entries_left:
            yield _refused(
                upload.name,
                f"the ZIP holds {len(entries):,} files; an upload's ZIP files may hold at most "
                f"{settings.IMR_ZIP_MAX_ENTRIES:,} in all. Nothing in it was read",
            )
            return
        budget.entries_left -= len(entries)
        for info in entries:
            yield _zip_entry(archive, info, f"{upload.name}/{info.filename}", budget)


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
    unsafe = _unsafe_path(info.filename)
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
    return FileInput(name=name, data=data)


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


def _record_refusals(run: IngestRun, refusals: list[FileOutcome]) -> None:
    if not refusals:
        return
    IngestFailure.objects.bulk_create(
        IngestFailure(run=run, source_name=outcome.name[:1000], reason=outcome.reason)
        for outcome in refusals
    )
    run.failed += len(refusals)
    run.save(update_fields=["failed"])
