"""Numbers read from letter text, only when they can be what they stand for.

A page, chapter or item number of dozens of digits is extraction damage, not a number; and
Python refuses to convert more than 4,300 digits to an int (ValueError), after spending time in
the square of their count. So every unbounded run of digits the parser reads goes through
`bounded`, which gives None past the significant digits such a number can have. (Dates and ages
need no such care: their patterns read two to four digits.)
"""

from __future__ import annotations

PAGE_DIGITS = 5  # a guideline page, at most 99999 (stored as a 4-byte integer)
CHAPTER_DIGITS = 3
ITEM_DIGITS = 3  # a finding or rationale block of a 2013 notice


def bounded(digits: str, most: int) -> int | None:
    """The number `digits` writes, or None when it has more than `most` significant digits."""
    significant = digits.lstrip("0")
    return int(significant or "0") if len(significant) <= most else None
