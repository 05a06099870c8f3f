"""The synthetic generator's requests with the classification each should get.

The generator (devtools/synthetic) draws each request from a category of treatments.toml and
one of its variants' heading templates; truth here is given per category, with the templates
whose classification differs from their category's listed by their words. Cheap to keep, and
it weighs each kind of request as often as the corpus holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from devtools.synthetic.letter import draw_letter
from devtools.synthetic.vocabulary import ANCILLARY_VARIANTS

P = "pharmaceutical"

BY_CATEGORY: dict[str, tuple[str, str | None]] = {
    "norco": (P, "opioid"),
    "opioid": (P, "opioid"),
    "muscle_relaxant": (P, "muscle_relaxant"),
    "nsaid": (P, "nsaid"),
    "ppi": (P, "gastrointestinal"),
    "topical": (P, "topical"),
    "neuropathic": (P, "anticonvulsant"),
    "sleep_anxiety": (P, "sedative_hypnotic"),
    "other_drug": (P, "other"),
    "testosterone": (P, "other"),
    "esi": ("injection", None),
    "injection": ("injection", None),
    "physical_therapy": ("physical_therapy", None),
    "chiropractic": ("chiropractic", None),
    "acupuncture": ("acupuncture", None),
    "imaging": ("imaging", None),
    "electrodiagnostic": ("electrodiagnostic", None),
    "drug_testing": ("other_diagnostic", None),
    "dme": ("dme", None),
    "surgery": ("surgery", None),
    "scs": ("surgery", None),
    "frp": ("program", None),
    "home_health": ("home_health", None),
    "consultation": ("evaluation_management", None),
    "fce": ("other_diagnostic", None),
    "psychological": ("behavioral_health", None),
    "work_conditioning": ("physical_therapy", None),
    "misc": ("other", None),
    # Services that come with a procedure, by the generator's name for them.
    "iv_sedation": ("surgery", None),
    "epidurogram": ("imaging", None),
    "fluoroscopy": ("imaging", None),
    "myelography": ("imaging", None),
    "assistant_surgeon": ("surgery", None),
    "preop_clearance": ("other_diagnostic", None),
    "postop_pt": ("physical_therapy", None),
    "cold_therapy": ("dme", None),
    "inpatient_stay": ("surgery", None),
    "psych_eval": ("behavioral_health", None),
}

# Templates classified otherwise than their category, by their opening words.
BY_TEMPLATE: dict[str, tuple[str, str | None]] = {
    "Cymbalta": (P, "antidepressant"),
    "Duloxetine": (P, "antidepressant"),
    "Amitriptyline": (P, "antidepressant"),
    "Nortriptyline": (P, "antidepressant"),
    "Elavil": (P, "antidepressant"),
    "Restoril": (P, "benzodiazepine"),
    "Xanax": (P, "benzodiazepine"),
    "Alprazolam": (P, "benzodiazepine"),
    "Klonopin": (P, "benzodiazepine"),
    "Valium": (P, "benzodiazepine"),
    "Ativan": (P, "benzodiazepine"),
    "Toradol 60mg IM": ("injection", None),
    "Retrospective request for Toradol": ("injection", None),
    "Ketorolac": (P, "nsaid"),
    "Fioricet": (P, "sedative_hypnotic"),
    "Butalbital": (P, "sedative_hypnotic"),
    "Testosterone cypionate injections": ("injection", None),
    "Platelet-rich plasma": ("injection", None),
    "PRP": ("injection", None),
    "Sleep study": ("other_diagnostic", None),
    "Polysomnography": ("other_diagnostic", None),
    # A psychiatrist's consultation is behavioral health (issue 13's rule).
    "Psychiatric consultation": ("behavioral_health", None),
    "Pre-operative medical clearance": ("evaluation_management", None),
}

_VARIANT_KEYS = {id(variant): key for key, variant in ANCILLARY_VARIANTS.items()}


class Request(NamedTuple):
    treatment: str
    category: str
    drug_class: str | None


def _truth(key: str, treatment: str) -> tuple[str, str | None]:
    # Wrapped ("1 prescription of ...") and 2013 ("a ...") headings hold the template's words.
    for opening, truth in BY_TEMPLATE.items():
        if re.search(rf"(^|\bof |^an? ){re.escape(opening)}", treatment, re.IGNORECASE):
            return truth
    return BY_CATEGORY[key]


def requests(seed: int, letters: int) -> Iterator[Request]:
    """Every request of letters 0..`letters`-1 of corpus `seed`, with its expected classes."""
    for index in range(letters):
        for item in draw_letter(seed, index).items:
            key = _VARIANT_KEYS.get(id(item.variant), item.category.key)
            yield Request(item.treatment, *_truth(key, item.treatment))
