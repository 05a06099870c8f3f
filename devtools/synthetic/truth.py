"""The parse a correct parser returns for a letter: decisions/parsing/CONTRACT.md's JSON,
without "source" and "sha256".

Built from the values the text was rendered from, never by reading the text, so the parser's
tests hold the parser against the generator without either side importing the other. A
warning is expected where the letter was drawn to carry one (a specialty outside the
vocabulary, a loosely written outcome word, a basis opening with words in no citation); it is
given by its code and field only, since its message and quote are the parser's words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .variants import Wording
from .vocabulary import CANONICAL_SPECIALTY, UNKNOWN_SPECIALTIES
from .wording import restored

if TYPE_CHECKING:
    from .letter import Item, Letter


def expected(letter: Letter, file_stem: str | None = None) -> dict:
    """The expected parse of letter.text(), which must have been called (it draws the summary),
    read from a file named `file_stem` + a suffix (or without a file name): a letter without a
    header takes its case number from the name, one with a header keeps its own, warned when
    the name says another."""
    name, subspecialty, states, _ = letter.reviewer
    t = letter.times
    warnings = [
        {"code": "specialty-unknown", "field": field}
        for field, value in (("reviewer.specialty", name), ("reviewer.subspecialty", subspecialty))
        if value in UNKNOWN_SPECIALTIES
    ]
    has_header = letter.layout != "standard"
    case_number: str | None
    source: str | None
    if has_header:
        case_number, source = letter.case_number, "letter"
        if file_stem and file_stem != letter.case_number:
            warnings.append({"code": "case-number-file-name", "field": "case_number"})
    else:
        case_number = file_stem
        source = "file_name" if file_stem else None
    return {
        "layout": letter.layout,
        "case_number": case_number,
        "date_assigned": t.assigned.isoformat() if letter.layout == "case-header" else None,
        "decision_date": t.decision.isoformat() if has_header else None,
        "ur_denial_date": t.ur_denial.isoformat() if has_header else None,
        "application_received": t.received.isoformat()
        if has_header and letter.has_received
        else None,
        "reviewer": {
            "specialty": name,
            "subspecialty": subspecialty,
            "licensed_in": list(states),
            "specialty_canonical": CANONICAL_SPECIALTY.get(name),
            "subspecialty_canonical": CANONICAL_SPECIALTY.get(subspecialty or ""),
        },
        "patient": letter.patient,
        "case_summary": "\n\n".join(
            restored(sentences, letter.style.summary_gap) for sentences in letter.summary
        ),
        "documents_reviewed": letter.documents,
        "items": [
            _item(item, number, None if letter.layout == "notice-2013" else letter.wording)
            for number, item in enumerate(letter.items)
        ],
        "warnings": warnings,
        "case_number_source": source,
    }


def _item(item: Item, number: int, headings: Wording | None) -> dict:
    """An item's expected parse; `headings` is the wording of the item headings (None in the
    2013 notices, which have none)."""
    # Headings, bases and rationale sentences are built with single spaces; only their
    # rendering adds the letter's spacing habits, so no re-cleaning is needed here.
    warnings = []
    if headings is not None and headings.loose_outcome:
        warnings.append({"code": "outcome-loose", "field": f"items[{number}].outcome"})
    if item.ca.unread:
        warnings.append(
            {"code": "basis-unread", "field": f"items[{number}].claims_administrator_basis"}
        )
    return {
        "treatment": item.treatment,
        "outcome": item.outcome,
        "rationale": "\n\n".join(" ".join(sentences) for sentences in item.rationale),
        "claims_administrator_basis": {"text": item.ca.text, "citations": item.ca.citations},
        "reviewer_basis": {"text": item.reviewer.text, "citations": item.reviewer.citations},
        "warnings": warnings,
    }
