"""The parsed letter, exactly as the contract (CONTRACT.md) describes it.

Frozen and slotted: letters travel between ingest worker processes by pickling and are shared
by every consumer, so nothing may mutate them after parsing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Layout = Literal["standard", "case-header", "notice-2013"]
Outcome = Literal["upheld", "overturned"]
Sex = Literal["male", "female"]
Guideline = Literal["MTUS", "ODG", "ACOEM", "OTHER"]


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


@dataclass(frozen=True, slots=True)
class Reviewer:
    specialty: str | None
    subspecialty: str | None
    licensed_in: tuple[str, ...]


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
