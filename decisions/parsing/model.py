"""The parsed letter, exactly as the contract (CONTRACT.md) describes it.

Frozen and slotted: letters travel between ingest worker processes by pickling and are shared
by every consumer, so nothing may mutate them after parsing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Layout = Literal["standard", "case-header", "notice-2013"]
# Where a letter's case number was read: its own text, or the name of the file it came in.
CaseNumberSource = Literal["letter", "file_name"]
Outcome = Literal["upheld", "overturned"]
Sex = Literal["male", "female"]
Guideline = Literal["MTUS", "ODG", "ACOEM", "OTHER"]


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something the parser read but did not understand, or understood only loosely.

    A letter whose items and outcomes are certain is kept with its warnings, so that a value
    the parser was unsure of never stands without a note beside it (CONTRACT.md, Warnings).
    """

    code: str  # stable, machine-readable: "specialty-unknown", ... (diagnostics.CODES)
    field: str  # what it concerns, a JSON path: "reviewer.specialty", "items[2].reviewer_basis"
    message: str  # plain words for a reader
    quote: str  # the words not understood, as written (cut to a readable length)


@dataclass(frozen=True, slots=True)
class Citation:
    guideline: Guideline
    document: str | None
    topic: str | None
    pages: tuple[int, ...]
    text: str  # the citation as written, so a reader can check the canonical naming


@dataclass(frozen=True, slots=True)
class Basis:
    text: str  # the paragraph without its label
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Item:
    treatment: str
    outcome: Outcome
    rationale: str
    claims_administrator_basis: Basis | None
    reviewer_basis: Basis | None
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class Reviewer:
    specialty: str | None
    subspecialty: str | None
    licensed_in: tuple[str, ...]
    # The specialty's canonical name (one name per specialty, for facets and filters); None
    # when there is no specialty or it is not in the vocabulary (then a warning says so).
    specialty_canonical: str | None = None
    subspecialty_canonical: str | None = None


@dataclass(frozen=True, slots=True)
class Patient:
    age: int | None
    sex: Sex | None
    date_of_injury: date | None


@dataclass(frozen=True, slots=True)
class Letter:
    layout: Layout
    case_number: str | None
    date_assigned: date | None
    decision_date: date | None
    ur_denial_date: date | None
    application_received: date | None
    reviewer: Reviewer
    patient: Patient
    case_summary: str
    documents_reviewed: tuple[str, ...] | None  # None: the letter has no such section
    items: tuple[Item, ...]
    warnings: tuple[ParseWarning, ...] = ()  # the letter's own; each item carries its own
    case_number_source: CaseNumberSource | None = None  # None when there is no case number
