"""The parser's single failure type."""

from __future__ import annotations


class ParseError(Exception):
    """The text is not a letter the parser can read whole.

    The message names what was missing or unknown and where (section, item number and
    treatment), because it is shown as is to the person who uploaded the file and stored with
    failed ingests: it has to say what to look for in the letter.
    """


_QUOTED_LENGTH = 120


def quoted(text: str) -> str:
    """Letter text quoted in a message, cut short: a hostile file's "treatment" can be megabytes."""
    return repr(text if len(text) <= _QUOTED_LENGTH else f"{text[:_QUOTED_LENGTH]}...")
