"""DWC case numbers ("CM13-0000123"): read from a file's name or a search box, written one way.

Why: the published letters mostly carry no case number in their text, but the DWC publishes
each as `<case number>.pdf`, and people look their case up by typing its number, often
without the dash or in lower case. Every case number the app stores or compares is in one
form, "CM" + the two-digit year the application was filed + "-" + seven digits, so a file
name, a typed number and a letter's header agree when they name the same case.

The parser takes a letter's case number from its text, else from its file's name, and warns
when the two name different cases (the text's stands). Pure Python, no Django: the parser and
the search use it alike.
"""

from __future__ import annotations

import re
from pathlib import PurePath, PureWindowsPath

from .diagnostics import warning
from .model import CaseNumberSource, ParseWarning

# "CM13-0000123", any case, the dash optional; seven digits and then no more digits.
_CASE_NUMBER = re.compile(r"cm(?P<year>\d{2})-?(?P<serial>\d{7})(?!\d)", re.IGNORECASE)
# What may follow a case number in a file name: the end, or a separator before a suffix
# ("CM13-0000123_redacted.pdf", "CM13-0000123 (1).pdf", "cm13-0000123-final.txt").
_NAME_END = re.compile(r"$|[\s_.(-]")


def canonical(value: str) -> str | None:
    """A case number written the one way, or None when `value` is not one (whole)."""
    match = _CASE_NUMBER.fullmatch(value.strip())
    return None if match is None else _written(match)


def in_file_name(name: str) -> str | None:
    """The case number a file's name starts with, or None.

    Only the last part of a path counts (a ZIP entry "2015/CM15-0123456.pdf" is that case; a
    folder named like a case says nothing about the files in it), and only at the start of
    the name: "copy of CM15-0123456.pdf" is someone's file, not the DWC's name for it.
    """
    base = PureWindowsPath(PurePath(name).name).name
    match = _CASE_NUMBER.match(base)
    if match is None or _NAME_END.match(base, match.end()) is None:
        return None
    return _written(match)


def _written(match: re.Match[str]) -> str:
    return f"CM{match['year']}-{match['serial']}"


def case_number_of(
    written: str | None, file_name: str | None
) -> tuple[str | None, CaseNumberSource | None, list[ParseWarning]]:
    """A letter's case number (in the one form where it is a DWC number), where it was read,
    and a warning when the file's name names another case: the letter's text stands."""
    from_name = in_file_name(file_name) if file_name else None
    if written is None:
        return from_name, ("file_name" if from_name else None), []
    number = canonical(written) or written
    if from_name is None or from_name == number:
        return number, "letter", []
    message = (
        f"the file's name gives the case number {from_name}, the letter {number}:"
        " the letter's is kept"
    )
    return (
        number,
        "letter",
        [warning("case-number-file-name", "case_number", message, file_name or "")],
    )
