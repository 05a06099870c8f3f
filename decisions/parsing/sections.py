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
NOTICE_QUALIFICATIONS = "Medical Qualifications of the Expert Reviewer:"
NOTICE_SUMMARY = "Case Summary:"
NOTICE_DECISIONS = "Expert Reviewer's Decision and Rationale:"


# Searched in the lower-cased document with a newline put in front, so each heading pattern
# starts with a literal newline (see `text.lowered` on why patterns start with a literal).
# Headings are read as letters word them: any case, runs of spaces, a trailing colon, "&" for
# "and", "(s)" or not, and the few words that come and go ("IMR", "FINAL", "CLINICAL").
_S = "[ ]+"
_AND = rf"{_S}(?:and|&){_S}"
_PLURAL = r"(?:\(s\)|s)?"
_STANDARD_HEADINGS = re.compile(
    # (The look-ahead turns most lines away at their first letter, before the alternatives.)
    rf"\n(?=[hdrci])(?:(?P<how>how{_S}(?:the|this){_S}(?:imr{_S})?(?:final{_S})?determination"
    rf"{_S}was{_S}made)"
    rf"|(?P<documents>(?:documents|records){_S}reviewed)"
    rf"|(?P<summary>clinical{_S}(?:case{_S})?summary|case{_S}summary)"
    rf"|(?P<items>(?:imr{_S})?issues?{_PLURAL},?{_S}(?:decisions?{_PLURAL},?{_S})?(?:and|&){_S}"
    rf"(?:decisions?|rationales?){_PLURAL}|(?:imr{_S})?issues?{_PLURAL},?{_S}decisions?{_PLURAL}"
    rf"|(?:imr{_S})?decisions?{_PLURAL}{_AND}rationales?{_PLURAL}|imr{_S}decisions?{_PLURAL}))"
    r"[ ]*:*(?=\n|$)"
)
_NOTICE_TITLE = re.compile(r"notice[ ]+of[ ]+independent[ ]+medical[ ]+review[ ]+determination")
# In the 2013 notices a heading may have its first words of text on the same line, after its
# colon.
_NOTICE_HEADINGS = re.compile(
    rf"\n(?=[mce])(?:(?P<how>medical{_S}qualifications{_S}of{_S}the{_S}expert{_S}reviewer)"
    rf"|(?P<summary>case{_S}summary)"
    rf"|(?P<items>expert{_S}reviewer(?:'?s)?{_S}decisions?{_AND}rationales?))[ ]*(?::|(?=\n|$))"
)
_STANDARD_NAMES = {"how": HOW, "documents": DOCUMENTS, "summary": SUMMARY, "items": ISSUES}
_NOTICE_NAMES = {"how": NOTICE_QUALIFICATIONS, "summary": NOTICE_SUMMARY, "items": NOTICE_DECISIONS}


@dataclass(frozen=True, slots=True)
class Sections:
    """The parts of a `text.document`, still in document form (lines, blank-line breaks)."""

    notice: bool  # the 2013 notice layout, whose items are findings plus rationale blocks
    preamble: str
    reviewer: str | None  # None when the letter has no such section (the same below)
    documents: str | None
    summary: str | None
    items: str


def split_sections(doc: str) -> Sections:
    """Cut a letter into its sections, or say why it cannot be read: no items section.

    A letter with the standard items heading is read as standard (or case-header); only a
    letter without one that carries the 2013 notice title is read as a 2013 notice. The other
    sections may be missing (the caller warns): without them the items are still certain.
    """
    if not doc.strip():
        raise ParseError("empty text: no letter to parse")
    doc = "\n" + doc
    low = lowered(doc)
    preamble, bodies = _cut(doc, low, _STANDARD_HEADINGS, _STANDARD_NAMES)
    notice = "items" not in bodies and _NOTICE_TITLE.search(low) is not None
    if notice:
        preamble, bodies = _cut(doc, low, _NOTICE_HEADINGS, _NOTICE_NAMES)
        if "items" not in bodies:
            raise ParseError(f"2013 notice has no {NOTICE_DECISIONS!r} section")
    elif "items" not in bodies:
        raise ParseError(
            f"no {ISSUES!r} section: not an IMR final determination letter or an unknown layout"
        )
    return Sections(
        notice=notice,
        preamble=preamble,
        reviewer=bodies.get("how"),
        documents=bodies.get("documents"),
        summary=bodies.get("summary"),
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
