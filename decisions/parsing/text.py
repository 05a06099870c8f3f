"""From extracted PDF text to clean lines and paragraphs.

Letters arrive as text extracted from PDFs by various tools. The published extractions put an
empty line after every visual line, mark a paragraph break with a line holding one space, and
leave runs of empty lines where a page broke (even mid-sentence); other tools give one line per
visual line and a blank line (or a line of one space) between paragraphs, CRLF line ends, form
feeds and typographic quotes and dashes. `document` reduces all of these to one form that the
rest of the parser reads: one stripped visual line per line, and exactly one empty line where a
paragraph breaks. `paragraphs` then reflows a part of that document into clean one-line
paragraphs.
"""
from __future__ import annotations

import re

_CHARACTERS = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\t\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f", " "),
        # Invisible: a soft hyphen, zero-width space or stray byte-order mark joins nothing.
        **dict.fromkeys("\u00ad\u200b\ufeff", None),
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
    }
)

# A line ending in a word hyphen continues on the next line without a space ("L5-" + "S1").
_HYPHEN_LINE_END = re.compile(r"(?<=\w-)\n")


def normalize_characters(text: str) -> str:
    """Straight quotes, ASCII hyphens and plain spaces, so values compare and search alike."""
    return text.translate(_CHARACTERS)


def document(text: str) -> str:
    """The letter as stripped visual lines, with one empty line per paragraph break.

    Which blank lines break a paragraph depends on the extraction: in double-spaced text (an
    empty line after most visual lines) only a line holding whitespace does, and runs of empty
    lines are page-break residue; in single-spaced text any blank line does. Either way a blank
    in mid-sentence (the next line carries on a hyphenated word, or a line ending in a word or
    comma is followed by one starting in lower case) is page-break residue, not a paragraph.
    """
    raw_lines = normalize_characters(text).splitlines()
    lines = [line.strip() for line in raw_lines]
    followed_by_empty = followed_by_text = 0
    for line, following in zip(lines, raw_lines[1:]):
        if line:
            if following:
                followed_by_text += 1
            else:
                followed_by_empty += 1
    double_spaced = followed_by_empty > followed_by_text

    out: list[str] = []
    in_gap = gap_has_whitespace = False
    for raw, line in zip(raw_lines, lines):
        if not line:
            in_gap = True
            gap_has_whitespace = gap_has_whitespace or bool(raw)
            continue
        if (
            in_gap
            and out
            and (gap_has_whitespace or not double_spaced)
            and not _continues(out[-1], line)
        ):
            out.append("")
        out.append(line)
        in_gap = gap_has_whitespace = False
    return "\n".join(out)


def _continues(previous: str, line: str) -> bool:
    last = previous[-1]
    if last == "-":
        return len(previous) > 1 and previous[-2].isalnum()
    return (last.isalnum() or last == ",") and line[0].islower()


def paragraphs(block: str) -> list[str]:
    """The paragraphs of a part of a `document`, each on one line with single spaces."""
    out = []
    for paragraph in block.split("\n\n"):
        joined = " ".join(_HYPHEN_LINE_END.sub("", paragraph).split())
        if joined:
            out.append(joined)
    return out


def reflow(block: str) -> str:
    """Clean paragraphs joined by a blank line: the stored form of summaries and rationales."""
    return "\n\n".join(paragraphs(block))


def one_line(block: str) -> str:
    """A part of a `document` as one line, for phrases that may run across paragraphs."""
    return " ".join(paragraphs(block))
