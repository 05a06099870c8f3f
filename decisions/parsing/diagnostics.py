"""The warning codes, and the small types that carry a warning to where its field is known.

A letter whose items and outcomes are certain is kept even where some of its text was not
understood, and what was not understood is said beside the value it concerns (CONTRACT.md,
Warnings). The codes are a public, stable vocabulary: the database stores them, admins filter
by them, and a parser improvement is measured by the warnings it clears, so a code is never
renamed or reused for another meaning; new codes may be added.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import ParseWarning

# code -> what it means (CONTRACT.md lists the same, with the fields each concerns).
CODES = {
    "section-missing": "a section the letter should have is not there; its values are null",
    "text-outside-sections": "text that belongs to no section the parser knows",
    "specialty-not-found": "the credentials name no specialty the parser can read",
    "specialty-unknown": "a specialty not in the vocabulary: kept as written, canonical null",
    "licensure-not-found": "the credentials name no state of licensure the parser can read",
    "licensure-unknown": "a state of licensure that is no state the parser knows",
    "age-unread": "a phrase that looks like the patient's age but gave none",
    "sex-unread": "the patient's description names a sex the parser did not tie to the patient",
    "date-unread": "a phrase that introduces a date, followed by no date the parser can read",
    "outcome-loose": "an item's outcome word recognised only loosely",
    "heading-uncertain": "the line above an item's heading may be the heading's first line",
    "basis-unread": "words of a basis paragraph in no citation and no known boilerplate",
    "citation-unrecognised": "a citation whose source the parser does not know",
    "citation-mixed": "one citation naming sources of two guideline families",
    "pages-unread": "a page reference whose numbers could not be read",
    "case-number-file-name": "the file's name gives another case number than the letter's text",
}

_QUOTE_LENGTH = 200


def quote(text: str) -> str:
    """Letter words for a warning: on one line, cut to a readable length."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _QUOTE_LENGTH else f"{flat[:_QUOTE_LENGTH]}..."


def warning(code: str, field: str, message: str, words: str) -> ParseWarning:
    assert code in CODES, code
    return ParseWarning(code=code, field=field, message=message, quote=quote(words))


@dataclass(frozen=True, slots=True)
class Problem:
    """A warning found where its field is not yet known (a basis paragraph is parsed once for
    every letter that repeats it, whichever item and party it belongs to)."""

    code: str
    message: str
    words: str

    def at(self, field: str) -> ParseWarning:
        return warning(self.code, field, self.message, self.words)
