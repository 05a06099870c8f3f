"""Dates as letters write them: 7/28/2008, 5/22/02, 11-02-2012, 07.28.2008, 2008-07-28,
November 2, 2012, Nov. 2 2012, November 2nd, 2012, 2 November 2012, 02-Nov-2012, the 2nd of
November, 2012.

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

_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
DATE = (
    r"(?:(?P<num_month>\d{1,2})(?P<sep>[/.-])(?P<num_day>\d{1,2})(?P=sep)"
    r"(?P<num_year>\d{4}|\d{2})(?!\d)"
    r"|(?P<iso_year>\d{4})-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2})(?!\d)"
    rf"|(?P<month>{_MONTH})\.?[\s-]+(?P<day>\d{{1,2}}){_ORDINAL},?[\s-]+(?P<year>\d{{4}})(?!\d)"
    rf"|(?:the\s+)?(?P<dm_day>\d{{1,2}}){_ORDINAL}[\s-]+(?:of\s+)?(?P<dm_month>{_MONTH})\.?,?"
    r"[\s-]+(?P<dm_year>\d{4})(?!\d))"
)
# What a date looks like even when it is none: numbers with date separators, or a month name
# next to a number (for warning where a date phrase holds no date the parser can read).
DATE_LIKE = (
    rf"\d{{1,4}}\s*[/.-]\s*\d{{1,2}}|(?:{_MONTH})[a-z]*\.?,?[\s-]*\d"
    rf"|\d[\s-]*(?:of\s+)?(?:{_MONTH})"
)


def to_date(match: re.Match[str]) -> date | None:
    """The date a `DATE` match names; two-digit years 00-29 are 20xx, the rest 19xx."""
    if match["num_year"]:
        year, month, day = int(match["num_year"]), int(match["num_month"]), int(match["num_day"])
        if len(match["num_year"]) == 2:
            year += 2000 if year < 30 else 1900
    elif match["iso_year"]:
        year, month, day = int(match["iso_year"]), int(match["iso_month"]), int(match["iso_day"])
    elif match["month"]:
        year, day = int(match["year"]), int(match["day"])
        month = _MONTHS[match["month"][:3]]
    else:
        year, day = int(match["dm_year"]), int(match["dm_day"])
        month = _MONTHS[match["dm_month"][:3]]
    try:
        return date(year, month, day)
    except ValueError:
        return None
