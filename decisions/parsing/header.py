"""The labelled header of the case-header and 2013 layouts ("Case Number: CM13-0012345").

Labels stand one or two to a line, so each is searched on its own in the preamble. A label
without a readable date after it gives None: the value is kept only as the letter states it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .dates import DATE, to_date
from .text import one_line

_CASE_NUMBER = re.compile(r"\bCase Number:\s*(?P<value>[A-Z0-9][A-Z0-9-]*\b)", re.IGNORECASE)


def _dated(label: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{label}):\s*{DATE}", re.IGNORECASE)


_DATE_ASSIGNED = _dated("Date Assigned")
_DECISION_DATE = _dated("Decision Date|Dated")
_UR_DENIAL_DATE = _dated("UR Denial Date")
_APPLICATION_RECEIVED = _dated("Application Received")
_DATE_OF_INJURY = _dated("Date of Injury")


@dataclass(frozen=True, slots=True)
class Header:
    case_number: str | None
    date_assigned: date | None
    decision_date: date | None
    ur_denial_date: date | None
    application_received: date | None
    date_of_injury: date | None


def parse_header(preamble: str) -> Header:
    """The header values present in the part of the letter before its first section."""
    text = one_line(preamble)
    case_number = _CASE_NUMBER.search(text)
    return Header(
        case_number=case_number["value"] if case_number else None,
        date_assigned=_labelled_date(_DATE_ASSIGNED, text),
        decision_date=_labelled_date(_DECISION_DATE, text),
        ur_denial_date=_labelled_date(_UR_DENIAL_DATE, text),
        application_received=_labelled_date(_APPLICATION_RECEIVED, text),
        date_of_injury=_labelled_date(_DATE_OF_INJURY, text),
    )


def _labelled_date(pattern: re.Pattern[str], text: str) -> date | None:
    match = pattern.search(text)
    return to_date(match) if match else None
