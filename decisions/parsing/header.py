"""The labelled header of the case-header and 2013 layouts ("Case Number: CM13-0012345").

Labels stand one or two to a line, so each is searched on its own in the preamble. A label
without a readable date after it gives None: the value is kept only as the letter states it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .dates import DATE, to_date
from .text import lowered, one_line

_CASE_NUMBER = re.compile(r"case number:\s*(?P<value>[a-z0-9][a-z0-9-]*\b)")


def _dated(label: str) -> re.Pattern[str]:
    return re.compile(rf"{label}:\s*{DATE}")


_DATE_ASSIGNED = (_dated("date assigned"),)
_DECISION_DATE = (_dated("decision date"), _dated("dated(?<![a-z]dated)"))
_UR_DENIAL_DATE = (_dated("ur denial date"),)
_APPLICATION_RECEIVED = (_dated("application received"),)
_DATE_OF_INJURY = (_dated("date of injury"),)


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
    low = lowered(text)
    case_number = _CASE_NUMBER.search(low)
    return Header(
        case_number=text[slice(*case_number.span("value"))] if case_number else None,
        date_assigned=_labelled_date(_DATE_ASSIGNED, low),
        decision_date=_labelled_date(_DECISION_DATE, low),
        ur_denial_date=_labelled_date(_UR_DENIAL_DATE, low),
        application_received=_labelled_date(_APPLICATION_RECEIVED, low),
        date_of_injury=_labelled_date(_DATE_OF_INJURY, low),
    )


def _labelled_date(patterns: tuple[re.Pattern[str], ...], low: str) -> date | None:
    """The date after the first of the labels found (a label with no date after it gives None)."""
    for pattern in patterns:
        match = pattern.search(low)
        if match:
            return to_date(match)
    return None
