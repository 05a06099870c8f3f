"""The labelled header of the case-header and 2013 layouts ("Case Number: CM13-0012345").

Labels stand one or two to a line, so each is searched on its own in the preamble, under the
names letters give it ("Date of Injury:" or "DOI:", "Decision Date:" or "Date of Decision:").
A label without a date after it gives None: the value is kept only as the letter states it;
a label followed by what looks like a date the parser cannot read is also a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .dates import DATE, DATE_LIKE, to_date
from .diagnostics import warning
from .model import ParseWarning
from .text import lowered, one_line

_CASE_NUMBER = re.compile(r"case (?:number|no\.?|#) ?:\s*(?P<value>[a-z0-9][a-z0-9-]*\b)")


@dataclass(frozen=True, slots=True)
class _Label:
    """A header date: its field in the contract and the names of its label."""

    field: str
    dated: re.Pattern[str]  # a label, then its date
    label: re.Pattern[str]  # a label, then anything

    @classmethod
    def named(cls, field: str, *names: str) -> _Label:
        label = rf"(?:{'|'.join(names)}) ?:\s*"
        return cls(field, re.compile(label + DATE), re.compile(label + rf"(?:{DATE_LIKE})"))


_DATE_ASSIGNED = _Label.named("date_assigned", "date assigned", "assigned date")
_DECISION_DATE = _Label.named(
    "decision_date", "decision date", "date of decision", "dated(?<![a-z]dated)"
)
_UR_DENIAL_DATE = _Label.named(
    "ur_denial_date", "ur denial date", "date of ur denial", "utilization review denial date"
)
_APPLICATION_RECEIVED = _Label.named(
    "application_received",
    "application received(?: date)?",
    "date application received",
    "date of application",
)
_DATE_OF_INJURY = _Label.named(
    "patient.date_of_injury", "date of injury", "injury date", "doi(?<![a-z]doi)"
)


@dataclass(frozen=True, slots=True)
class Header:
    case_number: str | None
    date_assigned: date | None
    decision_date: date | None
    ur_denial_date: date | None
    application_received: date | None
    date_of_injury: date | None


_NO_HEADER = Header(None, None, None, None, None, None)


def parse_header(preamble: str) -> tuple[Header, list[ParseWarning]]:
    """The header values present in the part of the letter before its first section, and the
    warnings on labels whose date could not be read."""
    if not preamble.strip():
        return _NO_HEADER, []
    text = one_line(preamble)
    low = lowered(text)
    case_number = _CASE_NUMBER.search(low)
    warnings: list[ParseWarning] = []
    header = Header(
        case_number=text[slice(*case_number.span("value"))] if case_number else None,
        date_assigned=_labelled_date(_DATE_ASSIGNED, text, low, warnings),
        decision_date=_labelled_date(_DECISION_DATE, text, low, warnings),
        ur_denial_date=_labelled_date(_UR_DENIAL_DATE, text, low, warnings),
        application_received=_labelled_date(_APPLICATION_RECEIVED, text, low, warnings),
        date_of_injury=_labelled_date(_DATE_OF_INJURY, text, low, warnings),
    )
    return header, warnings


def _labelled_date(label: _Label, text: str, low: str, warnings: list[ParseWarning]) -> date | None:
    """The date after the first label that has one; None (and a warning when something like a
    date follows a label) when it is no calendar date or there is none."""
    match = label.dated.search(low)
    found = to_date(match) if match else None
    if found is None:
        unread = label.label.search(low)
        if unread:
            warnings.append(
                warning(
                    "date-unread",
                    label.field,
                    "a header date the parser cannot read as a calendar date",
                    text[unread.start() : unread.end() + 12],
                )
            )
    return found
