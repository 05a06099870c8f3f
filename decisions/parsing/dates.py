"""Dates as letters write them: 7/28/2008, 5/22/02, 11-02-2012, November 2, 2012, Nov. 2 2012.

`DATE` is a regex fragment with named groups, to be embedded in the patterns that say which
date a phrase introduces. Like every phrase pattern of the parser it is written in lower case
and searched in a lower-cased copy of the text (see `text.lowered`). `to_date` turns its match
into a `date`, or None when the numbers are no calendar date (never a guess).
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

DATE = (
    r"(?:(?P<num_month>\d{1,2})(?P<sep>[/-])(?P<num_day>\d{1,2})(?P=sep)"
    r"(?P<num_year>\d{4}|\d{2})(?!\d)"
    r"|(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+"
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})(?!\d))"
)


def to_date(match: re.Match[str]) -> date | None:
    """The date a `DATE` match names; two-digit years 00-29 are 20xx, the rest 19xx."""
    if match["num_year"]:
        year, month, day = int(match["num_year"]), int(match["num_month"]), int(match["num_day"])
        if len(match["num_year"]) == 2:
            year += 2000 if year < 30 else 1900
    else:
        year, day = int(match["year"]), int(match["day"])
        month = _MONTHS[match["month"][:3]]
    try:
        return date(year, month, day)
    except ValueError:
        return None
