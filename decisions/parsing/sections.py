"""Which layout a letter has, and where its sections are.

Sections are found by their heading lines in the `text.document` form of the letter, so a
heading is recognised only where it stands on a line of its own (or, in the 2013 notices,
starts one); the same words inside a paragraph are text. Each section runs to the next
heading. Everything before the first heading is the preamble: the header block of the
case-header and 2013 layouts, and the numbered findings of the 2013 notices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ParseError
from .text import lowered

HOW = "HOW THE IMR FINAL DETERMINATION WAS MADE"
DOCUMENTS = "DOCUMENTS REVIEWED"
SUMMARY = "CLINICAL CASE SUMMARY"
ISSUES = "IMR ISSUES, DECISIONS AND RATIONALES"
ISSUES_ALTERNATIVE = "IMR DECISION(S) AND RATIONALE(S)"
NOTICE_TITLE = "Notice of Independent Medical Review Determination"
NOTICE_QUALIFICATIONS = "Medical Qualifications of the Expert Reviewer:"
NOTICE_SUMMARY = "Case Summary:"
NOTICE_DECISIONS = "Expert Reviewer's Decision and Rationale:"


def _words(heading: str) -> str:
    """A heading as a lower-case pattern that tolerates runs of spaces between its words."""
    return re.escape(heading.lower()).replace(r"\ ", "[ ]+")


# Searched in the lower-cased document with a newline put in front, so each heading pattern
# starts with a literal newline (see `text.lowered` on why patterns start with a literal).
_STANDARD_HEADINGS = re.compile(
    rf"\n(?:(?P<how>{_words(HOW)})|(?P<documents>{_words(DOCUMENTS)})"
    rf"|(?P<summary>{_words(SUMMARY)})"
    rf"|(?P<items>{_words(ISSUES)}|{_words(ISSUES_ALTERNATIVE)}))[ ]*:?(?=\n|$)"
)
_NOTICE_TITLE = re.compile(_words(NOTICE_TITLE))
# In the 2013 notices a heading may have its first words of text on the same line.
_NOTICE_HEADINGS = re.compile(
    rf"\n(?:(?P<how>{_words(NOTICE_QUALIFICATIONS)})|(?P<summary>{_words(NOTICE_SUMMARY)})"
    rf"|(?P<items>{_words(NOTICE_DECISIONS)}))"
)
_STANDARD_NAMES = {"how": HOW, "documents": DOCUMENTS, "summary": SUMMARY, "items": ISSUES}
_NOTICE_NAMES = {"how": NOTICE_QUALIFICATIONS, "summary": NOTICE_SUMMARY, "items": NOTICE_DECISIONS}


@dataclass(frozen=True, slots=True)
class Sections:
    """The parts of a `text.document`, still in document form (lines, blank-line breaks)."""

    notice: bool  # the 2013 notice layout, whose items are findings plus rationale blocks
    preamble: str
    reviewer: str
    documents: str | None  # None when the letter has no DOCUMENTS REVIEWED section
    summary: str
    items: str


def split_sections(doc: str) -> Sections:
    """Cut a letter into its sections, or say which section is missing.

    A letter with the standard items heading is read as standard (or case-header); only a
    letter without one that carries the 2013 notice title is read as a 2013 notice.
    """
    if not doc.strip():
        raise ParseError("empty text: no letter to parse")
    doc = "\n" + doc
    low = lowered(doc)
    preamble, bodies = _cut(doc, low, _STANDARD_HEADINGS, _STANDARD_NAMES)
    notice = "items" not in bodies and _NOTICE_TITLE.search(low) is not None
    if notice:
        preamble, bodies = _cut(doc, low, _NOTICE_HEADINGS, _NOTICE_NAMES)
        names, where = _NOTICE_NAMES, "2013 notice"
    elif "items" not in bodies:
        raise ParseError(
            f"no {ISSUES!r} section: not an IMR final determination letter or an unknown layout"
        )
    else:
        names, where = _STANDARD_NAMES, "letter"
    for name in ("how", "summary", "items"):
        if name not in bodies:
            raise ParseError(f"{where} has no {names[name]!r} section")
    return Sections(
        notice=notice,
        preamble=preamble,
        reviewer=bodies["how"],
        documents=bodies.get("documents"),
        summary=bodies["summary"],
        items=bodies["items"],
    )


def _cut(
    doc: str, low: str, headings: re.Pattern[str], names: dict[str, str]
) -> tuple[str, dict[str, str]]:
    matches = list(headings.finditer(low))
    if not matches:
        return doc, {}
    bodies: dict[str, str] = {}
    ends = [m.start() for m in matches[1:]] + [len(doc)]
    for match, end in zip(matches, ends, strict=True):
        name = match.lastgroup
        assert name is not None
        if name in bodies:
            raise ParseError(f"two {names[name]!r} sections")
        bodies[name] = doc[match.end() : end]
    return doc[: matches[0].start()], bodies
