"""Reading a DWC metadata file for a command: `apply_metadata`, and `ingest --metadata`.

Both print the same report, a batch at a time as the file is applied: each row skipped with its
line and reason, each conflict with its case number, field and both values, then a summary line.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from decisions.dwc_metadata import BadRow, MetadataFileError
from decisions.services.metadata import Conflict, MetadataSummary, load_metadata


def apply_metadata_file(path: str, command: BaseCommand) -> MetadataSummary:
    """Keep and apply the file's cases, reporting on `command`'s output; CommandError when the
    file cannot be read at all (what was applied before an unreadable line stays applied)."""

    def report(_: MetadataSummary, bad_rows: list[BadRow], conflicts: list[Conflict]) -> None:
        for bad in bad_rows:
            case = f" ({bad.case_number})" if bad.case_number else ""
            command.stderr.write(f"{path}:{bad.line}: row skipped{case}: {bad.reason}")
        for conflict in conflicts:
            command.stdout.write(f"conflict {conflict.describe()}")

    try:
        with open(path, encoding="utf-8-sig", newline="") as lines:
            summary = load_metadata(lines, source_name=path, report=report)
    except OSError as exc:
        raise CommandError(f"{path}: cannot read the metadata file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{path}: not UTF-8 text at byte {exc.start}; cases before it were applied"
        ) from exc
    except MetadataFileError as exc:
        raise CommandError(f"{path}: {exc}") from exc
    command.stdout.write(command.style.SUCCESS(summary.describe()))
    return summary
