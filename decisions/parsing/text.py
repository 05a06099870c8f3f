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

_REPLACEMENTS = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    **dict.fromkeys("\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f", " "),
    # Invisible: a soft hyphen, zero-width space or stray byte-order mark joins nothing.
    **dict.fromkeys("\u00ad\u200b\ufeff", ""),
    # The one character whose lower case is two characters: without it, `str.lower()` keeps
    # every index, so the parser can search a lower-cased copy and slice the original.
    "\u0130": "I",
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
}
# A regex rather than str.translate: translate looks up every character of the text in Python,
# which costs milliseconds per letter; the regex calls back only for the few characters to replace.
_SPECIAL_CHARACTERS = re.compile("[" + re.escape("".join(_REPLACEMENTS)) + "]")

# A line ending in a word hyphen continues on the next line without a space ("L5-" + "S1"),
# except a suspended hyphen ("short-" + "and long-term").
_HYPHEN_LINE_END = re.compile(r"(?<=\w-)\n(?!(?:and|or) )")


def normalize_characters(text: str) -> str:
    """Straight quotes, ASCII hyphens and plain spaces, so values compare and search alike.

    ASCII text (most letters) is returned as is.
    """
    return text if text.isascii() else _SPECIAL_CHARACTERS.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    return _REPLACEMENTS[match.group()]


def document(text: str) -> str:
    """The letter as stripped visual lines, with one empty line per paragraph break (see
    `marked_document`)."""
    return marked_document(text)[0]


def marked_document(text: str) -> tuple[str, bool]:
    """The letter as stripped visual lines, with one empty line per paragraph break, and
    whether the breaks come from paragraph marks.

    Which blank lines break a paragraph depends on the extraction. Where lines holding only
    whitespace exist, they are the paragraph marks (the published extractions, and PDF text
    layers, write one space on an empty paragraph's line), and empty lines are double spacing
    or page-break residue. Without such marks, double-spaced text (one empty line after most
    lines) breaks a paragraph at two or more empty lines, and other text at any blank line.
    Either way a blank in mid-sentence (the next line carries on a hyphenated word, or a line
    ending in a word or comma is followed by one starting in lower case) is page-break residue.
    Breaks read from marks are the letter's own; the others may be page-break residue that
    fell between two lines of one heading, which the items' reader has to allow for.
    """
    lines: list[str] = []
    gaps: list[int] = []  # blank lines before each line
    marked: list[bool] = []  # whether one of those holds whitespace
    gap, mark = 0, False
    for raw in normalize_characters(text).splitlines():
        line = raw.strip()
        if line:
            lines.append(line)
            gaps.append(gap)
            marked.append(mark)
            gap, mark = 0, False
        else:
            gap += 1
            mark = mark or bool(raw)
    has_marks = any(marked)
    if has_marks:
        breaks = marked
    else:
        # Double spacing shows as mostly one-line gaps, its paragraph breaks as longer ones; text
        # with one line per paragraph has one-line gaps only, and each of them is a break.
        no_gap, one_line_gap = gaps.count(0), gaps.count(1)
        double_spaced = one_line_gap > no_gap and len(gaps) > no_gap + one_line_gap
        least = 2 if double_spaced else 1
        breaks = [gap >= least for gap in gaps]

    out: list[str] = []
    for line, is_break in zip(lines, breaks, strict=True):
        if is_break and out and not _continues(out[-1], line):
            out.append("")
        out.append(line)
    return "\n".join(out), has_marks


def _continues(previous: str, line: str) -> bool:
    last = previous[-1]
    if last == "-":
        return len(previous) > 1 and previous[-2].isalnum()
    return (last.isalnum() or last == ",") and line[0].islower()


def paragraphs(block: str) -> list[str]:
    """The paragraphs of a part of a `document`, each on one line with single spaces."""
    return [joined for paragraph in block.split("\n\n") if (joined := join_lines(paragraph))]


def join_lines(paragraph: str) -> str:
    """One paragraph of a `document` on one line: its line breaks become single spaces."""
    if "-\n" in paragraph:
        paragraph = _HYPHEN_LINE_END.sub("", paragraph)
    return " ".join(paragraph.split())


def reflow(block: str) -> str:
    """Clean paragraphs joined by a blank line: the stored form of summaries and rationales."""
    return "\n\n".join(repaired(paragraph) for paragraph in paragraphs(block))


# A full stop run into the next sentence by extraction ("December 31, 2013.Thus far"): right
# after a word or number, right before a capitalised word.
# (Led by the full stop, which the regex engine finds fast, as it does any leading literal.)
_RUN_TOGETHER_STOP = re.compile(r"\.(?<=[A-Za-z0-9)%]\.)(?=[A-Z][a-z])")
# Words whose full stop is no sentence's end (checked lower-cased, without the stop).
# fmt: off
_ABBREVIATIONS = frozenset([
    "dr", "drs", "mr", "mrs", "ms", "st", "mt", "ave", "vs", "no", "nos", "inc", "jr", "sr", "co",
    "corp", "ltd", "dept", "approx", "etc", "al", "fig", "vol", "ed", "eds", "p", "pp", "pg",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
])
# fmt: on
_LONGEST_WORD = 40
# Words extraction ran together across a line break, as the 2013 notices print them.
_RUN_TOGETHER_WORDS = re.compile(r"\bnot(?=medically\b)")


def lowered(text: str) -> str:
    """A lower-cased copy with the same indexes, for case-insensitive searches.

    Python's regex engine finds a pattern fast only by its leading literal, and only when
    matching case-sensitively; searching the lower-cased copy with lower-case patterns keeps
    that speed, and a match's span still slices the original text.
    """
    low = text.lower()
    assert len(low) == len(text), "normalize_characters keeps lower() index-preserving"
    return low


def one_line(block: str) -> str:
    """A part of a `document` as one line, for phrases that may run across paragraphs."""
    return " ".join(paragraphs(block))


def repaired(paragraph: str) -> str:
    """A clean paragraph with what extraction ran together taken apart where nothing else can
    be meant: a sentence's full stop and the next sentence ("2013.Thus" -> "2013. Thus",
    "6/17/2014.The" -> "6/17/2014. The"), and "notmedically". A stop is left as it is after an
    abbreviation ("Dr.Smith"), an initial ("J.Smith"), and inside a word holding another stop,
    an at sign or "://" (which are "e.g.", "U.S.", decimals, URLs and addresses).
    """
    if "notmedically" in paragraph:
        paragraph = _RUN_TOGETHER_WORDS.sub("not ", paragraph)
    if "." not in paragraph:
        return paragraph
    return _RUN_TOGETHER_STOP.sub(_sentence_break, paragraph)


def _sentence_break(stop: re.Match[str]) -> str:
    """The words on either side of a full stop are read from a window around it, so that a
    paragraph without spaces costs time in its length; a longer word is no word of a sentence."""
    text, at = stop.string, stop.start()
    start = text.rfind(" ", max(0, at - _LONGEST_WORD), at)
    end = text.find(" ", at, at + _LONGEST_WORD)
    if (start < 0 and at > _LONGEST_WORD) or (end < 0 and len(text) - at > _LONGEST_WORD):
        return "."
    word = text[start + 1 : at]
    following = text[at + 1 : end if end >= 0 else len(text)].rstrip(".,;:)")
    if len(word) < 2 or _abbreviation(word) or _address(word) or _address(following):
        return "."
    return ". "


def _abbreviation(word: str) -> bool:
    """ "Dr", "dr", "Jan": an abbreviation as written ("DR", as in "Omeprazole DR", is none)."""
    return (word.islower() or word == word.capitalize()) and word.lower() in _ABBREVIATIONS


def _address(word: str) -> bool:
    """Whether a word around a full stop is part of an abbreviation, number, URL or address."""
    return "." in word or "@" in word or "://" in word or word.lower().startswith("www")
