"""Control characters: what no query parameter and no file name shown on a page ever needs.

They are Unicode's category Cc: the C0 controls (NUL to U+001F, tab and line breaks
included), DEL and the C1 controls (U+0080 to U+009F). PostgreSQL refuses NUL in any text
value, so a NUL that reached a query was a server error; the others are invisible on a page and
mean nothing in a search, a page number, a redirect target or a file's name.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def without_control_characters(text: str) -> str:
    """The text with its control characters removed, not replaced: as browsers remove line
    breaks from a one-line text box, and so that a value with a stray one at its end ("2\\x00",
    "upheld\\x00") reads as the value it spoiled."""
    return CONTROL_CHARACTERS.sub("", text)
