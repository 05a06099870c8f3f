"""`parse_letter`: text in, a whole `Letter` out, or a `ParseError` saying what is missing."""

from __future__ import annotations

import re

from .errors import ParseError
from .header import parse_header
from .items import parse_items
from .model import Layout, Letter
from .notice import parse_notice_items
from .patient import parse_patient
from .reviewer import parse_reviewer
from .sections import NOTICE_SUMMARY, SUMMARY, split_sections
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


def parse_letter(text: str) -> Letter:
    """Read one IMR final determination letter of any known layout.

    Never returns part of a letter: a missing section or item part, an unknown outcome word or
    an unknown layout raises `ParseError`. Values the letter does not state are None.
    """
    doc, marked = marked_document(text)
    sections = split_sections(doc)
    header = parse_header(sections.preamble)
    layout: Layout
    if sections.notice:
        layout = "notice-2013"
        items = parse_notice_items(sections.preamble, sections.items)
    else:
        layout = "case-header" if header.case_number else "standard"
        items = parse_items(sections.items, marked)
    summary_text = sections.summary.strip("\n")
    introduction = _SUMMARY_INTRODUCTION.match(summary_text)
    summary = reflow(summary_text[introduction.end() :] if introduction else summary_text)
    if not summary:
        raise ParseError(f"the {NOTICE_SUMMARY if sections.notice else SUMMARY!r} section is empty")
    return Letter(
        layout=layout,
        case_number=header.case_number,
        date_assigned=header.date_assigned,
        decision_date=header.decision_date,
        ur_denial_date=header.ur_denial_date,
        application_received=header.application_received,
        reviewer=parse_reviewer(sections.reviewer),
        patient=parse_patient(summary.replace("\n\n", " "), header.date_of_injury),
        case_summary=summary,
        documents_reviewed=_documents(sections.documents),
        items=items,
    )


def _documents(section: str | None) -> tuple[str, ...] | None:
    """One document per line, as the section lists them (list bullets dropped)."""
    if section is None:
        return None
    return tuple(
        " ".join(_BULLET.sub("", line).split()) for line in section.split("\n") if line.strip()
    )
