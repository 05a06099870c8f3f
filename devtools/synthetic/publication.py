"""How the DWC publishes a synthetic letter: the file's name, and its rows in the DWC's metadata.

Why: the published letters mostly carry neither their case number nor their decision date;
the DWC names each file by its case number and keeps the dates, the reviewer's specialty and a
category of each request in its own data, which can disagree with the letter. So a corpus that
exercises ingest, case lookup, date filters and statistics at scale needs both, with the
disagreements real data has, in known numbers: `Publication.planted` counts each kind, so a
test can hold what `apply_metadata` reports against them.

What is drawn here comes from a random stream of its own (seeded by the corpus seed and the
letter's index), so adding it changed no letter's text.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from decisions.dwc_metadata import COLUMNS
from decisions.taxonomy import Category, DrugClass, classify

from .vocabulary import CANONICAL_SPECIALTY

if TYPE_CHECKING:
    from .letter import Letter

# The file's header: the columns the reader takes (rows below are written in this order).
METADATA_HEADER = COLUMNS

# The DWC's request categories (its IMR search tool's words) for the project's own.
DWC_CATEGORIES = {
    Category.PHARMACEUTICAL: "Pharmaceuticals",
    Category.INJECTION: "Injections",
    Category.IMAGING: "Diagnostic Testing",
    Category.ELECTRODIAGNOSTIC: "Diagnostic Testing",
    Category.OTHER_DIAGNOSTIC: "Diagnostic Testing",
    Category.PHYSICAL_THERAPY: "Physical Therapy",
    Category.CHIROPRACTIC: "Chiropractic",
    Category.ACUPUNCTURE: "Acupuncture",
    Category.SURGERY: "Surgery",
    Category.DME: "Durable Medical Equipment",
    Category.PROGRAM: "Programs",
    Category.BEHAVIORAL_HEALTH: "Behavioral Health",
    Category.EVALUATION_MANAGEMENT: "Evaluation and Management",
    Category.HOME_HEALTH: "Home Health",
    Category.OTHER: "Other",
}
DWC_SUBCATEGORIES = {
    Category.IMAGING: "Imaging",
    Category.ELECTRODIAGNOSTIC: "Electrodiagnostic",
    Category.OTHER_DIAGNOSTIC: "Other Diagnostic",
}

# How often each disagreement is planted, per letter (a letter gets at most one).
RATES = {
    "unlisted": 0.01,  # the DWC's data has no row for the letter
    "items": 0.005,  # one row fewer than the letter's items
    "decision": 0.005,  # one item's decision the other way
    "date_of_injury": 0.005,  # a year off
    "specialty": 0.005,  # another specialty
    "spelling": 0.01,  # the same specialty spelled otherwise: no disagreement
    "file_name": 0.003,  # a letter whose header states its number, in a file named otherwise
    "bad_row": 0.002,  # an extra row without a case number, which apply_metadata skips
}


@dataclass
class Metadata:
    rows: list[list[str]]  # the letter's rows in the DWC's metadata CSV
    planted: Counter[str] = field(default_factory=Counter)  # disagreements, by kind


def file_stem(seed: int, index: int, letter: Letter) -> str:
    """The name the DWC gives the letter's file, without its suffix: its case number (another
    one for the few letters drawn to be filed under a wrong name; those state their own)."""
    if _drawn(seed, index)[1] == "file_name" and letter.layout != "standard":
        return f"CM{letter.times.assigned.year % 100:02d}-{9_999_999 - letter.case_serial:07d}"
    return letter.case_number


def metadata(seed: int, index: int, letter: Letter) -> Metadata:
    """The letter's rows in the DWC's metadata, once its text() has been rendered."""
    rng, kind = _drawn(seed, index)
    if kind == "unlisted":
        return Metadata([], Counter(unlisted=1))
    rows = [_row(letter, rng, item.treatment, item.outcome) for item in letter.items]
    planted = _plant(kind, letter, rng, rows)
    if kind == "bad_row":
        rows.append(["", *rows[0][1:]])
        planted["bad_row"] += 1
    if kind == "file_name" and letter.layout != "standard":
        planted["file_name"] += 1
    return Metadata(rows, planted)


def _drawn(seed: int, index: int) -> tuple[random.Random, str | None]:
    """The letter's own stream for what is drawn here, and the disagreement drawn for it."""
    rng = random.Random(f"dwc {seed} {index}")
    roll = rng.random()
    for kind, rate in RATES.items():
        if roll < rate:
            return rng, kind
        roll -= rate
    return rng, None


def _row(letter: Letter, rng: random.Random, treatment: str, outcome: str) -> list[str]:
    classification = classify(treatment)
    category = classification.category
    if classification.drug_class is not None:
        subcategory = _drug_class_name(classification.drug_class)
    else:
        subcategory = DWC_SUBCATEGORIES.get(category, "")
    times = letter.times
    return [
        letter.case_number,
        _written(times.decision, rng),
        _written(times.injury, rng),
        _written(times.received, rng),
        letter.reviewer[0],
        DWC_CATEGORIES[category],
        subcategory,
        outcome.capitalize(),
    ]


def _plant(
    kind: str | None, letter: Letter, rng: random.Random, rows: list[list[str]]
) -> Counter[str]:
    """Change `rows` as the drawn disagreement says; what was planted that the letter's own
    values make a disagreement (a date of injury only where the letter states one)."""
    if kind == "items" and len(rows) > 1:
        rows.pop()
        return Counter(items=1)
    if kind == "decision":
        position = rng.randrange(len(rows))
        rows[position][7] = "Upheld" if rows[position][7] == "Overturned" else "Overturned"
        return Counter(decision=1)
    if kind == "date_of_injury" and letter.patient.get("date_of_injury"):
        moved = _written(letter.times.injury - timedelta(days=365), rng)
        for row in rows:
            row[2] = moved
        return Counter(date_of_injury=1)
    specialty = letter.reviewer[0]
    if kind == "specialty" and specialty and specialty != "Dermatology":
        for row in rows:
            row[4] = "Dermatology"
        return Counter(specialty=1)
    if kind == "spelling" and specialty in CANONICAL_SPECIALTY:
        # Only a name the vocabulary knows is one specialty however it is spelled.
        for row in rows:
            row[4] = row[4].upper().replace(" AND ", " & ")
    return Counter()


def _drug_class_name(drug_class: DrugClass) -> str:
    """ "muscle_relaxant" -> "Muscle Relaxants", as the DWC names sub-categories."""
    return drug_class.value.replace("_", " ").title() + "s"


def _written(day: date, rng: random.Random) -> str:
    """A date as the DWC writes it (MM/DD/YYYY), or now and then in ISO form."""
    return day.isoformat() if rng.random() < 0.1 else day.strftime("%m/%d/%Y")
