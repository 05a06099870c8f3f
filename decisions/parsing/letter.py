"""`parse_letter`: text in, a whole `Letter` out (with warnings on what was not understood), or
a `ParseError` saying why its items cannot be read."""

from __future__ import annotations

import re

from .case_numbers import case_number_of
from .diagnostics import warning
from .header import parse_header
from .items import parse_items
from .model import Layout, Letter, ParseWarning
from .notice import parse_notice_items
from .patient import parse_patient
from .reviewer import parse_reviewer
from .sections import (
    HOW,
    NOTICE_QUALIFICATIONS,
    NOTICE_SUMMARY,
    SUMMARY,
    Sections,
    split_sections,
)
from .text import marked_document, reflow

# Boilerplate opening a case summary: the standard layout's introduction, and the 2013
# notices' disclaimer that the summary is the utilization review's.
_SUMMARY_INTRODUCTION = re.compile(
    r"The\s+expert\s+reviewer\s+developed\s+the\s+following\s+clinical\s+case\s+summary\s+based\s+"
    r"on\s+a\s+review\s+of\s+the\s+case\s+file,\s+including\s+all\s+medical\s+records:?\s*"
    r"|Disclaimer:\s+The\s+following\s+case\s+summary\s+was\s+taken\s+directly\s+from\s+the\s+"
    r"utilization\s+review\b[^.:]*?\bdated\b[^.:]*[.:]?\s*",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?:[-*\u2022\u00b7]|\d+[.)])\s+")
# A header line: labels with their values ("Case Number: CM13-0012345 Date Assigned: ...").
_HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z ()/#.']{0,40}:")


def parse_letter(text: str, *, file_name: str | None = None) -> Letter:
    """Read one IMR final determination letter of any known layout.

    Never returns part of a letter in silence: a letter whose items or outcomes cannot be read
    (no items section, an item part missing, an unknown outcome word, an unknown layout)
    raises `ParseError`; what else was not understood (a missing credentials or summary
    section, a specialty not in the vocabulary, a date that is no date, words of a basis in
    no citation) is a warning on the letter or its item. Values the letter does not state are
    None. `file_name`, the name of the file the text came from, gives the case number when
    the text has none (the DWC publishes each letter as <case number>.pdf).
    """
    doc, marked = marked_document(text)
    sections = split_sections(doc)
    header, warnings = parse_header(sections.preamble)
    layout: Layout
    if sections.notice:
        layout = "notice-2013"
        items = parse_notice_items(sections.preamble, sections.items)
    else:
        layout = "case-header" if header.case_number else "standard"
        items = parse_items(sections.items, marked)
        warnings += _outside_sections(sections.preamble)
    reviewer, reviewer_warnings = parse_reviewer(sections.reviewer)
    if sections.reviewer is None or not sections.reviewer.strip():
        warnings.append(_missing(sections, sections.reviewer, "reviewer"))
    warnings += reviewer_warnings
    summary = _summary(sections.summary)
    if not summary:
        # The patient's values come from the summary: the warning names them too.
        warnings += [
            _missing(sections, sections.summary, name) for name in ("case_summary", "patient")
        ]
    patient, patient_warnings = parse_patient(summary.replace("\n\n", " "), header.date_of_injury)
    warnings += patient_warnings
    case_number, case_number_source, case_warnings = case_number_of(header.case_number, file_name)
    warnings += case_warnings
    return Letter(
        layout=layout,
        case_number=case_number,
        case_number_source=case_number_source,
        date_assigned=header.date_assigned,
        decision_date=header.decision_date,
        ur_denial_date=header.ur_denial_date,
        application_received=header.application_received,
        reviewer=reviewer,
        patient=patient,
        case_summary=summary,
        documents_reviewed=_documents(sections.documents),
        items=items,
        warnings=tuple(warnings),
    )


def _summary(section: str | None) -> str:
    """The case summary as clean paragraphs, its boilerplate introduction removed."""
    text = (section or "").strip("\n")
    introduction = _SUMMARY_INTRODUCTION.match(text)
    return reflow(text[introduction.end() :] if introduction else text)


# field -> (its section's heading in the standard layouts, in the 2013 notices; what is lost)
_SECTIONS = {
    "reviewer": (HOW, NOTICE_QUALIFICATIONS, "the reviewer's credentials are null"),
    "case_summary": (SUMMARY, NOTICE_SUMMARY, "the case summary is empty"),
    "patient": (SUMMARY, NOTICE_SUMMARY, "the patient's values, read from it, are null"),
}


def _missing(sections: Sections, body: str | None, field: str) -> ParseWarning:
    """The warning on the section of `field`, absent (`body` None) or empty: its values are
    null."""
    standard, notice, lost = _SECTIONS[field]
    name = notice if sections.notice else standard
    state = "no" if body is None else "an empty"
    message = f"the letter has {state} {name!r} section: {lost}"
    return warning("section-missing", field, message, name)


def _outside_sections(preamble: str) -> list[ParseWarning]:
    """A warning on text before the first section that is no header line: it belongs to no
    section the parser reads (a credentials section under a heading it does not know, say)."""
    if not preamble.strip():
        return []
    stray = [line for line in preamble.split("\n") if line and not _HEADER_LINE.match(line)]
    if not stray:
        return []
    return [
        warning(
            "text-outside-sections",
            "letter",
            "text before the first section that the parser does not read",
            " ".join(stray),
        )
    ]


def _documents(section: str | None) -> tuple[str, ...] | None:
    """One document per line, as the section lists them (list bullets dropped)."""
    if section is None:
        return None
    return tuple(
        " ".join(_BULLET.sub("", line).split()) for line in section.split("\n") if line.strip()
    )
