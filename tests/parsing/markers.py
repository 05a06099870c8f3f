"""Letters with their paragraph marks damaged, and what of a parse must survive that.

The published extractions mark a paragraph break with a line holding one space; other
extractions lose some of those lines, double them, or keep no blank line at all. None of that
may change a letter's items: their treatments, outcomes and bases. Paragraph breaks inside a
rationale or the case summary may change with the marks, so rationales compare as words.
"""

from __future__ import annotations

import re
from typing import Any

LABEL = "Claims Administrator guideline:"
# Lines a heading and the empty lines between them may take in a double-spaced letter.
_HEADING_LINES = 8
_FULL_STOP = re.compile(r"\.(\s*)$")


def _is_marker(line: str) -> bool:
    """A line holding only whitespace, at least one space: a paragraph mark."""
    return line != "" and line.strip(" \r\f") == "" and " " in line


def _blank(line: str) -> bool:
    return line.strip(" \r\f") == ""


def _marker_before_item(lines: list[str], number: int) -> int | None:
    """The index of the paragraph mark above item `number`'s heading, if it has one.

    The heading is the run of lines before the item's first "Claims Administrator guideline:"
    line, below the mark that separates it from that label; the mark sought is the one above it.
    """
    labels = [n for n, line in enumerate(lines) if line.lstrip("\f").startswith(LABEL)]
    if len(labels) < number:
        return None
    n = labels[number - 1] - 1
    while n >= 0 and _blank(lines[n]):  # the mark (and empty lines) between heading and label
        n -= 1
    top = n - _HEADING_LINES
    while n > top and n >= 0 and not _is_marker(lines[n]):  # the heading and the empty lines in it
        n -= 1
    return None if n <= top or n < 0 else n


def without_marker_before_item(text: str, number: int) -> str | None:
    """The text without the paragraph mark above item `number`'s heading (None: it has none)."""
    lines = text.split("\n")
    n = _marker_before_item(lines, number)
    return None if n is None else "\n".join(lines[:n] + lines[n + 1 :])


def without_full_stop_before_item(text: str, number: int) -> str | None:
    """The text without the full stop ending the paragraph above item `number`'s heading (as
    seed 000's third rationale has none), or None where there is no such stop."""
    lines = text.split("\n")
    n = _marker_before_item(lines, number)
    if n is None:
        return None
    n -= 1
    while n >= 0 and _blank(lines[n]):
        n -= 1
    if n < 0:
        return None
    stopped = _FULL_STOP.sub(r"\1", lines[n])
    if stopped == lines[n]:
        return None
    lines[n] = stopped
    return "\n".join(lines)


def without_marker_lines(text: str) -> str:
    """Every paragraph mark turned into an empty line, as extractions that strip lines write it."""
    return "\n".join("" if _is_marker(line) else line for line in text.split("\n"))


def doubled_marker_lines(text: str) -> str:
    lines: list[str] = []
    for line in text.split("\n"):
        lines += [line, "", line] if _is_marker(line) else [line]
    return "\n".join(lines)


def without_blank_lines(text: str) -> str:
    """Visual lines only, as a PDF's text layer without paragraph marks gives them (and as
    tests/pdfs.py renders a letter into one)."""
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


def items_as_words(letter: dict[str, Any]) -> list[dict[str, Any]]:
    """A parsed letter's items (contract JSON) with the rationale's paragraph breaks as spaces
    (and without a final full stop, which `without_full_stop_before_item` takes away), and
    warnings by code and field (an expected parse knows no more of them)."""
    return [
        {
            **item,
            "rationale": " ".join(item["rationale"].split()).removesuffix("."),
            "warnings": sorted((w["code"], w["field"]) for w in item["warnings"]),
        }
        for item in letter["items"]
    ]
