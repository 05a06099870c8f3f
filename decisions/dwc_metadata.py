"""The DWC's own data about letters, read from its CSV: one row per disputed item.

Why: the published letters mostly state neither their decision date nor the date the
application was received, and the DWC's IMR search tool lists both, with its own category and
sub-category of each request. This module only reads and checks the file; what a row may
change in the database, and what it may not (never what the letter says), is the metadata
service's business (decisions/services/metadata.py).

The file has a header row naming at least the columns of `COLUMNS`, in any order; rows of a
case are together, in the letter's item order (rows match items by position). Dates are
written as the DWC writes them (MM/DD/YYYY) or ISO (YYYY-MM-DD); any cell but the case number
may be empty. A row that cannot be read (no case number, a date that is no date, a decision
word that is neither upheld nor overturned) is reported with its line number and skipped;
the rest of the file still counts.

Read as a stream, a case at a time, so a file of the whole record (about 5 million rows)
never sits in memory. Pure Python, no Django.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from .parsing.case_numbers import canonical
from .parsing.model import Outcome

COLUMNS = (
    "case_number",
    "decision_date",
    "date_of_injury",
    "received_date",
    "specialty",
    "category",
    "subcategory",
    "decision",
)
# The values every row of a case repeats (the letter's own), as against each item's.
LETTER_COLUMNS = ("decision_date", "date_of_injury", "received_date", "specialty")

_DECISIONS: dict[str, Outcome] = {
    "upheld": "upheld",
    "uphold": "upheld",
    "overturned": "overturned",
    "overturn": "overturned",
}
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class MetadataFileError(ValueError):
    """The file as a whole cannot be read (no header, a required column missing)."""


@dataclass(frozen=True)
class ItemRow:
    line: int
    category: str | None
    subcategory: str | None
    decision: Outcome | None


@dataclass(frozen=True)
class BadRow:
    line: int
    case_number: str | None
    reason: str


@dataclass
class CaseRows:
    """A case's rows: the letter's values (from its first row that states each) and its items."""

    case_number: str
    first_line: int
    decision_date: datetime.date | None = None
    date_of_injury: datetime.date | None = None
    received_date: datetime.date | None = None
    specialty: str | None = None
    items: list[ItemRow] = field(default_factory=list)


def read_metadata(lines: Iterable[str]) -> Iterator[CaseRows | BadRow]:
    """Each case of the file, in file order, and each row that cannot be read.

    Raises MetadataFileError when the header lacks a column. A case's rows that disagree on
    a letter value (two decision dates) keep the first and report the others as bad rows:
    the DWC's rows of one letter should agree, and a reader must see where they do not.
    """
    reader = csv.DictReader(lines)
    reader.fieldnames = checked_header(reader.fieldnames)
    case: CaseRows | None = None
    for row in reader:
        line = reader.line_num
        cells = {name: (value or "").strip() for name, value in row.items() if name is not None}
        read = _read_row(line, cells)
        if isinstance(read, BadRow):
            yield read
            continue
        number, letter_values, item = read
        if case is not None and case.case_number != number:
            yield case
            case = None
        if case is None:
            case = CaseRows(number, line)
        yield from _merge_letter_values(case, line, letter_values)
        case.items.append(item)
    if case is not None:
        yield case


def checked_header(names: Sequence[str] | None) -> list[str]:
    """The header row's column names as the rows are read by (any case, spaces around them
    ignored); MetadataFileError naming the required columns it lacks. The upload page checks
    a file's header with it before keeping the file, as the reading does."""
    header = [name.strip().lower() for name in names or ()]
    if not header:
        raise MetadataFileError(f"there is no header row (it needs {', '.join(COLUMNS)})")
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise MetadataFileError(
            f"the header row lacks the column(s) {', '.join(missing)}"
            f" (it needs {', '.join(COLUMNS)})"
        )
    return header


def _read_row(line: int, row: dict[str, str]) -> tuple[str, dict[str, object], ItemRow] | BadRow:
    written = row.get("case_number") or ""
    number = canonical(written) if written else None
    if number is None:
        reason = "no case number" if not written else f"{written!r} is not a DWC case number"
        return BadRow(line, written or None, reason)
    letter_values: dict[str, object] = {"specialty": row.get("specialty") or None}
    for name in ("decision_date", "date_of_injury", "received_date"):
        text = row.get(name) or ""
        date = _date(text)
        if text and date is None:
            return BadRow(line, number, f"{name} {text!r} is not a date (MM/DD/YYYY or YYYY-MM-DD)")
        letter_values[name] = date
    decision_word = row.get("decision") or ""
    decision = _DECISIONS.get(decision_word.lower()) if decision_word else None
    if decision_word and decision is None:
        return BadRow(line, number, f"decision {decision_word!r} is neither Upheld nor Overturned")
    item = ItemRow(line, row.get("category") or None, row.get("subcategory") or None, decision)
    return number, letter_values, item


def _merge_letter_values(case: CaseRows, line: int, values: dict[str, object]) -> Iterator[BadRow]:
    for name in LETTER_COLUMNS:
        value, known = values[name], getattr(case, name)
        if value is None:
            continue
        if known is None:
            setattr(case, name, value)
        elif known != value:
            yield BadRow(
                line,
                case.case_number,
                f"{name} {value} differs from {known} on the case's earlier rows (kept {known})",
            )


def _date(text: str) -> datetime.date | None:
    """MM/DD/YYYY or YYYY-MM-DD as a date; None when it is neither, or no such day. (Not
    strptime: it was 70% of reading a file.)"""
    written = _US_DATE.fullmatch(text)
    try:
        if written:
            return datetime.date(int(written[3]), int(written[1]), int(written[2]))
        return datetime.date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        return None
