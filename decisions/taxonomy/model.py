"""What a treatment is, in the words analysts use: the values issue 13 defines.

String enums, so that a value is its own database and JSON form ("pharmaceutical", "opioid")
and compares equal to that string.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    PHARMACEUTICAL = "pharmaceutical"
    INJECTION = "injection"
    IMAGING = "imaging"
    ELECTRODIAGNOSTIC = "electrodiagnostic"
    OTHER_DIAGNOSTIC = "other_diagnostic"
    PHYSICAL_THERAPY = "physical_therapy"
    CHIROPRACTIC = "chiropractic"
    ACUPUNCTURE = "acupuncture"
    SURGERY = "surgery"
    DME = "dme"
    PROGRAM = "program"
    BEHAVIORAL_HEALTH = "behavioral_health"
    EVALUATION_MANAGEMENT = "evaluation_management"
    HOME_HEALTH = "home_health"
    OTHER = "other"


class DrugClass(StrEnum):
    OPIOID = "opioid"
    NSAID = "nsaid"
    MUSCLE_RELAXANT = "muscle_relaxant"
    ANTICONVULSANT = "anticonvulsant"
    ANTIDEPRESSANT = "antidepressant"
    BENZODIAZEPINE = "benzodiazepine"
    SEDATIVE_HYPNOTIC = "sedative_hypnotic"
    TOPICAL = "topical"
    GASTROINTESTINAL = "gastrointestinal"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Classification:
    """One disputed item's treatment, classified.

    `drug_class` is set for pharmaceuticals only. `generic_names` are the generic ingredients
    the request names, lower case, in the order it names them: for pharmaceuticals, and for
    injections of a named drug ("Toradol 60mg IM injection": ketorolac), so that a search for
    the drug finds both; empty for everything else. Frozen: results are cached and shared.
    """

    category: Category
    drug_class: DrugClass | None = None
    generic_names: tuple[str, ...] = ()


UNKNOWN = Classification(Category.OTHER)
